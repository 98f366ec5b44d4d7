"""Check-in and release: a meeting not checked in within ROOMS_RELEASE_MINUTES (15) of its start is a
no-show; pages say so at once, `flask rooms-release` (cron, idempotent) gives the room back and tells the
organiser's desk, and the next booking of the room does the same."""
import re
from datetime import timedelta

import sqlalchemy as sa

from models import Notification, db
from models.room_service import WorkOrderStatus
from models.rooms import Occurrence, OccurrenceStatus

from .conftest import at_local, bookings, form_data, only_order, tomorrow


def book(client, room, day, start="10:00", end="11:00", **fields):
    response = client.post_form("/rooms/bookings/new", form_data(room, day, start, end, **fields))
    assert response.status_code == 302, response.get_data(as_text=True)
    return bookings()[-1]


def test_a_no_show_shows_before_cron_and_cron_releases_it_once(app, client, prop, staff, room, clock):
    day = tomorrow(prop)
    client.login("desk")
    booking = book(client, room, day)
    clock.move_to(at_local(prop, day, "10:14"))
    assert "待使用" in client.get(f"/rooms/bookings/{booking.id}").get_data(as_text=True)
    clock.move_to(at_local(prop, day, "10:16"))
    page = client.get(f"/rooms/bookings/{booking.id}").get_data(as_text=True)
    assert "未签到已释放" in page and "待系统释放" in page
    assert bookings()[0].occurrences[0].status is OccurrenceStatus.CONFIRMED  # a GET changed nothing
    calendar = client.get(f"/rooms/?date={day.isoformat()}").get_data(as_text=True)
    assert 'class="booking released"' in calendar

    runner = app.test_cli_runner()
    db.session.commit()
    result = runner.invoke(args=["rooms-release"])
    assert result.exit_code == 0 and "HY: 1 bookings released." in result.output
    assert "HY: 0 bookings released." in runner.invoke(args=["rooms-release"]).output
    o = bookings()[0].occurrences[0]
    assert o.status is OccurrenceStatus.RELEASED and o.work_order.status is WorkOrderStatus.CANCELLED
    told = db.session.scalars(sa.select(Notification).where(Notification.user_id == staff["lobby"].id,
                                                            Notification.text.contains("未签到已释放"))).all()
    assert len(told) == 1 and told[0].link == f"/rooms/bookings/{booking.id}" and "10:00–11:00" in told[0].text


def test_the_next_booking_of_the_room_releases_a_no_show_that_cron_has_not(client, prop, staff, room, clock):
    day = tomorrow(prop)
    client.login("desk")
    first = book(client, room, day, "10:00", "12:00", title="没来的会")
    clock.move_to(at_local(prop, day, "10:20"))
    second = book(client, room, day, "10:30", "11:30", title="临时会议")
    first = next(b for b in bookings() if b.id == first.id)
    assert first.occurrences[0].status is OccurrenceStatus.RELEASED
    assert second.occurrences[0].status is OccurrenceStatus.CONFIRMED


def test_a_check_in_past_the_deadline_is_refused_and_the_room_given_back(client, prop, staff, room, clock):
    day = tomorrow(prop)
    client.login("desk")
    book(client, room, day)
    client.post_form("/logout")
    client.login("floor")
    order = only_order()
    clock.move_to(at_local(prop, day, "10:16"))
    client.post_form(f"/rooms/work-orders/{order.id}/check-in")
    page = client.get(f"/rooms/work-orders/{order.id}").get_data(as_text=True)
    assert "开始后 15 分钟内未签到，预订已释放" in page
    order = only_order()
    assert order.occurrence.status is OccurrenceStatus.RELEASED and order.status is WorkOrderStatus.CANCELLED


def test_the_release_time_is_a_setting(app, client, prop, staff, room, clock):
    app.config["ROOMS_RELEASE_MINUTES"] = 30
    day = tomorrow(prop)
    client.login("desk")
    book(client, room, day)
    client.post_form("/logout")
    client.login("floor")
    order = only_order()
    clock.move_to(at_local(prop, day, "10:25"))
    assert client.post_form(f"/rooms/work-orders/{order.id}/check-in").status_code == 302
    assert only_order().occurrence.status is OccurrenceStatus.IN_USE


def test_dates_still_waiting_for_approval_lapse(app, client, prop, staff, hall, clock):
    day = tomorrow(prop)
    client.login("desk")
    book(client, hall, day, repeat="daily", repeat_until=(day + timedelta(days=1)).isoformat())
    clock.move_to(at_local(prop, day, "10:20"))
    db.session.commit()
    app.test_cli_runner().invoke(args=["rooms-release"])
    db.session.rollback()
    statuses = [o.status for o in db.session.scalars(sa.select(Occurrence).order_by(Occurrence.starts_at))]
    assert statuses == [OccurrenceStatus.LAPSED, OccurrenceStatus.PENDING]


def test_the_desk_counts_the_days_meetings_that_hold_their_room(client, prop, staff, room, clock):
    """As the pages show them: a no-show past the release time no longer holds the room; one under way does."""
    day = tomorrow(prop)
    client.login("desk")
    book(client, room, day, "08:00", "09:00", title="准时的会")
    book(client, room, day, "10:00", "11:00", title="没来的会")
    book(client, room, day, "14:00", "15:00", title="下午的会")

    def counted():
        page = client.get("/journal/desk").get_data(as_text=True)
        return int(re.search(r'<span class="stat">(\d+)</span>场会议今日', page).group(1))

    clock.move_to(at_local(prop, day, "07:00"))
    assert counted() == 3
    client.post_form("/logout")
    client.login("floor")
    clock.move_to(at_local(prop, day, "08:05"))
    [first] = [b for b in bookings() if b.title == "准时的会"]
    assert client.post_form(f"/rooms/work-orders/{first.occurrences[0].work_order.id}/check-in").status_code == 302
    client.post_form("/logout")
    client.login("desk")
    clock.move_to(at_local(prop, day, "10:16"))
    assert counted() == 2  # 没来的会 is past its 15 minutes; 准时的会 is in use, 下午的会 awaited
