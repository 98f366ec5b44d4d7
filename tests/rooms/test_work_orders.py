"""The service work order (会务接待工作单) on the concierge's tablet: open and clean beforehand (a cleaning
ticket to the environment department), set up, check the meeting in, tea within five minutes, a round
every fifteen, the tea sheet (茶水出单统计表) and the record that closes it."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from models import DepartmentKind, db
from models.room_service import Step, Vessel, WorkOrderStatus
from models.rooms import OccurrenceStatus, ServiceItem
from models.tickets import Ticket, TicketStatus

from .conftest import at_local, form_data, only_order, tomorrow


@pytest.fixture
def order(client, prop, staff, room):
    """A meeting tomorrow 10:00–11:00 (set-up from 09:30), booked by the desk; the concierge signed in."""
    client.login("desk")
    client.post_form("/rooms/bookings/new", form_data(room, tomorrow(prop), "10:00", "11:00", attendees="8"))
    client.post_form("/logout")
    client.login("floor")
    return only_order()


def at(prop, hhmm):
    """A time on the meeting's day (tomorrow when the test began: the clock moves on)."""
    order = only_order()
    return at_local(prop, order.occurrence.starts_at.astimezone(prop.zone).date(), hhmm)


def hhmm(prop, moment) -> str:
    return moment.astimezone(prop.zone).strftime("%H:%M")


def flashed(client, order) -> str:
    return client.get(f"/rooms/work-orders/{order.id}").get_data(as_text=True)


def test_the_whole_service_of_a_meeting(client, prop, staff, order, clock):
    base = f"/rooms/work-orders/{order.id}"
    clock.move_to(at(prop, "09:00"))
    client.post_form(f"{base}/check-in")
    assert "会议 10:00 开始，09:30 起才能签到" in flashed(client, order)
    assert client.post_form(f"{base}/steps/open").status_code == 302
    assert client.post_form(f"{base}/cleaning").status_code == 302
    order = only_order()
    ticket = order.cleaning_ticket
    assert ticket.status is TicketStatus.DISPATCHED and ticket.department.kind is DepartmentKind.ENVIRONMENT
    assert "大会议室" in ticket.location and order.number in ticket.events[0].note
    client.post_form(f"{base}/cleaning")
    assert f"已于 09:00 通知保洁：{ticket.number}" in flashed(client, order)
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1
    for step in ("clean", "set_up"):
        client.post_form(f"{base}/steps/{step}")
    client.post_form(f"{base}/steps/tea")
    assert "请先签到" in flashed(client, order)

    clock.move_to(at(prop, "09:55"))
    assert client.post_form(f"{base}/check-in").status_code == 302
    order = only_order()
    assert order.status is WorkOrderStatus.IN_SERVICE and order.occurrence.status is OccurrenceStatus.IN_USE
    client.post_form(f"{base}/check-in")
    assert "已于 09:55 由 李客服 签到" in flashed(client, order)
    assert "入座后 5 分钟内上茶水、香巾：10:00 前" in client.get(f"{base}?part=reminder").get_data(as_text=True)

    clock.move_to(at(prop, "10:02") + timedelta(seconds=30))  # two and a half minutes late
    client.post_form(f"{base}/steps/tea")
    order = only_order()
    assert order.tea_late_minutes == 2 and hhmm(prop, order.next_round_at) == "10:17"
    clock.move_to(at(prop, "10:17"))
    assert client.post_form(f"{base}/rounds", {"note": "加茶水"}).status_code == 302
    client.post_form(f"{base}/rounds", {"note": ""})  # a second tap a moment later
    assert "第 1 次服务刚于 10:17 记录过" in flashed(client, order)
    order = only_order()
    assert [(r.n, r.note) for r in order.rounds] == [(1, "加茶水")] and hhmm(prop, order.next_round_at) == "10:32"
    clock.move_to(at(prop, "10:34"))
    reminder = client.get(f"{base}?part=reminder", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "服务巡视已到时（10:32）" in reminder and "<h2" not in reminder  # the reminder alone
    client.post_form(f"{base}/rounds")

    sheet = {"served_tea": "12", "served_water": "8", "issued_cup": "8", "returned_cup": "9"}
    response = client.post_form(f"{base}/tea-sheet", sheet)
    assert response.status_code == 422 and "收回数不能多于拿出数（8）" in response.get_data(as_text=True)
    assert client.post_form(f"{base}/tea-sheet", {**sheet, "returned_cup": "7"}).status_code == 302

    clock.move_to(at(prop, "11:05"))
    response = client.post_form(f"{base}/close", {"record": "顺利"})
    assert response.status_code == 422 and "请先完成“清理会场、回收器皿”" in response.get_data(as_text=True)
    client.post_form(f"{base}/steps/clear")
    response = client.post_form(f"{base}/close", {"record": "顺利", "cleaned_after": "y"})
    assert response.status_code == 422 and "器皿未全部收回（茶杯 1）" in response.get_data(as_text=True)
    assert "顺利" in response.get_data(as_text=True)  # what was typed stays
    assert client.post_form(f"{base}/close", {"record": "顺利", "cleaned_after": "y",
                                              "damage": "茶杯 1 只打碎"}).status_code == 302
    order = only_order()
    assert order.status is WorkOrderStatus.CLOSED and order.occurrence.status is OccurrenceStatus.CLOSED
    assert (order.damage, order.cleaned_after, order.record, order.closed_by_id) == (
        "茶杯 1 只打碎", True, "顺利", staff["concierge"].id)
    assert order.served_count(ServiceItem.TEA) == 12 and order.vessel(Vessel.CUP).missing == 1
    assert [s.step for s in order.steps] == [Step.OPEN, Step.CLEAN, Step.SET_UP, Step.TEA, Step.CLEAR]
    client.post_form(f"{base}/rounds")
    assert "工作单已于" in flashed(client, order)


def test_closing_needs_the_tea_sheet_when_service_was_asked_for(client, prop, order, clock):
    base = f"/rooms/work-orders/{order.id}"
    clock.move_to(at(prop, "09:58"))
    client.post_form(f"{base}/check-in")
    client.post_form(f"{base}/steps/clear")
    response = client.post_form(f"{base}/close", {})
    assert "申请了茶水、矿泉水：请先填写茶水出单统计表" in response.get_data(as_text=True)


def test_the_lobby_sees_the_work_order_but_does_not_serve(client, prop, order):
    client.post_form("/logout")
    client.login("desk")
    page = client.get(f"/rooms/work-orders/{order.id}").get_data(as_text=True)
    assert order.number in page and "记录服务巡视" not in page
    for action in ("check-in", "steps/open", "cleaning", "rounds", "tea-sheet", "close"):
        assert client.post_form(f"/rooms/work-orders/{order.id}/{action}").status_code == 403, action


def test_a_cancelled_meeting_takes_no_service(client, prop, staff, order):
    client.post_form("/logout")
    client.login("desk")
    client.post_form(f"/rooms/bookings/{order.occurrence.booking_id}/cancel", {"reason": "取消"})
    client.post_form("/logout")
    client.login("floor")
    client.post_form(f"/rooms/work-orders/{order.id}/steps/open")
    assert "工作单已取消" in flashed(client, order)


def test_the_days_work_orders_and_the_dashboard(client, prop, order, clock):
    clock.move_to(at(prop, "09:40"))
    page = client.get("/rooms/work-orders").get_data(as_text=True)
    assert order.number in page and "大会议室" in page
    assert "今日会务" in client.get("/dashboard").get_data(as_text=True)
    assert order.occurrence.booking.title in client.get("/dashboard").get_data(as_text=True)
