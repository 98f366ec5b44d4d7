"""签收与发放: parcels, letters and papers logged at the lobby, handed out against a signature; the residents
told that a parcel is waiting, and reminded when it stays unclaimed (blueprints/shared/messaging.py)."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import DeskStat, Module, NavItem, QuickAction, Setting, grant
from ..shared.permissions import A, C, L, S

bp = Blueprint("parcels", __name__, url_prefix="/parcels")

from . import cli, demo, handover, panels, printing, views  # noqa: E402,F401 - views register their routes

module = Module(
    "parcels", bp, _l("包裹"),
    permissions={
        "parcels.view": grant(_l("查看包裹登记"), A, S, L, C),
        "parcels.work": grant(_l("登记、发放和退回包裹"), S, L, C),
        "parcels.notices": grant(_l("查看待通知业户清单（含完整手机号）并标记已通知"), S, L),
    },
    nav=[NavItem(_l("包裹"), "parcels.index", "parcels.view", "/parcels", _l("前台"))],
    desk=[DeskStat(_l("件包裹待领"), panels.waiting, "parcels.index", "parcels.view"),
          DeskStat(_l("条包裹通知待发"), panels.notices_open, "parcels.notices", "parcels.notices")],
    actions=[QuickAction(_l("包裹登记"), "parcels.new", "parcels.work"),
             QuickAction(_l("包裹发放"), "parcels.desk_pick_up", "parcels.work")],
    handover=[handover.waiting_parcels],
    attachments={"parcels": "parcels.view"},
    demo=demo.demo,
    field_labels={
        "carrier": _l("快递公司"), "tracking_no": _l("快递单号"), "shelf": _l("货架"), "picked_up_at": _l("领取时间"),
        "collector_name": _l("领取人"),
    },
    number_codes={"BG": _l("包裹")},
    settings={
        "PARCEL_UNCLAIMED_DAYS": Setting(3, "a parcel waiting longer is listed as unclaimed, and its resident "
                                            "reminded once a day (flask parcels-remind)"),
        "RESIDENT_MESSAGE_CHANNEL": Setting("desk", "how residents are told: 'desk' (the lobby's 待通知 list) or an "
                                                    "SMS provider's 'package.module:Sender' (flask messages-send)"),
    },
    commands=[cli.remind_command, cli.send_command],
)
