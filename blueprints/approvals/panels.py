"""Approvals on the dashboard: what waits for my decision, and how my own requests stand."""
from datetime import timedelta

from flask_login import current_user
from sqlalchemy.orm import joinedload

from models import clock, db
from models.approvals import Approval

from ..shared.permissions import current_property
from .services import asked_by, decidable_kinds, waiting_for

RECENT = timedelta(days=3)


def approvals() -> dict:
    prop = current_property()
    mine = asked_by(current_user, prop.id).where(Approval.requested_at >= clock.now() - RECENT).limit(5)
    approver = bool(decidable_kinds())
    waiting = waiting_for(current_user, prop.id).options(joinedload(Approval.requested_by)).limit(8)
    return {
        "approver": approver,
        "waiting": db.session.scalars(waiting).all() if approver else [],
        "mine": db.session.scalars(mine).all(),
    }
