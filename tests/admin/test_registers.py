"""The registers of the organisation: buildings, units, residents and departments, through their forms."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from stdnum.cn import ric

from models import (
    AuditAction,
    AuditEntry,
    Building,
    Department,
    DepartmentKind,
    Resident,
    ResidentRelation,
    Role,
    Unit,
    db,
)

from .helpers import count, field_errors, flashes, follow, input_value, text

VALID_ID = "11010519491231002" + ric.calc_check_digit("11010519491231002" + "0")  # the digit is computed over 17
WRONG_CHECKSUM_ID = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")


def fresh(model, record_id):
    db.session.expire_all()
    return db.session.get(model, record_id)


# Buildings


def test_create_a_building(client, admin, prop):
    response = client.post_form("/admin/buildings/new", {"code": "3", "name": "3号楼", "floors": "25"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/buildings"
    building = db.session.scalar(sa.select(Building))
    assert (building.property_id, building.code, building.name, building.floors) == (prop.id, "3", "3号楼", 25)
    page = client.get("/admin/buildings")
    assert "已保存：3号楼" in flashes(page)
    assert "3号楼" in text(page)


def test_a_building_code_with_chinese_characters_is_refused_and_the_form_kept(client, admin):
    response = client.post_form("/admin/buildings/new", {"code": "三号", "name": "三号楼", "floors": "18"})
    assert response.status_code == 422
    assert field_errors(response, "code") == ["请用数字或英文字母，如 3 或 A"]
    assert input_value(response, "code") == "三号"
    assert input_value(response, "name") == "三号楼"
    assert input_value(response, "floors") == "18"
    assert "请检查标红的项目后重新提交。" in text(response)
    assert count(Building) == 0


def test_a_building_code_is_unique_within_the_property(client, admin, make, prop):
    make.building(prop, "3")
    response = client.post_form("/admin/buildings/new", {"code": "3", "name": "新3号楼"})
    assert response.status_code == 422
    assert field_errors(response, "code") == ["该楼栋代号已存在"]
    assert input_value(response, "name") == "新3号楼"
    assert count(Building) == 1


def test_another_property_may_use_the_same_building_code(client, admin, make):
    tower = make.property("HD", "恒宇大厦")
    make.building(tower, "3")
    assert client.post_form("/admin/buildings/new", {"code": "3", "name": "3号楼"}).status_code == 302
    assert count(Building, code="3") == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "", "name": "楼"}, "code", "请填写此项"),
        ({"code": "3", "name": ""}, "name", "请填写此项"),
        ({"code": "3", "name": "楼", "floors": "0"}, "floors", "层数应在 1–200 之间"),
        ({"code": "3", "name": "楼" * 51}, "name", "不能超过 50 个字"),
    ],
)
def test_building_field_checks(client, admin, data, field, message):
    response = client.post_form("/admin/buildings/new", data)
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert count(Building) == 0


def test_edit_a_building(client, admin, make, prop):
    building = make.building(prop, "3", name="3号楼")
    page = client.get(f"/admin/buildings/{building.id}")
    assert input_value(page, "name") == "3号楼"
    response = client.post_form(f"/admin/buildings/{building.id}", {"code": "3", "name": "三号楼", "floors": "30"})
    assert response.status_code == 302
    building = fresh(Building, building.id)
    assert (building.name, building.floors) == ("三号楼", 30)


def test_renaming_a_building_code_renumbers_its_units(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502")
    other = make.unit(prop, "5", "101")
    response = client.post_form(f"/admin/buildings/{unit.building_id}", {"code": "3A", "name": "3A号楼"})
    assert response.status_code == 302
    assert fresh(Unit, unit.id).archive_no == "HY-3A-1502"
    assert fresh(Unit, other.id).archive_no == "HY-5-101"


def test_delete_an_empty_building(client, admin, make, prop):
    building = make.building(prop, "9")
    response = follow(client, client.post_form(f"/admin/buildings/{building.id}/delete"))
    assert "已删除：9号楼" in flashes(response)
    assert count(Building) == 0


def test_a_building_with_units_is_not_deleted(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502")
    response = follow(client, client.post_form(f"/admin/buildings/{unit.building_id}/delete"))
    assert flashes(response) == ["该楼栋下还有房屋，不能删除"]
    assert count(Building) == 1
    assert count(Unit) == 1


def test_delete_needs_a_post_with_csrf_token(client, admin, make, prop):
    building = make.building(prop, "9")
    assert client.get(f"/admin/buildings/{building.id}/delete").status_code == 405
    assert client.post(f"/admin/buildings/{building.id}/delete").status_code == 400
    assert count(Building) == 1


# Units


def test_create_a_unit_computes_its_archive_number(client, admin, make, prop):
    building = make.building(prop, "3")
    response = client.post_form(
        "/admin/units/new",
        {"building_id": building.id, "room": "1502", "floor": "15", "area": "128.50", "in_arrears": "y", "note": "东户"},
    )
    assert response.status_code == 302
    unit = db.session.scalar(sa.select(Unit))
    assert unit.archive_no == "HY-3-1502"
    assert (unit.property_id, unit.building_id, unit.room, unit.floor) == (prop.id, building.id, "1502", 15)
    assert unit.area == Decimal("128.50")
    assert unit.in_arrears is True
    assert unit.note == "东户"


def test_a_room_taken_in_the_same_building_is_refused(client, admin, make, prop):
    existing = make.unit(prop, "3", "1502")
    response = client.post_form(
        "/admin/units/new",
        {"building_id": existing.building_id, "room": "1502", "floor": "15", "area": "96", "note": "重复录入"},
    )
    assert response.status_code == 422
    assert field_errors(response, "room") == ["该楼栋已有此房号"]
    assert input_value(response, "floor") == "15"
    assert input_value(response, "area") == "96"
    assert "重复录入" in text(response)
    assert count(Unit) == 1


def test_the_same_room_in_another_building_is_fine(client, admin, make, prop):
    make.unit(prop, "3", "1502")
    other = make.building(prop, "5")
    assert client.post_form("/admin/units/new", {"building_id": other.id, "room": "1502"}).status_code == 302
    assert sorted(db.session.scalars(sa.select(Unit.archive_no))) == ["HY-3-1502", "HY-5-1502"]


def test_a_building_of_another_property_cannot_be_chosen(client, admin, make, prop):
    make.building(prop, "3")
    foreign = make.building(make.property("HD", "恒宇大厦"), "1")
    page = client.get("/admin/units/new")
    assert f'value="{foreign.id}"' not in page.get_data(as_text=True)
    response = client.post_form("/admin/units/new", {"building_id": foreign.id, "room": "101"})
    assert response.status_code == 422
    assert field_errors(response, "building_id")
    assert count(Unit) == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"room": "15 02"}, "room", "房号只能包含数字、字母和 -"),
        ({"room": ""}, "room", "请填写此项"),
        ({"room": "101", "floor": "300"}, "floor", "楼层不正确"),
        ({"room": "101", "area": "-1"}, "area", "面积不正确"),
        ({"room": "101", "area": "NaN"}, "area", "面积不正确"),
    ],
)
def test_unit_field_checks(client, admin, make, prop, data, field, message):
    building = make.building(prop, "3")
    response = client.post_form("/admin/units/new", {"building_id": building.id, **data})
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert count(Unit) == 0


def test_moving_a_unit_to_another_building_renumbers_it(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502", floor=15)
    five = make.building(prop, "5")
    response = client.post_form(f"/admin/units/{unit.id}", {"building_id": five.id, "room": "1502", "floor": "15"})
    assert response.status_code == 302
    unit = fresh(Unit, unit.id)
    assert (unit.building_id, unit.archive_no) == (five.id, "HY-5-1502")


def test_editing_a_unit_keeps_its_own_room(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502")
    response = client.post_form(
        f"/admin/units/{unit.id}", {"building_id": unit.building_id, "room": "1502", "floor": "15"}
    )
    assert response.status_code == 302
    assert fresh(Unit, unit.id).floor == 15


def test_editing_a_unit_is_audited_with_the_acting_user_and_the_changed_fields(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502", floor=15, area=Decimal("128.50"))
    response = client.post_form(
        f"/admin/units/{unit.id}",
        {"building_id": unit.building_id, "room": "1502", "floor": "15", "area": "128.5", "in_arrears": "y",
         "note": "漏水已修"},
    )
    assert response.status_code == 302
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.table_name == "units", AuditEntry.record_id == str(unit.id))
        .order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == [AuditAction.CREATE, AuditAction.UPDATE]
    update = entries[-1]
    assert update.user_id == admin.id
    assert update.property_id == prop.id
    assert update.changes == {"note": ["", "漏水已修"], "in_arrears": [False, True]}


def test_the_audit_trail_shows_on_the_edit_page(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502")
    client.post_form(f"/admin/units/{unit.id}", {"building_id": unit.building_id, "room": "1502", "note": "漏水已修"})
    page = text(client.get(f"/admin/units/{unit.id}"))
    assert f"/audit/units/{unit.id}" in page
    history = text(client.get(f"/audit/units/{unit.id}"))
    assert "漏水已修" in history and "admin-user" in history


def test_a_unit_with_residents_is_not_deleted(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502")
    make.resident(unit)
    response = follow(client, client.post_form(f"/admin/units/{unit.id}/delete"))
    assert flashes(response) == ["该房屋还登记有住户，请先删除住户"]
    assert count(Unit) == 1 and count(Resident) == 1


def test_delete_a_unit(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502")
    response = follow(client, client.post_form(f"/admin/units/{unit.id}/delete"))
    assert "已删除：HY-3-1502" in flashes(response)
    assert count(Unit) == 0
    assert count(Building) == 1


def test_unit_search_ignores_case_and_paginates(client, admin, make, prop):
    for room in range(101, 153):
        make.unit(prop, "3", str(room))
    make.unit(prop, "5", "101")
    page = text(client.get("/admin/units?q=hy-3-15"))
    assert "HY-3-150" in page and "HY-3-152" in page
    assert "HY-3-149" not in page and "HY-5-101" not in page
    first = text(client.get("/admin/units"))
    assert "第 1 / 2 页，共 53 条" in first
    assert "HY-5-101" in text(client.get("/admin/units?page=2"))


def test_search_treats_percent_and_underscore_literally(client, admin, make, prop):
    make.unit(prop, "3", "1502")
    assert "HY-3-1502" not in text(client.get("/admin/units?q=%25"))
    assert "HY-3-1502" not in text(client.get("/admin/units?q=_"))


def test_htmx_search_returns_only_the_results(client, admin, make, prop):
    make.unit(prop, "3", "1502")
    response = client.get("/admin/units?q=1502", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="results">')
    assert "HY-3-1502" in body and "<html" not in body
    assert "HX-Request" in response.headers["Vary"]


# Residents


def test_create_a_resident(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502")
    response = client.post_form(
        "/admin/residents/new",
        {"unit_archive_no": " HY-3-1502 ", "name": "张三", "relation": "owner", "phone": "138 1234 5678",
         "id_number": VALID_ID.lower(), "moved_in_on": "2020-05-01"},
    )
    assert response.status_code == 302
    resident = db.session.scalar(sa.select(Resident))
    assert (resident.property_id, resident.unit_id, resident.name) == (prop.id, unit.id, "张三")
    assert resident.relation is ResidentRelation.OWNER
    assert resident.phone == "13812345678" and resident.phone_last4 == "5678"
    assert resident.id_number == VALID_ID
    assert resident.moved_in_on == date(2020, 5, 1)
    assert resident.name_initials == "zs"


def test_a_resident_with_a_bad_phone_is_refused_and_the_form_kept(client, admin, make, prop):
    make.unit(prop, "3", "1502")
    response = client.post_form(
        "/admin/residents/new",
        {"unit_archive_no": "HY-3-1502", "name": "张三", "relation": "tenant", "phone": "12345"},
    )
    assert response.status_code == 422
    [message] = field_errors(response, "phone")
    assert "电话号码" in message
    assert input_value(response, "name") == "张三"
    assert input_value(response, "unit_archive_no") == "HY-3-1502"
    assert input_value(response, "phone") == "12345"
    assert '<option selected value="tenant">' in response.get_data(as_text=True)
    assert count(Resident) == 0


def test_an_id_number_with_a_wrong_checksum_is_refused(client, admin, make, prop):
    make.unit(prop, "3", "1502")
    response = client.post_form(
        "/admin/residents/new",
        {"unit_archive_no": "HY-3-1502", "name": "张三", "relation": "owner", "id_number": WRONG_CHECKSUM_ID},
    )
    assert response.status_code == 422
    [message] = field_errors(response, "id_number")
    assert "身份证号码不正确" in message
    assert input_value(response, "name") == "张三"
    assert count(Resident) == 0


def test_a_unit_of_another_property_is_refused(client, admin, make, prop):
    make.unit(prop, "3", "1502")
    foreign = make.unit(make.property("HD", "恒宇大厦"), "1", "101")
    response = client.post_form(
        "/admin/residents/new", {"unit_archive_no": foreign.archive_no, "name": "李四", "relation": "owner"}
    )
    assert response.status_code == 422
    assert field_errors(response, "unit_archive_no") == ["本项目没有这个档案号的房屋"]
    assert input_value(response, "name") == "李四"
    assert count(Resident) == 0


def test_edit_a_resident_moves_them_to_another_unit(client, admin, make, prop):
    first = make.unit(prop, "3", "1502")
    second = make.unit(prop, "3", "1503")
    resident = make.resident(first, "张三", phone="13812345678")
    page = client.get(f"/admin/residents/{resident.id}")
    assert input_value(page, "unit_archive_no") == "HY-3-1502"
    response = client.post_form(
        f"/admin/residents/{resident.id}",
        {"unit_archive_no": "HY-3-1503", "name": "张三丰", "relation": "family", "phone": "0551-65551234"},
    )
    assert response.status_code == 302
    resident = fresh(Resident, resident.id)
    assert (resident.unit_id, resident.name, resident.relation) == (second.id, "张三丰", ResidentRelation.FAMILY)
    assert resident.phone == "0551-65551234" and resident.name_initials == "zsf"


def test_delete_a_resident(client, admin, make, prop):
    resident = make.resident(make.unit(prop, "3", "1502"), "张三")
    response = follow(client, client.post_form(f"/admin/residents/{resident.id}/delete"))
    assert "已删除：张三" in flashes(response)
    assert count(Resident) == 0 and count(Unit) == 1


def test_residents_list_masks_phones_and_finds_by_pinyin_initials(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502")
    make.resident(unit, "张三", phone="13812345678")
    make.resident(unit, "李四", phone="13900001111")
    page = text(client.get("/admin/residents?q=ZS"))
    assert "张三" in page and "138****5678" in page
    assert "13812345678" not in page
    assert "李四" not in page


# Departments


def test_create_a_department_with_a_lead(client, admin, make, prop):
    lead = make.user("zhao", {prop: [Role.DEPARTMENT]}, display_name="赵工")
    response = client.post_form(
        "/admin/departments/new", {"kind": "engineering", "name": "维修班", "lead_id": lead.id}
    )
    assert response.status_code == 302
    department = db.session.scalar(sa.select(Department).where(Department.name == "维修班"))
    assert (department.property_id, department.kind, department.lead_id) == (
        prop.id, DepartmentKind.ENGINEERING, lead.id
    )
    assert "赵工" in text(client.get("/admin/departments"))


def test_a_department_name_is_unique_within_the_property(client, admin, prop):
    response = client.post_form("/admin/departments/new", {"kind": "security", "name": "工程部"})
    assert response.status_code == 422
    assert field_errors(response, "name") == ["已有同名部门"]
    assert count(Department, property_id=prop.id) == 5


def test_only_users_of_this_property_can_lead_a_department(client, admin, make, prop):
    stranger = make.user("stranger", {make.property("HD", "恒宇大厦"): [Role.DEPARTMENT]})
    response = client.post_form(
        "/admin/departments/new", {"kind": "engineering", "name": "维修班", "lead_id": stranger.id}
    )
    assert response.status_code == 422
    assert field_errors(response, "lead_id")
    assert count(Department, name="维修班") == 0


def test_edit_a_department(client, admin, prop):
    department = prop.departments[1]
    response = client.post_form(
        f"/admin/departments/{department.id}", {"kind": "engineering", "name": "工程维修部", "lead_id": ""}
    )
    assert response.status_code == 302
    assert fresh(Department, department.id).name == "工程维修部"


def test_a_department_with_staff_is_not_deleted(client, admin, make, prop):
    engineering = prop.departments[1]
    make.user("zhao", {prop: [Role.DEPARTMENT]}, department=engineering)
    response = follow(client, client.post_form(f"/admin/departments/{engineering.id}/delete"))
    assert flashes(response) == ["还有用户属于该部门，不能删除"]
    assert fresh(Department, engineering.id) is not None


def test_delete_a_department(client, admin, prop):
    environment = prop.departments[3]
    response = follow(client, client.post_form(f"/admin/departments/{environment.id}/delete"))
    assert "已删除：环境部" in flashes(response)
    assert count(Department, property_id=prop.id) == 4


def test_opening_a_residents_edit_form_is_logged_as_a_reveal(client, make, prop, admin):
    unit = make.unit(prop, "3", "1502")
    resident = make.resident(unit, "张三", phone="13812345678")
    page = client.get(f"/admin/residents/{resident.id}").get_data(as_text=True)
    assert "13812345678" in page
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.REVEAL))
    assert entry is not None and entry.record_id == str(resident.id)
