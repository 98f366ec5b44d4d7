"""Log-in, log-out, the property switcher and the CSRF token for scripts."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import Module, Setting

bp = Blueprint("auth", __name__)

from . import sessions, views  # noqa: E402,F401 - views register their routes

bp.before_app_request(sessions.close_idle_log_in)

module = Module(
    "auth", bp, _l("登录"),
    settings={
        "IDLE_MINUTES": Setting(720, "minutes unused after which a desk or floor log-in closes (0: never)"),
        "IDLE_MINUTES_ADMIN": Setting(30, "the same for a user working as admin in the current property"),
        "LOGIN_FAILURE_MINUTES": Setting(5, "wrong passwords are counted over this many minutes"),
        "LOGIN_FAILURES_PER_ACCOUNT": Setting(5, "wrong passwords for one account from one address before it waits"),
        "LOGIN_FAILURES_PER_ADDRESS": Setting(20, "wrong passwords from one address, any accounts, before it waits"),
        "REAUTH_MINUTES": Setting(15, "minutes after which a sensitive action asks for the password again (0: never)"),
    },
)
