"""No double booking, ever: the database refuses two active occurrences blocking one room at once (an
exclusion constraint on PostgreSQL, triggers on SQLite), and fifty desks asking for one slot at the same
moment get exactly one booking."""
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from models import db
from models.rooms import Booking, BookingStatus, Occurrence, OccurrenceStatus, OrganiserKind

from .conftest import at_local, bookings, form_data, tomorrow


@pytest.fixture
def booking(prop, staff, room) -> Booking:
    booking = Booking(property_id=prop.id, number="HY-HD-TEST-0001", room=room, organiser_kind=OrganiserKind.STAFF,
                      staff=staff["lobby"], title="测试", attendees=2, requested_by=staff["lobby"],
                      requested_at=at_local(prop, tomorrow(prop), "08:00"), status=BookingStatus.CONFIRMED)
    db.session.add(booking)
    db.session.commit()
    return booking


def occurrence(booking, start, end, status=OccurrenceStatus.CONFIRMED) -> Occurrence:
    return Occurrence(property_id=booking.property_id, booking=booking, room_id=booking.room_id, starts_at=start,
                      ends_at=end, blocked_from=start - timedelta(minutes=30), blocked_until=end + timedelta(minutes=15),
                      status=status)


def test_the_database_refuses_overlapping_active_occurrences(prop, booking):
    day = tomorrow(prop)
    ten, eleven = at_local(prop, day, "10:00"), at_local(prop, day, "11:00")
    db.session.add(occurrence(booking, ten, eleven))
    db.session.commit()
    db.session.add(occurrence(booking, eleven + timedelta(minutes=30), eleven + timedelta(minutes=60)))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()  # its set-up (from 11:00) overlaps the first one's clearing up (until 11:15)
    db.session.rollback()
    # Touching is not overlapping; skipped and cancelled rows hold nothing.
    db.session.add(occurrence(booking, eleven + timedelta(minutes=45), eleven + timedelta(minutes=90)))
    skipped = occurrence(booking, ten, eleven, OccurrenceStatus.SKIPPED)
    db.session.add(skipped)
    db.session.commit()
    # A skipped date made active again over a live one is refused too.
    skipped.status = OccurrenceStatus.CONFIRMED
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_other_rooms_are_not_in_the_way(prop, staff, booking, hall):
    day = tomorrow(prop)
    ten, eleven = at_local(prop, day, "10:00"), at_local(prop, day, "11:00")
    db.session.add(occurrence(booking, ten, eleven))
    other = Booking(property_id=prop.id, number="HY-HD-TEST-0002", room=hall, organiser_kind=OrganiserKind.STAFF,
                    staff=staff["lobby"], title="同时", attendees=2, requested_by=staff["lobby"], requested_at=ten,
                    status=BookingStatus.CONFIRMED)
    db.session.add(other)
    db.session.flush()
    db.session.add(occurrence(other, ten, eleven))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Occurrence.id))) == 2


def test_fifty_desks_asking_for_one_slot_at_once_get_one_booking(app, prop, staff, room):
    """Each request in a thread of its own, through the form, as fifty tablets would send it."""
    data = form_data(room, tomorrow(prop), "10:00", "11:00")
    clients = []
    for n in range(50):
        client = app.test_client()
        client.login("desk")
        clients.append((client, client.csrf_token()))
    start = threading.Barrier(50)
    statuses, pages = [], []

    def ask(client, token):
        start.wait()
        response = client.post("/rooms/bookings/new", data={**data, "csrf_token": token})
        statuses.append(response.status_code)
        pages.append(response.get_data(as_text=True))

    threads = [threading.Thread(target=ask, args=pair) for pair in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [302] + [422] * 49
    [booking] = bookings()
    refused = [page for status, page in zip(statuses, pages) if status == 422]
    assert all(("该时段已被预订" in page or "该时段刚刚被其他人预订" in page) and booking.number in page for page in refused)
    assert len(booking.occurrences) == 1 and booking.occurrences[0].work_order is not None
    assert booking.number.endswith("-0001")  # the refused requests gave their numbers back
