"""Log-in, log-out, the property switcher and the CSRF token for scripts."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import Module

bp = Blueprint("auth", __name__)

from . import views  # noqa: E402,F401 - views register their routes

module = Module("auth", bp, _l("登录"))
