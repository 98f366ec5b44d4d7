"""`GET /healthz`: the database and the fonts for printing, as JSON, without log-in."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import Module

bp = Blueprint("health", __name__)

from . import views  # noqa: E402,F401 - views register their routes

module = Module("health", bp, _l("健康检查"))
