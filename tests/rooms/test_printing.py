"""The printed forms (会议室使用申请单, 会务接待工作单, 茶水出单统计表, the day's room schedule) as PDFs in
Chinese, and the monthly usage report on screen, in Excel and on paper."""
from datetime import timedelta

import pytest

from models import db
from models.room_service import Step, Vessel
from models.rooms import OccurrenceStatus, ServiceItem
from blueprints.rooms.serving import close, done_step, record_round, save_tea_sheet
from blueprints.rooms.services import check_in

from ..pdf import assert_cjk_font_embedded_as_subset, pdf_text
from ..xlsx import xlsx_rows
from .conftest import bookings, form_data, only_order, tomorrow


@pytest.fixture
def served(app, client, prop, staff, room):
    """Tomorrow's meeting, served and closed with its tea sheet (through the services, at its own times)."""
    client.login("desk")
    client.post_form("/rooms/bookings/new", form_data(room, tomorrow(prop), "10:00", "11:00", attendees="8",
                                                      notes="嘉宾 3 位"))
    order = only_order()
    o, floor = order.occurrence, staff["concierge"]
    with app.test_request_context():
        for n, step in enumerate((Step.OPEN, Step.CLEAN, Step.SET_UP)):
            done_step(order, step, by=floor, at=o.blocked_from + timedelta(minutes=n))
        check_in(order, by=floor, at=o.starts_at - timedelta(minutes=2))
        done_step(order, Step.TEA, by=floor, at=o.starts_at + timedelta(minutes=2))
        record_round(order, by=floor, at=o.starts_at + timedelta(minutes=17), note="加茶水")
        save_tea_sheet(order, {ServiceItem.TEA: 12, ServiceItem.WATER: 4, ServiceItem.FRUIT: 2, ServiceItem.TOWEL: 8},
                       {Vessel.CUP: (8, 7), Vessel.PLATE: (2, 2)})
        done_step(order, Step.CLEAR, by=floor, at=o.ends_at + timedelta(minutes=3))
        close(order, by=floor, at=o.ends_at + timedelta(minutes=10), damage="茶杯破损 1 只", cleaned_after=True,
              record="客户满意")
    db.session.commit()
    return only_order()


def pdf(client, url, tmp_path) -> str:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf", url
    assert_cjk_font_embedded_as_subset(response.data, tmp_path)
    return pdf_text(response.data)


def test_the_request_form_prints(client, served, tmp_path):
    booking = served.booking
    text = pdf(client, f"/rooms/bookings/{booking.id}/request.pdf", tmp_path)
    for expected in ("会议室使用申请单", booking.number, "恒宇科技有限公司", "季度合作洽谈", "大会议室", "茶水、矿泉水",
                     "嘉宾 3 位", "申请人签字", "客服主管审批", "第 1 页"):
        assert expected in text, expected


def test_the_work_order_and_the_tea_sheet_print(client, served, tmp_path):
    text = pdf(client, f"/rooms/work-orders/{served.id}/work-order.pdf", tmp_path)
    for expected in ("会务接待工作单", served.number, "开门通风", "上茶水、香巾", "服务巡视第 1 次", "加茶水", "茶杯破损 1 只",
                     "客户满意", "李客服"):
        assert expected in text, expected
    text = pdf(client, f"/rooms/work-orders/{served.id}/tea-sheet.pdf", tmp_path)
    for expected in ("茶水出单统计表", "茶水", "12", "茶杯", "回收清点人"):
        assert expected in text, expected


def test_the_days_schedule_for_the_lobby(client, prop, served, tmp_path):
    day = served.occurrence.starts_at.astimezone(prop.zone).date()
    text = pdf(client, f"/rooms/day.pdf?date={day.isoformat()}", tmp_path)
    assert "会议室日程" in text and "大会议室" in text and "10:00–11:00" in text and "季度合作洽谈" in text


def test_the_monthly_report(client, prop, staff, served, room, hall, tmp_path, clock):
    o = served.occurrence
    month = o.starts_at.astimezone(prop.zone).strftime("%Y-%m")
    # A no-show the same day.
    client.post_form("/rooms/bookings/new", form_data(hall, o.starts_at.astimezone(prop.zone).date(), "15:00", "16:00"))
    clock.move_to(o.starts_at + timedelta(hours=6))
    html = client.get(f"/rooms/report?month={month}").get_data(as_text=True)
    assert "会议室使用统计" in html and "大会议室" in html
    rows = xlsx_rows(client.get(f"/rooms/report.xlsx?month={month}"))
    header = rows[2]
    table = {row[0]: dict(zip(header, row)) for row in rows[3:]}
    line = table["大会议室"]
    assert (line["预订场次"], line["使用场次"], line["使用小时"], line["茶水"], line["器皿未收回"]) == (1, 1, 1.0, 12, 1)
    assert table["合计"]["茶水"] == 12 and table["多功能厅"]["预订场次"] == 0  # lapsed unapproved
    text = pdf(client, f"/rooms/report.pdf?month={month}", tmp_path)
    assert "会议室使用统计" in text and month in text and "合计" in text


def test_a_no_show_counts_in_the_report(app, client, prop, staff, room, clock):
    client.login("desk")
    day = tomorrow(prop)
    client.post_form("/rooms/bookings/new", form_data(room, day, "10:00", "11:00"))
    o = bookings()[0].occurrences[0]
    clock.move_to(o.starts_at + timedelta(minutes=30))
    rows = xlsx_rows(client.get(f"/rooms/report.xlsx?month={day:%Y-%m}"))
    line = dict(zip(rows[2], next(r for r in rows[3:] if r[0] == "大会议室")))
    assert (line["预订场次"], line["使用场次"], line["未签到释放"]) == (1, 0, 1)
    assert bookings()[0].occurrences[0].status is OccurrenceStatus.CONFIRMED  # shown as released, cron not run


def test_a_room_name_that_looks_like_a_formula_is_exported_as_text(client, prop, staff, room):
    room.name = '=HYPERLINK("http://evil.example","点我")'
    db.session.commit()
    client.login("desk")
    rows = xlsx_rows(client.get(f"/rooms/report.xlsx?month={tomorrow(prop):%Y-%m}"))
    assert "'" + room.name in [row[0] for row in rows]
