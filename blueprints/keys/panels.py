"""Keys on the dashboard: the keys not back in time (red), and the counts on the lobby's desk panel."""
import sqlalchemy as sa

from models import clock
from models.keys import KeyLoan

from ..shared.permissions import current_property
from .services import grace, overdue_loans


def overdue() -> dict:
    now = clock.now()
    loans = overdue_loans(current_property().id, now)
    return {"loans": loans, "as_of": now, "late": {loan.id: loan.overdue(now, grace(loan.key.key_class)) for loan in loans}}


def out() -> sa.Select:
    return sa.select(sa.func.count(KeyLoan.id)).where(
        KeyLoan.property_id == current_property().id, KeyLoan.returned_at.is_(None))


def overdue_count() -> sa.Select:
    """As KeyLoan.overdue without grace: out, and past the time it was due back (the earlier of the expected
    return and the end of the borrower's shift)."""
    now = clock.now()
    return out().where(sa.or_(KeyLoan.expected_return_at < now, KeyLoan.shift_ends_at < now))
