"""来访登记: visitors signing in and out, expected guests, the block list, retention purge."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import DeskStat, Module, NavItem, QuickAction, Setting, grant
from ..shared.permissions import A, C, L, S

bp = Blueprint("visitors", __name__, url_prefix="/visitors")

from . import cli, demo, handover, panels, views  # noqa: E402,F401 - views register their routes

module = Module(
    "visitors", bp, _l("访客"),
    permissions={
        "visitors.view": grant(_l("查看来访登记"), A, S, L, C),
        "visitors.register": grant(_l("访客登记、离开、预约访客"), S, L, C),
        "visitors.blocklist": grant(_l("维护黑名单"), S),
    },
    nav=[NavItem(_l("访客"), "visitors.index", "visitors.view", "/visitors", _l("前台"))],
    desk=[DeskStat(_l("人在场内"), panels.inside, "visitors.index", "visitors.view")],
    actions=[QuickAction(_l("来访登记"), "visitors.new", "visitors.register")],
    handover=[handover.visitors_inside],
    demo=demo.demo,
    field_labels={
        "party_size": _l("人数"), "pass_no": _l("访客证号"), "signed_in_at": _l("进入时间"),
        "signed_out_at": _l("离开时间"), "host_name": _l("被访人"),
    },
    settings={"VISITOR_RETENTION_DAYS": Setting(
        180, "days visitors' personal data is kept before `flask visitors-purge` anonymises it")},
    commands=[cli.purge],
)
