"""借用: umbrellas, ladders, toolkits and trolleys lent from the desk (counted stock or numbered pieces),
against a signature and an optional deposit; returns with a condition check, the overdue list, the stock,
the handover and the day's 借用登记表."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import AdminLink, DeskStat, Module, NavItem, QuickAction, grant
from ..shared.permissions import A, C, L, S

bp = Blueprint("lending", __name__, url_prefix="/lending")

from . import demo, handover, panels, printing, views  # noqa: E402,F401 - views register their routes

module = Module(
    "lending", bp, _l("借用"),
    permissions={
        "lending.view": grant(_l("查看借用物品、借出和超期"), A, S, L, C),
        "lending.work": grant(_l("借出和收回物品"), S, L, C),
        "lending.manage": grant(_l("管理可借用物品和数量"), A, S),
    },
    nav=[NavItem(_l("借用"), "lending.index", "lending.view", "/lending", _l("前台"))],
    desk=[DeskStat(_l("件借出未还"), panels.out, "lending.index", "lending.view"),
          DeskStat(_l("件借用超期"), panels.late, "lending.overdue_list", "lending.view")],
    actions=[QuickAction(_l("借出物品"), "lending.lend_view", "lending.work")],
    admin=[AdminLink(_l("借用物品"), _l("雨伞、梯子、工具箱等可借用物品，数量或编号、建议押金"), "lending.catalogue",
                     "lending.manage")],
    handover=[handover.loans_out],
    attachments={"loans": "lending.view"},
    demo=demo.demo,
    field_labels={
        "due_at": _l("应还时间"), "lent_at": _l("借出时间"), "returned_at": _l("归还时间"), "condition": _l("归还状况"),
        "deposit": _l("押金"), "deposit_outcome": _l("押金处理"), "borrower_name": _l("借用人"),
        "out_count": _l("借出数"), "stock": _l("数量"),
    },
    number_codes={"JY": _l("借用")},
)
