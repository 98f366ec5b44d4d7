"""The booking request (会议室使用申请单): what is booked, and every kind of bad input refused with a Chinese
message beside its field, nothing typed lost."""
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from models import Notification, Role, Unit, db
from models.clock import now
from models.approvals import Approval
from models.room_service import WorkOrder, WorkOrderStatus
from models.rooms import BookingStatus, Occurrence, OccurrenceStatus, Repeat
from blueprints.rooms.services import repeat_dates

from .conftest import bookings, form_data, local_today, tomorrow


def error_of(html: str, field: str) -> str:
    """The text of the errors shown beside one field."""
    start = html.index(f'id="field-{field}"')
    end = html.index('<div class="field', start + 10) if '<div class="field' in html[start + 10:] else len(html)
    return html[start:end]


def test_a_room_without_approval_is_booked_with_its_buffers_and_the_concierge_gets_the_work_order(
        client, prop, staff, room, post_booking):
    client.login("desk")
    day = tomorrow(prop)
    response = post_booking(form_data(room, day, "10:00", "11:30"))
    assert response.status_code == 302, response.get_data(as_text=True)
    [booking] = bookings()
    assert booking.number.startswith(f"HY-HD-{local_today(prop):%Y%m%d}-")
    assert booking.status is BookingStatus.CONFIRMED and booking.requested_by_id == staff["lobby"].id
    assert booking.organiser == "恒宇科技有限公司（HY-1-201）"
    [o] = booking.occurrences
    assert o.status is OccurrenceStatus.CONFIRMED
    assert (o.blocked_from, o.blocked_until) == (o.starts_at - timedelta(minutes=30), o.ends_at + timedelta(minutes=15))
    assert o.starts_at.astimezone(prop.zone).strftime("%Y-%m-%d %H:%M") == f"{day.isoformat()} 10:00"
    assert o.work_order.number.startswith(f"HY-HW-{day:%Y%m%d}-") and o.work_order.status is WorkOrderStatus.WAITING
    told = db.session.scalars(sa.select(Notification).where(Notification.user_id == staff["concierge"].id)).all()
    assert len(told) == 1 and "会务接待工作单" in told[0].text and "大会议室" in told[0].text
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已预订" in page and booking.number in page and "待使用" in page


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"start": "11:00", "end": "10:00"}, "end", "结束时间应晚于开始时间"),
    ({"start": "06:00", "end": "07:30"}, "start", "超出会议室开放时间 07:00–21:00"),
    ({"start": "20:00", "end": "21:30"}, "end", "超出会议室开放时间 07:00–21:00"),
    ({"attendees": "0"}, "attendees", "应为 1 至 2000"),
    ({"unit": ""}, "unit", "请填写申请单位或住户的房号"),
    ({"unit": "9-999"}, "unit", "本项目没有这个房号"),
    ({"company": ""}, "company", "请填写单位名称"),
    ({"organiser_kind": "staff", "staff_id": ""}, "staff_id", "请选择内部申请人"),
    ({"equipment": ["video"]}, "equipment", "该会议室没有：视频会议"),
    ({"repeat": "weekly"}, "repeat_until", "重复预订请填写截止日期"),
    ({"title": ""}, "title", "请填写此项"),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_typed_is_lost(
        client, prop, room, post_booking, change, field, message):
    client.login("desk")
    response = post_booking(form_data(room, tomorrow(prop), contact_name="王经理", notes="请准备白板笔", **change))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in error_of(html, field)
    assert "王经理" in html and "请准备白板笔" in html
    assert bookings() == []


def test_a_start_in_the_past_is_refused(client, prop, room, post_booking):
    client.login("desk")
    response = post_booking(form_data(room, local_today(prop) - timedelta(days=1)))
    assert response.status_code == 422
    assert "开始时间已过" in error_of(response.get_data(as_text=True), "start")


