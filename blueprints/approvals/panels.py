"""Approvals on the dashboard: what waits for my decision, and how my own requests stand."""
from datetime import timedelta

from flask_login import current_user

from models import clock, db
from models.approvals import Approval

from ..shared.permissions import current_property
from .services import asked_by, decidable_kinds, waiting_for

RECENT = timedelta(days=3)


def approvals() -> dict:
    prop = current_property()
    mine = asked_by(current_user, prop.id).where(Approval.requested_at >= clock.now() - RECENT).limit(5)
    return {
        "approver": bool(decidable_kinds()),
        "waiting": db.session.scalars(waiting_for(current_user, prop.id).limit(8)).all(),
        "mine": db.session.scalars(mine).all(),
    }
