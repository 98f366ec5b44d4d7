"""Keys on the dashboard: the keys not back in time (red), and the counts on the lobby's desk panel."""
from models import clock

from ..shared.permissions import current_property
from .services import grace, open_loans, overdue_loans


def overdue() -> dict:
    now = clock.now()
    loans = overdue_loans(current_property().id, now)
    return {"loans": loans, "as_of": now, "late": {loan.id: loan.overdue(now, grace(loan.key.key_class)) for loan in loans}}


def out() -> int:
    return len(open_loans(current_property().id))


def overdue_count() -> int:
    return len(overdue_loans(current_property().id))
