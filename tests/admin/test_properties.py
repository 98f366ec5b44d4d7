"""Properties (项目): an administrator creates new ones and edits those they administer."""
from datetime import date, time

import pytest
import sqlalchemy as sa

from models import CalendarDay, Department, DepartmentKind, Property, Role, Unit, UserRole, db

from .helpers import count, field_errors, flashes, follow, input_value, text

NEW_PROPERTY = {"code": "HX", "name": "恒宇新城", "address": "合肥市包河区", "phone": "0551-65550000",
                "work_starts_at": "09:00", "work_ends_at": "18:00"}


def property_coded(code) -> Property | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Property).where(Property.code == code))


def test_create_a_property(client, admin):
    response = client.post_form("/admin/properties/new", NEW_PROPERTY)
    assert response.status_code == 302
    assert "已保存项目：恒宇新城" in flashes(follow(client, response))
    new = property_coded("HX")
    assert (new.name, new.address, new.phone) == ("恒宇新城", "合肥市包河区", "0551-65550000")
    assert (new.work_starts_at, new.work_ends_at, new.timezone) == (time(9), time(18), "Asia/Shanghai")


def test_a_new_property_gets_the_default_departments(client, admin):
    client.post_form("/admin/properties/new", NEW_PROPERTY)
    new = property_coded("HX")
    departments = db.session.execute(
        sa.select(Department.kind, Department.name).where(Department.property_id == new.id).order_by(Department.id)
    ).all()
    assert [tuple(d) for d in departments] == [
        (DepartmentKind.CUSTOMER_SERVICE, "客服部"),
        (DepartmentKind.ENGINEERING, "工程部"),
        (DepartmentKind.SECURITY, "安管部"),
        (DepartmentKind.ENVIRONMENT, "环境部"),
        (DepartmentKind.MANAGEMENT, "项目负责人"),
    ]


def test_the_creator_administers_the_new_property(client, admin, prop):
    client.post_form("/admin/properties/new", NEW_PROPERTY)
    new = property_coded("HX")
    grants = db.session.execute(
        sa.select(UserRole.property_id, UserRole.role).where(UserRole.user_id == admin.id).order_by(UserRole.id)
    ).all()
    assert [tuple(g) for g in grants] == [(prop.id, Role.ADMIN), (new.id, Role.ADMIN)]
    assert "恒宇新城" in text(client.get("/admin/properties"))
    client.post_form("/switch-property", {"property_id": new.id})
    assert "系统管理 · 恒宇新城" in text(client.get("/admin/"))


def test_a_new_property_gets_this_years_official_calendar(client, admin):
    client.post_form("/admin/properties/new", NEW_PROPERTY)
    new = property_coded("HX")
    days = {
        d.day: d
        for d in db.session.scalars(
            sa.select(CalendarDay).where(
                CalendarDay.property_id == new.id, CalendarDay.day.between(date(2026, 1, 1), date(2026, 12, 31))
            )
        )
    }
    national_day, make_up_saturday = days[date(2026, 10, 1)], days[date(2026, 10, 10)]
    assert (national_day.is_workday, national_day.name) == (False, "国庆节")
    assert make_up_saturday.is_workday is True
    assert make_up_saturday.name == "国庆节调休上班"
    assert date(2026, 10, 3) not in days  # a Saturday off anyway: no exception to the week
    assert date(2026, 10, 12) not in days  # an ordinary Monday
    assert days[date(2026, 1, 1)].name == "元旦"


@pytest.mark.parametrize("code", ["hx", "H", "HENGYUX", "H1", "恒宇", "HX "])
def test_a_property_code_is_two_to_six_capital_letters(client, admin, code):
    response = client.post_form("/admin/properties/new", {**NEW_PROPERTY, "code": code})
    assert response.status_code == 422
    assert field_errors(response, "code") == ["请用 2–6 个大写英文字母，如 HY"]
    assert input_value(response, "name") == "恒宇新城"
    assert count(Property) == 1


def test_a_property_code_is_unique(client, admin):
    response = client.post_form("/admin/properties/new", {**NEW_PROPERTY, "code": "HY"})
    assert response.status_code == 422
    assert field_errors(response, "code") == ["该代号已被其他项目使用"]
    assert count(Property) == 1


@pytest.mark.parametrize(("starts", "ends"), [("18:00", "09:00"), ("09:00", "09:00")])
def test_work_ends_after_it_starts(client, admin, starts, ends):
    response = client.post_form(
        "/admin/properties/new", {**NEW_PROPERTY, "work_starts_at": starts, "work_ends_at": ends}
    )
    assert response.status_code == 422
    assert field_errors(response, "work_ends_at") == ["下班时间必须晚于上班时间"]
    assert input_value(response, "work_starts_at") == starts
    assert count(Property) == 1


def test_edit_a_property(client, admin, prop):
    page = client.get(f"/admin/properties/{prop.id}")
    assert input_value(page, "code") == "HY"
    assert input_value(page, "work_starts_at") == "08:30"
    response = client.post_form(
        f"/admin/properties/{prop.id}",
        {**NEW_PROPERTY, "code": "HY", "name": "恒宇花园一期", "work_starts_at": "08:00"},
    )
    assert response.status_code == 302
    edited = property_coded("HY")
    assert (edited.name, edited.work_starts_at) == ("恒宇花园一期", time(8))
    assert count(Department, property_id=prop.id) == 5  # not created a second time


def test_a_new_property_code_renumbers_the_units(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502")
    response = client.post_form(f"/admin/properties/{prop.id}", {**NEW_PROPERTY, "code": "HG", "name": "恒宇花园"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).archive_no == "HG-3-1502"


def test_only_administered_properties_are_listed_and_editable(client, admin, make, prop):
    tower = make.property("HD", "恒宇大厦")
    page = text(client.get("/admin/properties"))
    assert "恒宇花园" in page and "恒宇大厦" not in page
    assert client.get(f"/admin/properties/{tower.id}").status_code == 404
