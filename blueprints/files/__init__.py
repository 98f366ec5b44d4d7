"""Stored files (photos) served to signed-in users of the record's property."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import Module, grant
from ..shared.permissions import A, C, D, L, S

bp = Blueprint("files", __name__, url_prefix="/files")

from . import views  # noqa: E402,F401 - views register their routes

module = Module(
    "files", bp, _l("照片与附件"),
    permissions={"files.view": grant(_l("查看本项目记录的照片和签名"), A, S, L, C, D)},
)
