"""The calendars: all rooms on one day, or one room through a week, as a grid of time slots.

The grid is laid out in five-minute rows so that a meeting from 10:15 to 11:40 sits exactly where it
is; slots (30 minutes by default, ROOMS_SLOT_MINUTES) are the tap targets. A slot is free when a
meeting in it, with the room's set-up and cleaning time around it, would collide with nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from models import Property, db
from models.rooms import BLOCKING, WEEKDAY_LABELS, Occurrence, OccurrenceStatus, Room

from .services import release_after

ROW = timedelta(minutes=5)
HEADER_ROWS = 1
# Shown in a calendar: what holds a room, and the no-shows given back (faintly, so the desk can say so).
SHOWN = (*BLOCKING, OccurrenceStatus.RELEASED)


def slot_length() -> timedelta:
    return timedelta(minutes=current_app.config["ROOMS_SLOT_MINUTES"])


@dataclass
class Slot:
    starts_at: datetime
    row: int
    span: int
    state: str  # free, busy, past, closed
    start: time  # what tapping it puts in the form: the slot's start, or the next five minutes if under way


@dataclass
class Block:
    occurrence: Occurrence
    status: OccurrenceStatus  # as shown: a no-show past its deadline shows released before cron runs
    row: int
    span: int
    setup: tuple[int, int] | None  # (row, span) of the set-up time before it
    cleanup: tuple[int, int] | None

    @property
    def holds(self) -> bool:
        return self.status in BLOCKING


@dataclass
class Column:
    room: Room
    day: date
    slots: list[Slot] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    now_row: int | None = None  # where the present is, on today's column

    @property
    def weekday(self) -> str:
        return str(WEEKDAY_LABELS[self.day.weekday()])


@dataclass
class Grid:
    rows: int  # five-minute rows, the same times on every day
    times: list[tuple[str, int]]  # a label per slot: ("09:00", row)
    slot_rows: int
    columns: list[Column]


def _bounds(rooms: list[Room], slot: timedelta) -> tuple[time, time]:
    """From the earliest opening to the latest closing of the rooms, on slot boundaries."""
    if not rooms:
        return time(8, 0), time(18, 0)
    step = int(slot.total_seconds() // 60)
    first = min(r.opens_at for r in rooms)
    last = max(r.closes_at for r in rooms)
    first_min = (first.hour * 60 + first.minute) // step * step
    last_min = min(-(-(last.hour * 60 + last.minute) // step) * step, 24 * 60 - step)
    return time(first_min // 60, first_min % 60), time(last_min // 60, last_min % 60)


def _ceil(at: datetime, step: timedelta) -> datetime:
    seconds = step.total_seconds()
    stamp = at.timestamp()
    return datetime.fromtimestamp(-(-stamp // seconds) * seconds, at.tzinfo)


def build(prop: Property, pairs: list[tuple[Room, date]], now: datetime) -> Grid:
    """The grid of the (room, day) columns, with the occurrences shown in each."""
    slot = slot_length()
    rooms = list({room.id: room for room, _day in pairs}.values())
    opens, closes = _bounds(rooms, slot)
    zone = prop.zone
    base_day = pairs[0][1] if pairs else now.astimezone(zone).date()
    day_start = datetime.combine(base_day, opens, zone)
    rows = int((datetime.combine(base_day, closes, zone) - day_start) / ROW)
    slot_rows = int(slot / ROW)
    times = [(f"{(day_start + slot * n).astimezone(zone):%H:%M}", HEADER_ROWS + 1 + slot_rows * n)
             for n in range(rows // slot_rows)]

    wait = release_after()
    days = sorted({day for _room, day in pairs})
    found: dict[tuple[int, date], list[Occurrence]] = {}
    if pairs:
        start, _ = prop.day_range(days[0])
        _, end = prop.day_range(days[-1])
        for o in db.session.scalars(
            sa.select(Occurrence).where(Occurrence.room_id.in_([r.id for r in rooms]), Occurrence.status.in_(SHOWN),
                                        Occurrence.blocked_until > start, Occurrence.blocked_from < end)
            .order_by(Occurrence.starts_at)
        ):
            found.setdefault((o.room_id, o.starts_at.astimezone(zone).date()), []).append(o)

    columns = []
    for room, day in pairs:
        top = datetime.combine(day, opens, zone)

        def row_of(at: datetime) -> int:
            return HEADER_ROWS + 1 + max(0, min(rows, int((at - top) / ROW)))

        def span(start: datetime, end: datetime) -> tuple[int, int] | None:
            first, last = row_of(start), row_of(end)
            return (first, last - first) if last > first else None

        column = Column(room, day)
        if top <= now < top + ROW * rows:
            column.now_row = row_of(now)
        holding = []
        for o in found.get((room.id, day), []):
            status = o.shown_status(now, wait)
            meeting = span(o.starts_at, o.ends_at) or (row_of(o.starts_at), 1)
            block = Block(o, status, meeting[0], meeting[1], span(o.blocked_from, o.starts_at),
                          span(o.ends_at, o.blocked_until))
            column.blocks.append(block)
            if block.holds:
                holding.append(o)
        for n in range(rows // slot_rows):
            starts_at = top + slot * n
            ends_at = starts_at + slot
            local_start, local_end = starts_at.astimezone(zone).time(), ends_at.astimezone(zone).time()
            if not room.opens_on(day) or local_start < room.opens_at or (local_end > room.closes_at or local_end == time(0)):
                state = "closed"
            elif ends_at <= now:
                state = "past"
            else:
                begin = max(starts_at, _ceil(now, ROW))
                wanted = (begin - room.setup, ends_at + room.cleanup)
                taken = any(o.blocked_from < wanted[1] and o.blocked_until > wanted[0] for o in holding)
                state = "busy" if taken else "free"
            begin = max(starts_at, _ceil(now, ROW))
            column.slots.append(Slot(starts_at, HEADER_ROWS + 1 + slot_rows * n, slot_rows, state,
                                     begin.astimezone(zone).time()))
        columns.append(column)
    return Grid(rows, times, slot_rows, columns)


def active_rooms(property_id: int) -> list[Room]:
    return list(db.session.scalars(sa.select(Room).where(Room.property_id == property_id, Room.active)
                                   .order_by(Room.name)))


def day_grid(prop: Property, day: date, now: datetime) -> Grid:
    return build(prop, [(room, day) for room in active_rooms(prop.id)], now)


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


def week_grid(prop: Property, room: Room, day: date, now: datetime) -> Grid:
    return build(prop, [(room, d) for d in week_of(day)], now)
