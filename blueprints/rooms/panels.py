"""Meetings on the dashboard: the concierge's (and supervisor's) services of the day with what is due
now, and the count on the lobby's desk panel."""
import sqlalchemy as sa

from models import clock
from models.rooms import BLOCKING, Occurrence, OccurrenceStatus

from ..shared.permissions import current_property
from .services import release_after
from .work import orders_on


def today() -> dict:
    prop, now = current_property(), clock.now()
    day = prop.local_day(now)
    start = prop.day_range(day)[0]
    # Those of earlier days are still in service; of today's, those that hold their room.
    orders = [o for o in orders_on(prop.id, day, with_left_open=True)
              if o.occurrence.starts_at < start or o.occurrence.status in BLOCKING]
    return {"orders": orders, "as_of": now, "wait": release_after()}


def meetings_today() -> sa.Select:
    """The count of today's meetings that hold their room (as Occurrence.holds_room): under way or over, or
    awaited and not yet past the release time."""
    prop, now = current_property(), clock.now()
    start, end = prop.day_range(prop.local_day(now))
    awaited = [OccurrenceStatus.PENDING, OccurrenceStatus.CONFIRMED]
    return sa.select(sa.func.count(Occurrence.id)).where(
        Occurrence.property_id == prop.id, Occurrence.starts_at >= start, Occurrence.starts_at < end,
        sa.or_(Occurrence.status.in_([s for s in BLOCKING if s not in awaited]),
               sa.and_(Occurrence.status.in_(awaited), Occurrence.starts_at > now - release_after())),
    )
