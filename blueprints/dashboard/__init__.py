"""The landing page with each module's panels, and the user's notifications."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import Module, NavItem, grant
from ..shared.permissions import A, C, D, L, S

bp = Blueprint("dashboard", __name__)

from . import views  # noqa: E402,F401 - views register their routes

module = Module(
    "dashboard", bp, _l("工作台"),
    permissions={"dashboard.view": grant(_l("工作台和通知"), A, S, L, C, D)},
    nav=[NavItem(_l("工作台"), "dashboard.index", "dashboard.view", "/dashboard")],
)
