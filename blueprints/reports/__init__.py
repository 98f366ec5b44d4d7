"""统计报表: monthly ticket statistics (客户信息统计表), on screen, in Excel and on paper."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import Module, NavItem, grant
from ..shared.permissions import A, S

bp = Blueprint("reports", __name__, url_prefix="/reports")

from . import views  # noqa: E402,F401 - views register their routes

module = Module(
    "reports", bp, _l("统计报表"),
    permissions={"reports.view": grant(_l("查看和导出统计报表"), S, A)},
    nav=[NavItem(_l("统计报表"), "reports.index", "reports.view", "/reports")],
)
