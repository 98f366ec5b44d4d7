"""Lending on the desk panel: loans out, and how many of them are overdue."""
import sqlalchemy as sa

from models import clock
from models.lending import Loan

from ..shared.permissions import current_property


def out() -> sa.Select:
    return sa.select(sa.func.count(Loan.id)).where(Loan.property_id == current_property().id, Loan.returned_at.is_(None))


def late() -> sa.Select:
    return out().where(Loan.due_at < clock.now())
