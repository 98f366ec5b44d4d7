"""Approvals on the dashboard: what waits for my decision, and how my own requests stand."""
from datetime import timedelta

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy.orm import joinedload

from models import clock
from models.approvals import Approval

from ..shared.permissions import current_property
from .services import asked_by, decidable_kinds, waiting_for

RECENT = timedelta(days=3)


def lists() -> dict[str, sa.Select]:
    """What waits for my decision (if I decide any kind) and my recent requests, asked with the dashboard's
    other lists of approvals (Panel.lists)."""
    prop = current_property()
    found = {"mine": asked_by(current_user, prop.id).where(Approval.requested_at >= clock.now() - RECENT).limit(5)}
    if decidable_kinds():
        found["waiting"] = waiting_for(current_user, prop.id).options(joinedload(Approval.requested_by)).limit(8)
    return found


def approvals(rows: dict[str, list]) -> dict:
    return {"approver": "waiting" in rows, "waiting": rows.get("waiting", []), "mine": rows["mine"]}
