from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from models import Role, Unit, db
from models.decoration import Decoration, DecorationStatus, Violation, ViolationKind, ViolationStatus

from .conftest import today

REGISTRATION = {
    "unit": "3-1502", "owner_name": "张三", "owner_phone": "13800001234", "contractor": "安居装饰有限公司",
    "contractor_contact": "刘工", "contractor_phone": "139 0000 1111", "permit_no": "zx-2026-018",
    "works": "全屋翻新：水电改造、铺地砖", "work_hours": "工作日 08:00–12:00、14:00–18:00",
}


def registration(**fields):
    data = {**REGISTRATION, "starts_on": today().isoformat(), "ends_on": (today() + timedelta(days=60)).isoformat()}
    data.update(fields)
    return data


def test_the_lobby_registers_a_decoration_and_edits_it(client, staff):
    client.login("desk")
    response = client.post_form("/decoration/new", registration())
    assert response.status_code == 302
    decoration = db.session.scalar(sa.select(Decoration))
    assert decoration.unit.archive_no == "HY-3-1502" and decoration.permit_no == "ZX-2026-018"
    assert decoration.contractor_phone == "13900001111" and decoration.status is DecorationStatus.IN_PROGRESS
    assert decoration.registered_by.username == "desk"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "安居装饰有限公司" in page and "ZX-2026-018" in page

    edited = client.post_form(f"/decoration/{decoration.id}/edit", registration(unit="HY-3-1502", status="finished"))
    assert edited.status_code == 302
    db.session.refresh(decoration)
    assert decoration.status is DecorationStatus.FINISHED
    listed = client.get("/decoration/?status=finished&q=3 1502")
    assert listed.status_code == 200 and "HY-3-1502" in listed.get_data(as_text=True)
    default = client.get("/decoration/")
    assert default.status_code == 200 and "HY-3-1502" not in default.get_data(as_text=True)  # in progress only
    rows = client.get("/decoration/?status=all&q=ZX-2026", headers={"HX-Request": "true"})
    assert rows.get_data(as_text=True).lstrip().startswith('<div id="results">') and "HY-3-1502" in rows.get_data(as_text=True)
    assert "HX-Request" in rows.headers["Vary"]


def test_a_unit_has_one_decoration_until_it_is_accepted(client, staff):
    client.login("desk")
    assert client.post_form("/decoration/new", registration()).status_code == 302
    again = client.post_form("/decoration/new", registration(permit_no="ZX-2026-019", owner_name="张三丰"))
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "该户已有未验收的装修登记" in page and "张三丰" in page
    same_permit = client.post_form("/decoration/new", registration(unit="5-0801"))
    assert same_permit.status_code == 422 and "许可证号 ZX-2026-018 已用于 HY-3-1502" in same_permit.get_data(as_text=True)
    first = db.session.scalar(sa.select(Decoration))
    first.status = DecorationStatus.ACCEPTED
    db.session.commit()
    assert client.post_form("/decoration/new", registration(permit_no="ZX-2027-001")).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Decoration.id))) == 2
    # The accepted one stays editable beside the new one.
    assert client.post_form(f"/decoration/{first.id}/edit", registration(status="accepted", works="阳台封窗")).status_code == 302


def test_registration_errors_are_in_chinese(client, staff):
    client.login("desk")
    response = client.post_form("/decoration/new", registration(
        unit="9-9999", contractor_phone="123", ends_on=(today() - timedelta(days=1)).isoformat(), owner_name=""))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in ("本项目没有这个房号", "请输入正确的电话号码", "计划完工日期不能早于开工日期", "请填写此项"):
        assert message in page, message
    assert 'value="安居装饰有限公司"' in page


def test_the_open_decoration_index_is_unique_in_the_database(staff, prop, decorate):
    unit = db.session.scalar(sa.select(Unit).where(Unit.room == "1502"))
    decorate(unit)
    with pytest.raises(sa.exc.IntegrityError):
        decorate(unit, permit_no="ZX-OTHER")
    db.session.rollback()


@pytest.mark.parametrize("role,path", [
    (Role.DEPARTMENT, "/decoration/"),
    (Role.DEPARTMENT, "/decoration/repeats"),
    (Role.CONCIERGE, "/decoration/new"),
    (Role.LOBBY, "/decoration/violations/new"),
    (Role.ADMIN, "/decoration/violations/new"),
])
def test_roles_without_the_permission_get_403(client, login_as, role, path):
    login_as(role)
    response = client.get(path)
    assert response.status_code == 403 and "没有权限" in response.get_data(as_text=True)


def test_a_department_user_cannot_record_a_violation(client, login_as, staff, decorate):
    decorate(db.session.scalar(sa.select(Unit).where(Unit.room == "1502")))
    login_as(Role.DEPARTMENT)
    response = client.post_form("/decoration/violations/new", {"unit": "3-1502", "kind": "noise",
                                                               "deadline": today().isoformat()})
    assert response.status_code == 403


def test_a_decoration_is_not_accepted_while_a_violation_is_open(client, staff, decorate, prop):
    decoration = decorate(db.session.scalar(sa.select(Unit).where(Unit.room == "1502")))
    db.session.add(Violation(
        property_id=prop.id, number="HY-WZ-20261118-0001", decoration=decoration, kind=ViolationKind.DEBRIS,
        note="楼道堆放建筑垃圾", found_at=datetime.now(timezone.utc), found_on=today(), found_by=staff["concierge"],
        deadline=today() + timedelta(days=2), reinspect_on=today() + timedelta(days=3), status=ViolationStatus.OPEN,
    ))
    db.session.commit()
    client.login("boss")
    fields = registration(unit="HY-3-1502", permit_no=decoration.permit_no, status="accepted")
    response = client.post_form(f"/decoration/{decoration.id}/edit", fields)
    assert response.status_code == 422 and "还有未整改的违章（HY-WZ-20261118-0001）" in response.get_data(as_text=True)
    db.session.refresh(decoration)
    assert decoration.status is DecorationStatus.IN_PROGRESS
