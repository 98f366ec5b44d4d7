"""The offline machinery's pages: the service worker, the outbox list and the offline fallback."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import Module, Setting, grant
from ..shared.permissions import A, C, D, L, S

bp = Blueprint("offline", __name__)

from . import views  # noqa: E402,F401 - views register their routes

module = Module(
    "offline", bp, _l("离线提交"),
    permissions={"outbox.use": grant(_l("查看本机待同步的提交"), A, S, L, C, D)},
    settings={"OFFLINE_MAX_DAYS": Setting(3, "a device time further back is not believed: the record gets its arrival time")},
)
