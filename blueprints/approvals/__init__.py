"""审批: requests that need a permitted person's yes (an arrears release, a plant-room key, a room
booking), decided from a tablet, never by the requester."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import Module, Panel, grant
from ..shared.permissions import A, C, D, L, S

bp = Blueprint("approvals", __name__, url_prefix="/approvals")

from . import panels, views  # noqa: E402,F401 - views register their routes

module = Module(
    "approvals", bp, _l("审批"),
    # Seeing requests is for everyone; deciding is each kind's own permission (see the modules' `approvals`).
    permissions={"approvals.view": grant(_l("查看审批申请和结果"), A, S, L, C, D)},
    panels=[Panel("approvals/_panel.html", panels.approvals, order=15, lists=panels.lists)],
    field_labels={
        "summary": _l("申请事项"), "decision_note": _l("审批说明"), "decided_by_id": _l("审批人"),
        "decided_at": _l("审批时间"), "requested_by_id": _l("申请人"), "requested_at": _l("申请时间"),
    },
)
