"""The working calendar: holidays and 调休 workdays, entered by hand or copied from chinese-calendar."""
from datetime import date

import sqlalchemy as sa

from blueprints.admin.services import import_official_calendar
from models import CalendarDay, db

from .helpers import count, field_errors, flashes, follow, input_value, text


def days_of(prop, year) -> dict[date, tuple[bool, str]]:
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(CalendarDay).where(
            CalendarDay.property_id == prop.id, CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))
        )
    )
    return {d.day: (d.is_workday, d.name) for d in rows}


def test_the_page_lists_the_years_exceptions(client, admin, prop):
    page = text(client.get("/admin/calendar?year=2026"))
    assert "工作日历 · 2026" in page
    assert "2026-10-01" in page and "国庆节" in page
    assert "2026-10-10" in page and "国庆节调休上班" in page
    assert "周一至周五为工作日，上班时间 08:30–17:30" in page


def test_add_a_day(client, admin, prop):
    response = client.post_form("/admin/calendar?year=2027", {"day": "2027-02-06", "is_workday": "0", "name": "春节"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/calendar?year=2027"
    assert "已保存 2027-02-06" in flashes(follow(client, response))
    assert days_of(prop, 2027) == {date(2027, 2, 6): (False, "春节")}


def test_saving_a_day_again_edits_it(client, admin, prop):
    client.post_form("/admin/calendar", {"day": "2027-02-06", "is_workday": "0", "name": "春节"})
    client.post_form("/admin/calendar", {"day": "2027-02-06", "is_workday": "1", "name": "春节调休上班"})
    assert days_of(prop, 2027) == {date(2027, 2, 6): (True, "春节调休上班")}


def test_a_day_needs_a_date_and_a_type(client, admin, prop):
    response = client.post_form("/admin/calendar?year=2027", {"day": "", "is_workday": "", "name": "春节"})
    assert response.status_code == 422
    assert field_errors(response, "day") == ["请填写此项"]
    assert field_errors(response, "is_workday")
    assert input_value(response, "name") == "春节"
    assert days_of(prop, 2027) == {}


def test_an_impossible_date_is_refused(client, admin, prop):
    response = client.post_form("/admin/calendar?year=2027", {"day": "2027-02-30", "is_workday": "0"})
    assert response.status_code == 422
    assert field_errors(response, "day")
    assert days_of(prop, 2027) == {}


def test_delete_a_day(client, admin, prop):
    day = db.session.scalar(
        sa.select(CalendarDay).where(CalendarDay.property_id == prop.id, CalendarDay.day == date(2026, 10, 1))
    )
    page = text(client.get("/admin/calendar?year=2026"))
    assert f'action="/admin/calendar/{day.id}/delete"' in page
    assert "确定删除 2026-10-01 吗？" in page
    response = client.post_form(f"/admin/calendar/{day.id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/calendar?year=2026"
    assert date(2026, 10, 1) not in days_of(prop, 2026)
    assert date(2026, 10, 2) in days_of(prop, 2026)


def test_days_are_per_property(client, admin, make, prop):
    tower = make.property("HD", "恒宇大厦")
    client.post_form("/admin/calendar", {"day": "2027-02-06", "is_workday": "0", "name": "春节"})
    assert days_of(tower, 2027) == {}
    assert days_of(tower, 2026) == days_of(prop, 2026)


def test_importing_a_year_without_official_data_warns_and_adds_nothing(client, admin, prop):
    before = count(CalendarDay)
    page = text(client.get("/admin/calendar?year=2027"))
    assert "程序内置的节假日数据不含 2027 年" in page
    assert "导入 2027 年国家法定节假日" not in page
    response = client.post_form("/admin/calendar/import-official", {"year": "2027"})
    assert response.status_code == 302
    assert flashes(follow(client, response)) == ["程序内置的国家节假日数据不包含 2027 年，请按国务院通知逐日录入。"]
    assert count(CalendarDay) == before


def test_importing_a_year_keeps_the_days_entered_by_hand(client, admin, prop):
    follow(client, client.post_form("/admin/calendar", {"day": "2025-10-01", "is_workday": "0", "name": "国庆（手工）"}))
    response = client.post_form("/admin/calendar/import-official", {"year": "2025"})
    assert response.status_code == 302
    [message] = flashes(follow(client, response))
    assert message.startswith("已导入 2025 年的节假日和调休安排")
    days = days_of(prop, 2025)
    assert days[date(2025, 10, 1)] == (False, "国庆（手工）")
    assert days[date(2025, 10, 2)] == (False, "国庆节")
    assert days[date(2025, 9, 28)] == (True, "国庆节调休上班")  # a Sunday
    assert f"已导入 2025 年的节假日和调休安排 {len(days) - 1} 天" == message


def test_importing_twice_adds_nothing_the_second_time(app, prop):
    assert import_official_calendar(prop, 2026) == 0  # create_property already did
    db.session.rollback()


def test_import_needs_a_year(client, admin):
    assert client.post_form("/admin/calendar/import-official", {}).status_code == 400


def test_an_absurd_year_is_not_a_server_error(client, admin):
    assert client.get("/admin/calendar?year=0").status_code == 404
    assert client.get("/admin/calendar?year=123456").status_code == 404
    assert client.post_form("/admin/calendar/import-official", {"year": "0"}).status_code == 400


def test_cli_import_fails_clearly_for_a_year_without_data(app, prop):
    before = count(CalendarDay)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["calendar-import", "2027"])
    assert result.exit_code != 0
    assert "2027" in result.output and "/admin/calendar" in result.output
    assert count(CalendarDay) == before


def test_cli_import_fills_every_property(app, make, prop):
    tower = make.property("HD", "恒宇大厦")
    db.session.execute(sa.delete(CalendarDay))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["calendar-import", "2026"])
    assert result.exit_code == 0, result.output
    assert "HD:" in result.output and "HY:" in result.output
    assert days_of(prop, 2026)[date(2026, 10, 1)] == (False, "国庆节")
    assert days_of(tower, 2026) == days_of(prop, 2026)


def test_cli_import_refuses_an_absurd_year(app, prop):
    result = app.test_cli_runner().invoke(args=["calendar-import", "0"])
    assert result.exit_code == 2
    assert "2000<=x<=2100" in result.output
