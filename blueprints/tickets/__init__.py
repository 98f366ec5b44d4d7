"""客户信息/报事: register, dispatch, work, feed back, visit and close tickets."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from models.org import Property

from ..shared.modules import AdminLink, DeskStat, Module, NavItem, Panel, QuickAction, Setting, grant
from ..shared.permissions import A, C, D, L, S

bp = Blueprint("tickets", __name__, url_prefix="/tickets")

from . import actions, capa, demo, handover, panels, printing, views  # noqa: E402,F401 - views register their routes

module = Module(
    "tickets", bp, _l("报事"),
    permissions={
        "tickets.view": grant(_l("查看报事"), A, S, L, C, D),
        "tickets.register": grant(_l("登记报事（首接）"), S, L, C),
        "tickets.dispatch": grant(_l("派工、改派"), S, L, C),
        "tickets.work": grant(_l("接单、处理、完成工单"), S, D),
        "tickets.feedback": grant(_l("反馈客户、关闭报事"), S, L, C),
        "tickets.visit": grant(_l("回访"), S, L, C),
        "tickets.capa": grant(_l("纠正与预防措施"), S, A),
        "tickets.settings": grant(_l("设置时限和回访比例"), A),
    },
    nav=[NavItem(_l("报事"), "tickets.index", "tickets.view", "/tickets")],
    panels=[
        Panel("tickets/_panel.html", panels.mine, permission="tickets.register", order=20, lists=panels.mine_first),
        Panel("tickets/_panel.html", panels.overdue, roles=frozenset({S}), order=50, lists=panels.overdue_first),
        Panel("tickets/_panel.html", panels.visits, roles=frozenset({S}), order=60, lists=panels.visits_first),
        Panel("tickets/_panel.html", panels.queue, roles=frozenset({D}), order=70, lists=panels.queue_first),
    ],
    desk=[DeskStat(_l("件首接待反馈"), panels.owed, "tickets.index", "tickets.view", {"mine": 1})],
    actions=[QuickAction(_l("登记报事"), "tickets.new", "tickets.register")],
    admin=[AdminLink(_l("报事设置"), _l("时限、回访比例、重复投诉统计期"), "tickets.settings", "tickets.settings")],
    handover=[handover.open_first_contacts],
    attachments={"tickets": "tickets.view"},
    demo=demo.demo,
    field_labels={
        "severity": _l("程度"), "source": _l("来源"), "assignee_id": _l("处理人"), "caller_name": _l("联系人"),
        "caller_phone": _l("联系电话"),
    },
    number_codes={"TK": _l("报事"), "CA": _l("纠正与预防措施")},
    property_loads=[Property.ticket_settings],
    settings={
        "TICKETS_DUPLICATE_HOURS": Setting(4, "hours within which the same unit, category and a similar text is "
                                              "taken for a likely duplicate, warned of before saving"),
    },
)
