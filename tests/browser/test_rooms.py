"""A meeting from the calendar to the record, in a real Chromium: the desk taps a free slot and fills in
the 会议室使用申请单, a conflicting request is refused beside its field, the supervisor approves, the floor
concierge gets the 会务接待工作单, checks the meeting in, ticks a service round, fills in the tea sheet
and closes it; the forms print in Chinese. Verified on the server: the test reads the rows."""
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from models import Role, db
from models.room_service import WorkOrderStatus
from models.rooms import EVERY_DAY, Booking, BookingStatus, OccurrenceStatus, Room

from ..pdf import assert_cjk_font_embedded_as_subset, pdf_text

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def hall(make, prop):
    make.unit(prop, "1", "201")
    make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    make.user("floor", {prop: [Role.CONCIERGE]}, display_name="李客服")
    make.user("boss", {prop: [Role.SUPERVISOR]}, display_name="陈主管")
    # Open round the clock with two hours' set-up: the meeting can start soon whatever the hour the
    # test runs at, and be checked in at once.
    room = Room(property_id=prop.id, name="多功能厅", floor="会所一层", capacity=30, equipment=[], opens_at=time(0, 0),
                closes_at=time(23, 59), open_days=EVERY_DAY, bookers=["company", "resident", "staff"],
                needs_approval=True, setup_minutes=120, cleanup_minutes=15)
    db.session.add(room)
    db.session.commit()
    return room


def meeting_start() -> datetime:
    """Twenty minutes from now on a five-minute mark, or just after midnight when that is too late for
    the test's last request (ten minutes later, half an hour long) to end within the day."""
    soon = datetime.now(SHANGHAI) + timedelta(minutes=20)
    soon = soon.replace(second=0, microsecond=0) + timedelta(minutes=5 - soon.minute % 5)
    if soon.time() > time(23, 15):
        soon = datetime.combine(soon.date() + timedelta(days=1), time(0, 5), SHANGHAI)
    return soon


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login"))


def booking_rows() -> list[Booking]:
    db.session.commit()  # end the test's read transaction: see what the server wrote since
    return list(db.session.scalars(sa.select(Booking).order_by(Booking.id)))


def fill_request(page: Page, start: datetime, title: str) -> None:
    page.get_by_role("textbox", name="日期", exact=True).fill(start.date().isoformat())
    page.get_by_label("开始").fill(start.strftime("%H:%M"))
    page.get_by_label("结束").fill((start + timedelta(minutes=30)).strftime("%H:%M"))
    page.get_by_label("房号").fill("1-201")
    page.get_by_label("单位名称").fill("恒宇科技有限公司")
    page.get_by_label("联系人", exact=True).fill("王经理")
    page.get_by_label("会议主题").fill(title)
    page.get_by_label("参会人数").fill("20")


