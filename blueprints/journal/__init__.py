"""值班日志: shifts, the opening checklist, journal events, release passes and the shift handover."""
from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l

from ..shared.modules import ApprovalKind, Module, NavItem, Panel, grant
from ..shared.permissions import A, C, D, L, S

bp = Blueprint("journal", __name__, url_prefix="/journal")

from . import demo, desk, passes, printing, services, sources, views  # noqa: E402,F401 - views register their routes

module = Module(
    "journal", bp, _l("值班日志"),
    permissions={
        "journal.view": grant(_l("查看值班日志和交接班"), A, S, L, C),
        "journal.work": grant(_l("开班、记录值班事件、交接班"), S, L, C),
        "journal.print": grant(_l("打印值班日志和交接班记录表"), A, S, L),
        "passes.view": grant(_l("查看放行条"), A, S, L, C, D),
        "passes.issue": grant(_l("开具放行条"), S, L),
        "passes.use": grant(_l("门岗核验放行条"), S, L, C, D),
        "passes.approve": grant(_l("批准欠费户放行"), S),
    },
    nav=[NavItem(_l("值班"), "journal.index", "journal.view", "/journal", _l("前台"))],
    panels=[Panel("journal/_desk.html", desk.desk, permission="journal.view", order=30, counts=desk.counts)],
    handover=[sources.held_items],
    attachments={"journal_events": "journal.view"},
    demo=demo.demo,
    field_labels={"post": _l("岗位"), "result": _l("结果"), "items": _l("物品"), "used_at": _l("使用时间")},
    number_codes={"BC": _l("班次"), "FX": _l("放行条")},
    approvals=[ApprovalKind("passes.arrears", _l("欠费放行"), "passes.approve", services.arrears_decided,
                            lambda approval: url_for("journal.pass_detail", pass_id=approval.subject_id))],
)