def test_a_day_the_room_is_closed_and_an_organiser_it_does_not_take_are_refused(client, prop, room, post_booking):
    day = tomorrow(prop)
    room.open_days = "".join(str(n) for n in range(1, 8) if n != day.isoweekday())
    room.bookers = ["staff"]
    db.session.commit()
    client.login("desk")
    html = post_booking(form_data(room, day)).get_data(as_text=True)
    assert "不开放" in error_of(html, "day")
    assert "该会议室只接受内部预订" in error_of(html, "organiser_kind")


def test_more_attendees_than_seats_is_a_warning_a_supervisor_may_override(client, prop, staff, room, post_booking):
    day = tomorrow(prop)
    client.login("desk")
    response = post_booking(form_data(room, day, attendees="14"))
    assert response.status_code == 422
    assert "超过该会议室容量 10 人" in error_of(response.get_data(as_text=True), "attendees")
    # The desk gives a reason: it goes to a supervisor, who decides.
    assert post_booking(form_data(room, day, attendees="14", capacity_reason="临时增加 4 位列席")).status_code == 302
    [asked] = bookings()
    assert asked.status is BookingStatus.PENDING and asked.capacity_override_by_id is None
    approval = db.session.scalar(sa.select(Approval))
    assert "超过容量 10 人" in approval.summary and approval.reason == "临时增加 4 位列席"
    # A supervisor booking it says why and it holds at once, recorded as theirs.
    client.post_form("/logout")
    client.login("boss")
    assert post_booking(form_data(room, day, "14:00", "15:00", attendees="14", capacity_reason="加椅子")).status_code == 302
    overridden = bookings()[-1]
    assert overridden.status is BookingStatus.CONFIRMED
    assert (overridden.capacity_override_by_id, overridden.capacity_reason) == (staff["supervisor"].id, "加椅子")


def test_an_overlap_is_refused_with_the_booking_in_the_way_buffers_included(client, prop, room, post_booking):
    client.login("desk")
    day = tomorrow(prop)
    assert post_booking(form_data(room, day, "10:00", "11:00", title="周例会")).status_code == 302
    first = bookings()[0]
    # 11:30 starts inside the first one's clearing up (until 11:15) plus this one's set-up (from 11:00).
    response = post_booking(form_data(room, day, "11:30", "12:00", title="客户来访", notes="带样品"))
    assert response.status_code == 422
    html = error_of(response.get_data(as_text=True), "start")
    assert "该时段已被预订" in html and first.number in html and "周例会" in html and "09:30–11:15" in html
    # Far enough apart for both buffers, it holds.
    assert post_booking(form_data(room, day, "11:45", "12:30", title="客户来访")).status_code == 302
    assert len(bookings()) == 2


def test_a_repeat_that_collides_on_some_dates_says_which_and_may_skip_them(client, prop, room, post_booking):
    client.login("desk")
    day = tomorrow(prop)
    assert post_booking(form_data(room, day + timedelta(days=14), "10:30", "11:30", title="培训")).status_code == 302
    weekly = form_data(room, day, "10:00", "11:00", title="周例会", repeat="weekly",
                       repeat_until=(day + timedelta(days=21)).isoformat())
    response = post_booking(weekly)
    assert response.status_code == 422
    html = error_of(response.get_data(as_text=True), "start")
    assert "重复预订中有 1 次与已有预订冲突" in html and "其余 3 次" in html
    assert f"{day + timedelta(days=14):%m-%d}" in html and bookings()[0].number in html
    response = post_booking({**weekly, "skip_conflicts": "y", "exceptions": f"{day + timedelta(days=7):%m-%d}"})
    assert response.status_code == 302
    series = bookings()[-1]
    assert series.repeat is Repeat.WEEKLY and series.repeat_until == day + timedelta(days=21)
    statuses = [(o.starts_at.astimezone(prop.zone).date(), o.status, o.note) for o in series.occurrences]
    assert [s for _d, s, _n in statuses] == [OccurrenceStatus.CONFIRMED, OccurrenceStatus.SKIPPED,
                                             OccurrenceStatus.SKIPPED, OccurrenceStatus.CONFIRMED]
    assert statuses[1][2] == "除外日期" and bookings()[0].number in statuses[2][2]
    assert db.session.scalar(sa.select(sa.func.count(WorkOrder.id))) == 3  # the training and two meetings


