"""Meetings on the shift handover: those still in their room (to be served and closed), and those
still to come today (to be opened, cleaned and set up)."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from models import Property, clock, db
from models.rooms import Occurrence, OccurrenceStatus

from ..shared.handover import HandoverItem
from ..shared.localtime import local
from .services import release_after


def _line(o: Occurrence) -> str:
    b = o.booking
    return _("%(when)s %(room)s %(org)s「%(title)s」%(n)d 人", when=f"{local(o.starts_at, '%H:%M')}–{local(o.ends_at, '%H:%M')}",
             room=o.room.name, org=b.organiser, title=b.title, n=b.attendees)


def _link(o: Occurrence) -> str:
    return url_for("rooms.work_order", order_id=o.work_order.id) if o.work_order else url_for("rooms.booking", booking_id=o.booking_id)


def meetings(shift) -> list[HandoverItem]:
    prop = db.session.get(Property, shift.property_id)
    until = shift.handed_over_at or clock.now()
    _start, end_of_day = prop.day_range(prop.local_day(until))
    wait = release_after()
    found = db.session.scalars(
        sa.select(Occurrence)
        .where(Occurrence.property_id == prop.id,
               sa.or_(Occurrence.status == OccurrenceStatus.IN_USE,
                      sa.and_(Occurrence.status == OccurrenceStatus.CONFIRMED, Occurrence.starts_at < end_of_day)))
        .order_by(Occurrence.starts_at)
    )
    items = []
    for o in found:
        if o.status is OccurrenceStatus.IN_USE:
            items.append(HandoverItem(_("会议进行中（待服务、结束）"), _line(o), _link(o)))
        elif not o.overdue(until, wait):
            items.append(HandoverItem(_("今日待接待的会议"), _line(o), _link(o)))
    return items
