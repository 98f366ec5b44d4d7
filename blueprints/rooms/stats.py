"""The monthly usage report (会议室使用统计): per room the meetings booked and held, the hours used, the
no-shows, how full the opening hours were, and what the service served."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from models import Property, db
from models.room_service import Crockery, ServedItem, WorkOrder, WorkOrderStatus
from models.rooms import Occurrence, OccurrenceStatus, Room, ServiceItem

from .services import release_after

HELD = (OccurrenceStatus.IN_USE, OccurrenceStatus.CLOSED)


def shift_month(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class RoomMonth:
    room: Room | None  # None: the total line
    booked: int = 0  # meetings that held the room (held, still to come, or no-show)
    held: int = 0
    hours: float = 0.0
    no_shows: int = 0
    cancelled: int = 0
    open_hours: float = 0.0
    served: dict[ServiceItem, int] = field(default_factory=dict)
    crockery_missing: int = 0

    @property
    def use_rate(self) -> float | None:
        """Hours used of the hours the room was open in the month."""
        return self.hours / self.open_hours if self.open_hours else None


@dataclass
class MonthReport:
    month: date
    rows: list[RoomMonth]
    total: RoomMonth


def _open_hours(room: Room, first: date, last: date) -> float:
    per_day = (datetime.combine(first, room.closes_at) - datetime.combine(first, room.opens_at)).total_seconds() / 3600
    days = sum(1 for n in range((last - first).days + 1) if room.opens_on(first + timedelta(days=n)))
    return per_day * days


def month_report(prop: Property, month: date, now: datetime) -> MonthReport:
    last = shift_month(month, 1) - timedelta(days=1)
    start, end = prop.day_range(month, last)
    rooms = list(db.session.scalars(sa.select(Room).where(Room.property_id == prop.id).order_by(Room.active.desc(), Room.name)))
    by_room = {r.id: RoomMonth(r, open_hours=_open_hours(r, month, last) if r.active else 0.0) for r in rooms}
    wait = release_after()
    for o in db.session.scalars(sa.select(Occurrence).where(
            Occurrence.property_id == prop.id, Occurrence.starts_at >= start, Occurrence.starts_at < end)):
        line = by_room[o.room_id]
        status = o.shown_status(now, wait)
        if status in HELD:
            line.held += 1
            line.hours += o.hours
        if status in (*HELD, OccurrenceStatus.CONFIRMED, OccurrenceStatus.RELEASED):
            line.booked += 1
        if status is OccurrenceStatus.RELEASED:
            line.no_shows += 1
        if status is OccurrenceStatus.CANCELLED:
            line.cancelled += 1
    in_month = (sa.select(WorkOrder.id).join(WorkOrder.occurrence)
                .where(WorkOrder.property_id == prop.id, WorkOrder.status == WorkOrderStatus.CLOSED,
                       Occurrence.starts_at >= start, Occurrence.starts_at < end))
    for room_id, item, quantity in db.session.execute(
        sa.select(Occurrence.room_id, ServedItem.item, sa.func.sum(ServedItem.quantity))
        .join(WorkOrder, WorkOrder.id == ServedItem.work_order_id).join(WorkOrder.occurrence)
        .where(ServedItem.work_order_id.in_(in_month)).group_by(Occurrence.room_id, ServedItem.item)
    ):
        by_room[room_id].served[item] = int(quantity)
    for room_id, missing in db.session.execute(
        sa.select(Occurrence.room_id, sa.func.sum(Crockery.issued - Crockery.returned))
        .join(WorkOrder, WorkOrder.id == Crockery.work_order_id).join(WorkOrder.occurrence)
        .where(Crockery.work_order_id.in_(in_month)).group_by(Occurrence.room_id)
    ):
        by_room[room_id].crockery_missing = int(missing or 0)
    rows = [line for line in by_room.values() if line.room.active or line.booked or line.cancelled]
    total = RoomMonth(None)
    for line in rows:
        for name in ("booked", "held", "hours", "no_shows", "cancelled", "open_hours", "crockery_missing"):
            setattr(total, name, getattr(total, name) + getattr(line, name))
        for item, n in line.served.items():
            total.served[item] = total.served.get(item, 0) + n
    return MonthReport(month, rows, total)
