"""业户档案: look up units and their residents, reveal personal data on purpose, print the archive card."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import Module, NavItem, Panel, grant
from ..shared.permissions import A, C, L, S

bp = Blueprint("archive", __name__, url_prefix="/archive")

from . import panels, views  # noqa: E402,F401 - views register their routes

module = Module(
    "archive", bp, _l("业户档案"),
    permissions={
        "archive.view": grant(_l("查询业户档案（个人信息打码）"), A, S, L, C),
        "archive.reveal": grant(_l("查看完整电话和证件号（记入访问日志）"), A, S),
        "archive.print": grant(_l("打印业户档案卡"), A, S),
    },
    nav=[NavItem(_l("业户档案"), "archive.units", "archive.view", "/archive")],
    panels=[Panel("archive/_panel.html", permission="archive.view", order=10, counts=panels.counts)],
)
