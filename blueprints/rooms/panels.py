"""Meetings on the dashboard: the concierge's (and supervisor's) services of the day with what is due
now, and the count on the lobby's desk panel."""
import sqlalchemy as sa

from models import clock, db
from models.rooms import BLOCKING, Occurrence

from ..shared.permissions import current_property
from .services import release_after
from .work import left_open, orders_on


def today() -> dict:
    prop, now = current_property(), clock.now()
    day = prop.local_day(now)
    orders = left_open(prop.id, day) + [o for o in orders_on(prop.id, day) if o.occurrence.status in BLOCKING]
    return {"orders": orders, "as_of": now, "wait": release_after()}


def meetings_today() -> int:
    prop, now = current_property(), clock.now()
    start, end = prop.day_range(prop.local_day(now))
    wait = release_after()
    return sum(1 for o in db.session.scalars(
        sa.select(Occurrence).where(Occurrence.property_id == prop.id, Occurrence.status.in_(BLOCKING),
                                    Occurrence.starts_at >= start, Occurrence.starts_at < end)
    ) if o.holds_room(now, wait))
