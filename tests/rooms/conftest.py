"""Rooms fixtures: two rooms open every day (so that no test depends on the weekday), the staff who book,
serve and approve, and helpers to book through the form and to move a meeting into service."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from models import Role, clock, db
from models.room_service import WorkOrder
from models.rooms import EVERY_DAY, Booking, Equipment, OrganiserKind, Room

ALL = [k.value for k in OrganiserKind]


def local_today(prop) -> date:
    return prop.local_day(clock.now())


def tomorrow(prop) -> date:
    return local_today(prop) + timedelta(days=1)


@pytest.fixture
def staff(make, prop):
    make.unit(prop, "1", "201")
    make.unit(prop, "3", "1502")
    return {
        "lobby": make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台"),
        "concierge": make.user("floor", {prop: [Role.CONCIERGE]}, display_name="李客服"),
        "supervisor": make.user("boss", {prop: [Role.SUPERVISOR]}, display_name="陈主管"),
        "supervisor2": make.user("boss2", {prop: [Role.SUPERVISOR]}, display_name="赵主管"),
        "admin": make.user("root", {prop: [Role.ADMIN]}, display_name="管理员"),
    }


@pytest.fixture
def room(prop, staff) -> Room:
    """The boardroom: ten seats, a projector, 07:00–21:00 every day, 30 minutes' set-up, 15 to clear."""
    room = Room(property_id=prop.id, name="大会议室", floor="2", capacity=10,
                equipment=[Equipment.PROJECTOR.value, Equipment.MICROPHONE.value], opens_at=time(7, 0),
                closes_at=time(21, 0), open_days=EVERY_DAY, bookers=ALL, setup_minutes=30, cleanup_minutes=15)
    db.session.add(room)
    db.session.commit()
    return room


@pytest.fixture
def hall(prop, staff) -> Room:
    """The hall: bookings wait for a supervisor's approval."""
    hall = Room(property_id=prop.id, name="多功能厅", floor="会所一层", capacity=60, equipment=[], opens_at=time(7, 0),
                closes_at=time(21, 0), open_days=EVERY_DAY, bookers=ALL, needs_approval=True, setup_minutes=30,
                cleanup_minutes=30)
    db.session.add(hall)
    db.session.commit()
    return hall


def form_data(room: Room, day: date, start: str = "10:00", end: str = "11:00", **fields) -> dict:
    data = {
        "room_id": str(room.id), "day": day.isoformat(), "start": start, "end": end, "repeat": "none",
        "organiser_kind": "company", "unit": "1-201", "company": "恒宇科技有限公司", "contact_name": "王经理",
        "contact_phone": "13955550000", "title": "季度合作洽谈", "attendees": "6", "layout": "boardroom",
        "services": ["tea", "water"],
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def post_booking(client):
    def post(data: dict):
        return client.post_form("/rooms/bookings/new", data)
    return post


def bookings() -> list[Booking]:
    db.session.rollback()  # a fresh snapshot: the requests ran in their own sessions
    return list(db.session.scalars(sa.select(Booking).order_by(Booking.id)))


def only_order() -> WorkOrder:
    db.session.rollback()
    return db.session.scalars(sa.select(WorkOrder).order_by(WorkOrder.id)).one()


def at_local(prop, day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), prop.zone)