def test_the_dates_of_a_repeat():
    first = date(2027, 1, 31)
    assert repeat_dates(first, Repeat.NONE, None) == [first]
    assert repeat_dates(first, Repeat.DAILY, date(2027, 2, 2)) == [first, date(2027, 2, 1), date(2027, 2, 2)]
    assert repeat_dates(first, Repeat.WEEKLY, date(2027, 2, 14)) == [first, date(2027, 2, 7), date(2027, 2, 14)]
    # No 31st in February, April or June.
    assert repeat_dates(first, Repeat.MONTHLY, date(2027, 7, 31)) == [
        first, date(2027, 3, 31), date(2027, 5, 31), date(2027, 7, 31)]
    assert len(repeat_dates(first, Repeat.DAILY, date(2030, 1, 1))) == 367  # a year at most


def test_a_daily_repeat_skips_the_days_the_room_is_closed(client, prop, room, post_booking):
    day = tomorrow(prop)
    closed = day + timedelta(days=2)
    room.open_days = "".join(str(n) for n in range(1, 8) if n != closed.isoweekday())
    db.session.commit()
    client.login("desk")
    response = post_booking(form_data(room, day, repeat="daily", repeat_until=(day + timedelta(days=3)).isoformat()))
    assert response.status_code == 302
    [booking] = bookings()
    assert [o.status for o in booking.occurrences] == [OccurrenceStatus.CONFIRMED] * 2 + [OccurrenceStatus.SKIPPED] + [
        OccurrenceStatus.CONFIRMED]
    assert "不开放" in booking.occurrences[2].note


def test_a_repeat_longer_than_a_year_and_unreadable_exceptions_are_refused(client, prop, room, post_booking):
    client.login("desk")
    day = tomorrow(prop)
    weekly = form_data(room, day, repeat="weekly", repeat_until=(day + timedelta(days=400)).isoformat())
    html = post_booking({**weekly, "exceptions": "下周三"}).get_data(as_text=True)
    assert "看不懂日期“下周三”" in error_of(html, "exceptions")
    html = post_booking({**weekly, "exceptions": "2099-01-01"}).get_data(as_text=True)
    assert "重复预订最长一年" in error_of(html, "repeat_until")
    assert "这些日期不在重复日期中：01-01" in error_of(html, "exceptions")


def test_a_resident_organiser_is_picked_from_the_unit(client, make, prop, room, post_booking):
    unit = db.session.scalar(sa.select(Unit).where(Unit.archive_no == "HY-3-1502"))
    resident = make.resident(unit, "张三", phone="13800001234")
    client.login("desk")
    fragment = client.get("/rooms/unit-residents?unit=3-1502").get_data(as_text=True)
    assert "张三" in fragment and "138****1234" in fragment
    response = post_booking(form_data(room, tomorrow(prop), organiser_kind="resident", unit="3-1502", company="",
                                      contact_name="张三", resident_id=str(resident.id)))
    assert response.status_code == 302
    [booking] = bookings()
    assert booking.resident_id == resident.id and booking.organiser == "张三（HY-3-1502）" and booking.company == ""


def test_a_staff_organiser(client, prop, staff, room, post_booking):
    client.login("desk")
    response = post_booking(form_data(room, tomorrow(prop), organiser_kind="staff", unit="", company="", contact_name="",
                                      staff_id=str(staff["supervisor"].id)))
    assert response.status_code == 302
    [booking] = bookings()
    assert booking.staff_id == staff["supervisor"].id and booking.unit_id is None and booking.organiser == "陈主管"


