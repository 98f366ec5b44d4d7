"""The administrator's cards on the dashboard."""
from datetime import date

import sqlalchemy as sa

from models import CalendarDay, db

from ..shared.localtime import today
from ..shared.permissions import current_property


def calendar_notice() -> dict:
    """In December, the year ahead must have its holidays and make-up workdays entered."""
    day = today()
    if day.month != 12:
        return {"missing_year": None}
    next_year = day.year + 1
    has_any = db.session.scalar(
        sa.select(sa.func.count(CalendarDay.id)).where(
            CalendarDay.property_id == current_property().id,
            CalendarDay.day.between(date(next_year, 1, 1), date(next_year, 12, 31)),
        )
    )
    return {"missing_year": None if has_any else next_year}
