"""签收与发放: parcels, letters and papers logged at the lobby, handed out against a signature."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import DeskStat, Module, NavItem, QuickAction, Setting, grant
from ..shared.permissions import A, C, L, S

bp = Blueprint("parcels", __name__, url_prefix="/parcels")

from . import demo, handover, panels, printing, views  # noqa: E402,F401 - views register their routes

module = Module(
    "parcels", bp, _l("包裹"),
    permissions={
        "parcels.view": grant(_l("查看包裹登记"), A, S, L, C),
        "parcels.work": grant(_l("登记、发放和退回包裹"), S, L, C),
    },
    nav=[NavItem(_l("包裹"), "parcels.index", "parcels.view", "/parcels", _l("前台"))],
    desk=[DeskStat(_l("件包裹待领"), panels.waiting, "parcels.index", "parcels.view")],
    actions=[QuickAction(_l("包裹登记"), "parcels.new", "parcels.work")],
    handover=[handover.waiting_parcels],
    attachments={"parcels": "parcels.view"},
    demo=demo.demo,
    field_labels={
        "carrier": _l("快递公司"), "tracking_no": _l("快递单号"), "shelf": _l("货架"), "picked_up_at": _l("领取时间"),
        "collector_name": _l("领取人"),
    },
    number_codes={"BG": _l("包裹")},
    settings={"PARCEL_UNCLAIMED_DAYS": Setting(3, "a parcel waiting longer is listed as unclaimed")},
)