def test_the_availability_check_shows_each_date_and_writes_nothing(client, prop, room, post_booking):
    client.login("desk")
    day = tomorrow(prop)
    post_booking(form_data(room, day + timedelta(days=7), "10:00", "11:00", title="培训"))
    before = db.session.scalar(sa.select(sa.func.count(Occurrence.id)))
    query = {"room_id": room.id, "day": day.isoformat(), "start": "10:00", "end": "11:00", "repeat": "weekly",
             "repeat_until": (day + timedelta(days=14)).isoformat(), "attendees": "12"}
    html = client.get("/rooms/availability", query_string=query, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "重复预订中有 1 次与已有预订冲突" in html and "培训" in html and "可预订" in html
    assert "参会人数超过会议室容量" in html
    free = client.get("/rooms/availability", query_string={**query, "repeat": "none"}).get_data(as_text=True)
    assert "可以预订：共 1 场" in free
    assert db.session.scalar(sa.select(sa.func.count(Occurrence.id))) == before


def test_only_booking_roles_may_book(client, login_as, prop, room):
    login_as(Role.ADMIN)
    assert client.get("/rooms/bookings/new").status_code == 403
    assert client.post_form("/rooms/bookings/new", form_data(room, tomorrow(prop))).status_code == 403
    assert bookings() == []


def test_cancelling_frees_the_dates_still_to_come(client, prop, staff, room, post_booking):
    client.login("desk")
    day = tomorrow(prop)
    post_booking(form_data(room, day, repeat="daily", repeat_until=(day + timedelta(days=2)).isoformat()))
    [booking] = bookings()
    one = booking.occurrences[1]
    assert client.post_form(f"/rooms/occurrences/{one.id}/cancel", {"reason": "当天停电"}).status_code == 302
    assert post_booking(form_data(room, day + timedelta(days=1), title="另一场")).status_code == 302
    # Someone else's booking: only its desk or a supervisor may cancel it.
    client.post_form("/logout")
    client.login("floor")
    assert client.post_form(f"/rooms/bookings/{booking.id}/cancel", {"reason": "x"}).status_code == 403
    client.post_form("/logout")
    client.login("boss")
    assert client.post_form(f"/rooms/bookings/{booking.id}/cancel", {"reason": ""}).status_code == 422
    assert client.post_form(f"/rooms/bookings/{booking.id}/cancel", {"reason": "会议取消"}).status_code == 302
    booking = bookings()[0]
    assert booking.status is BookingStatus.CANCELLED and booking.cancelled_by_id == staff["supervisor"].id
    assert [o.status for o in booking.occurrences] == [OccurrenceStatus.CANCELLED] * 3
    assert all(o.work_order.status is WorkOrderStatus.CANCELLED for o in booking.occurrences)
    assert post_booking(form_data(room, day, title="改用")).status_code == 302


def test_a_booking_of_another_property_is_404(client, make, prop, room, post_booking):
    client.login("desk")
    post_booking(form_data(room, tomorrow(prop)))
    [booking] = bookings()
    other = make.property("HD", "恒宇大厦")
    make.user("hd-desk", {other: [Role.LOBBY]})
    client.post_form("/logout")
    client.login("hd-desk")
    assert client.get(f"/rooms/bookings/{booking.id}").status_code == 404
    assert client.get(f"/rooms/bookings/{booking.id}/request.pdf").status_code == 404
    assert client.get(f"/rooms/work-orders/{booking.occurrences[0].work_order.id}").status_code == 404
    assert client.post_form(f"/rooms/bookings/{booking.id}/cancel", {"reason": "x"}).status_code == 404
    html = client.get("/rooms/bookings/new").get_data(as_text=True)
    assert "大会议室" not in html


def test_a_request_sent_late_from_the_outbox_is_judged_when_it_arrives(client, prop, room, clock):
    """Kept on a tablet without network while its meeting began: the device's time says when it was
    asked, but the room is judged as it is when the request arrives."""
    clock.move_to(datetime.combine(local_today(prop), time(10, 0), prop.zone))  # a meeting within one day
    client.login("desk")
    asked = now() - timedelta(hours=1)
    start = (now() - timedelta(minutes=30)).astimezone(prop.zone)
    data = form_data(room, start.date(), start.strftime("%H:%M"), (start + timedelta(minutes=50)).strftime("%H:%M"))
    response = client.post("/rooms/bookings/new", data={**data, "csrf_token": client.csrf_token()},
                           headers={"X-Client-Time": asked.isoformat()})
    assert response.status_code == 422
    assert "开始时间已过" in error_of(response.get_data(as_text=True), "start")
    assert bookings() == []