def test_a_meeting_from_the_calendar_to_the_closed_work_order(page: Page, log_in, hall, tmp_path, console_errors):
    start = meeting_start()
    log_in("desk")
    page.goto(f"/rooms/?date={start.date().isoformat()}")
    # The calendar changes day without reloading the page (htmx), and back.
    page.evaluate("window.stillHere = true")
    page.get_by_role("link", name="后一天").click()
    expect(page).to_have_url(re.compile(rf"date={(start.date() + timedelta(days=1)).isoformat()}"))
    page.get_by_role("link", name="前一天").click()
    expect(page.locator(".today-label")).to_contain_text(start.date().isoformat())
    assert page.evaluate("window.stillHere") is True

    page.locator("a.slot.free").last.click()  # a free slot starts the booking, room and day filled in
    expect(page).to_have_url(re.compile(rf"/rooms/bookings/new\?room={hall.id}&date={start.date().isoformat()}"))
    expect(page.get_by_label("多功能厅（30 人）")).to_be_checked()
    fill_request(page, start, "客户座谈会")
    page.get_by_label("参会人数").press("Tab")
    expect(page.locator("#availability")).to_contain_text("可以预订：共 1 场")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".flash-success")).to_contain_text("待主管审批")
    [booking] = booking_rows()
    assert booking.status is BookingStatus.PENDING and booking.title == "客户座谈会"

    # Another request for the same half hour is refused, the booking in the way named beside the time.
    page.goto("/rooms/bookings/new")
    page.get_by_label("多功能厅（30 人）").check()
    fill_request(page, start + timedelta(minutes=10), "抢占会议室")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#field-start .error").first).to_contain_text("该时段已被预订")
    expect(page.locator("#field-start")).to_contain_text(booking.number)
    expect(page.get_by_label("会议主题")).to_have_value("抢占会议室")  # nothing typed is lost
    assert len(booking_rows()) == 1
    # The unit's residents are looked up 400 ms after typing: let that answer come before logging out, or
    # it arrives signed out (401).
    expect(page.locator("#unit-residents")).not_to_be_empty()
    log_out(page)

    log_in("boss")
    page.get_by_role("link", name=re.compile("客户座谈会")).first.click()
    page.get_by_text("批准", exact=True).click()
    page.get_by_role("button", name="提交审批意见").click()
    expect(page.locator(".flash-success")).to_contain_text("已批准")
    log_out(page)

    log_in("floor")
    page.get_by_title("通知").click()
    page.get_by_role("link", name=re.compile("会务接待工作单")).first.click()
    expect(page.locator("h1")).to_contain_text("会务接待工作单")
    live = page.locator("#live")
    live.locator("#open").get_by_role("button", name="完成").click()
    expect(live.locator("li#open")).to_have_class(re.compile("done"))
    page.get_by_role("button", name="通知保洁").click()
    expect(live.locator("#clean-ticket .when")).to_contain_text("环境部")
    page.get_by_role("button", name="签到").click()
    expect(live.locator(".flash-success")).to_contain_text("已签到")
    page.get_by_role("button", name="已上茶").click()
    expect(live.locator("li#tea")).to_have_class(re.compile("done"))
    page.get_by_placeholder("如 加茶水、换烟灰缸；可不填").fill("加茶水")
    page.get_by_role("button", name="记录服务巡视").click()
    expect(live.locator(".flash-success")).to_contain_text("已记录第 1 次服务巡视")
    page.get_by_role("button", name="记录服务巡视").click()  # tapped twice
    expect(live.locator(".flash-error")).to_contain_text("第 1 次服务刚于")
    expect(live.locator("#reminder")).to_contain_text("下次服务巡视")

    page.get_by_label("茶水", exact=True).fill("24")
    page.get_by_label("矿泉水", exact=True).fill("10")
    page.get_by_label("茶杯拿出").fill("20")
    page.get_by_label("茶杯收回").fill("21")
    page.get_by_role("button", name="保存茶水出单").click()
    expect(page.locator("#field-returned_cup .error")).to_contain_text("收回数不能多于拿出数（20）")
    page.get_by_label("茶杯收回").fill("20")
    page.get_by_role("button", name="保存茶水出单").click()
    expect(live.locator(".flash-success")).to_contain_text("茶水出单统计表已保存")
    live.locator("#clear").get_by_role("button", name="完成").click()
    expect(live.locator("li#clear")).to_have_class(re.compile("done"))
    page.get_by_label("服务记录", exact=True).fill("客户满意，茶水及时")
    page.get_by_role("button", name="结束工作单").click()
    expect(live.locator(".flash-success")).to_contain_text("已完成")
    expect(live).to_contain_text("客户满意，茶水及时")

    [booking] = booking_rows()
    [o] = booking.occurrences
    order = o.work_order
    assert booking.status is BookingStatus.CONFIRMED and o.status is OccurrenceStatus.CLOSED
    assert order.status is WorkOrderStatus.CLOSED and order.cleaning_ticket is not None
    assert [r.note for r in order.rounds] == ["加茶水"] and order.vessel(order.crockery[0].vessel).returned == 20

    for url, expected in [
        (f"/rooms/work-orders/{order.id}/work-order.pdf", ["会务接待工作单", order.number, "服务巡视第 1 次", "客户满意"]),
        (f"/rooms/work-orders/{order.id}/tea-sheet.pdf", ["茶水出单统计表", "茶杯", "24"]),
        (f"/rooms/bookings/{booking.id}/request.pdf", ["会议室使用申请单", booking.number, "已批准", "陈主管"]),
        (f"/rooms/day.pdf?date={start.date().isoformat()}", ["会议室日程", "客户座谈会"]),
    ]:
        response = page.request.get(url)
        assert response.headers["content-type"] == "application/pdf", url
        assert_cjk_font_embedded_as_subset(response.body(), tmp_path)
        text = pdf_text(response.body())
        for words in expected:
            assert words in text, (url, words)
    assert [e for e in console_errors if "status of 422" not in e] == []
