"""Only administrators of the current property reach /admin; records of other properties are 404."""
import re
from datetime import date

import pytest

from app import create_app
from models import Building, CalendarDay, Department, Resident, Role, Unit, db


def _admin_routes() -> list[tuple[str, str]]:
    """(method, URL) of every /admin rule, ids filled with 1, read from the app's URL map."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "SCHEMA_CHECK": False})
    routes = []
    with app.app_context():
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/admin"):
                continue
            path = rule.build({arg: 1 for arg in rule.arguments}, append_unknown=False)[1]
            routes += [(method, path) for method in ("GET", "POST") if method in rule.methods]
        db.engine.dispose()
    return sorted(routes)


ADMIN_ROUTES = _admin_routes()
NOT_ADMIN = [Role.LOBBY, Role.CONCIERGE, Role.SUPERVISOR, Role.DEPARTMENT]


def test_the_route_list_covers_the_whole_admin_module():
    paths = {path for _, path in ADMIN_ROUTES}
    assert {"/admin/", "/admin/users/1", "/admin/units/1/delete", "/admin/import/confirm"} <= paths
    assert ("POST", "/admin/calendar/import-official") in ADMIN_ROUTES
    assert len(ADMIN_ROUTES) >= 30


@pytest.mark.parametrize("role", NOT_ADMIN, ids=lambda r: r.value)
@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_other_roles_are_forbidden_everywhere(client, login_as, make, prop, role, method, path):
    make.unit(prop, "1", "101")  # so that id 1 exists: a 403 must not be a 404 in disguise
    login_as(role)
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post_form(path, {"year": "2026", "key": "imports/1/x.csv"})
    assert response.status_code == 403
    assert "没有权限" in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_anonymous_users_are_sent_to_login(client, method, path):
    if method == "GET":
        response = client.get(path)
    else:
        # A valid CSRF token from the login page, so the request reaches the permission check.
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(path, data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_an_admin_of_another_property_is_forbidden_here(client, make, prop):
    tower = make.property("HD", "恒宇大厦")
    make.user("hd-admin", {tower: [Role.ADMIN], prop: [Role.LOBBY]})
    client.login("hd-admin")
    assert client.get("/admin/").status_code == 403  # lands in HY (the lower id), where they are lobby staff


@pytest.fixture
def foreign(make):
    """Records of property HD, which the HY administrator does not manage."""
    tower = make.property("HD", "恒宇大厦")
    unit = make.unit(tower, "1", "101")
    resident = make.resident(unit, "李四")
    user = make.user("hd-lobby", {tower: [Role.LOBBY]})
    day = CalendarDay(property_id=tower.id, day=date(2027, 1, 2), is_workday=True, name="调休")
    db.session.add(day)
    db.session.commit()
    return {
        "buildings": unit.building_id,
        "units": unit.id,
        "residents": resident.id,
        "departments": tower.departments[0].id,
        "users": user.id,
        "properties": tower.id,
        "calendar_day": day.id,
    }


@pytest.mark.parametrize("register", ["buildings", "units", "residents", "departments"])
def test_registers_of_another_property_are_404(client, admin, foreign, register):
    record_id = foreign[register]
    assert client.get(f"/admin/{register}/{record_id}").status_code == 404
    response = client.post_form(f"/admin/{register}/{record_id}", {"name": "改名", "code": "9", "room": "909"})
    assert response.status_code == 404
    assert "找不到页面" in response.get_data(as_text=True)
    assert client.post_form(f"/admin/{register}/{record_id}/delete").status_code == 404
    listing = client.get(f"/admin/{register}").get_data(as_text=True)
    assert f"/admin/{register}/{record_id}\"" not in listing


def test_foreign_records_survive_the_attempts(client, admin, foreign):
    for register in ("residents", "units", "buildings", "departments"):
        client.post_form(f"/admin/{register}/{foreign[register]}/delete")
    db.session.expire_all()
    assert db.session.get(Resident, foreign["residents"]).name == "李四"
    assert db.session.get(Unit, foreign["units"]) is not None
    assert db.session.get(Building, foreign["buildings"]) is not None
    assert db.session.get(Department, foreign["departments"]) is not None


def test_users_properties_and_calendar_days_of_another_property_are_404(client, admin, foreign):
    assert client.get(f"/admin/users/{foreign['users']}").status_code == 404
    assert client.post_form(f"/admin/users/{foreign['users']}", {"username": "taken"}).status_code == 404
    assert client.get(f"/admin/properties/{foreign['properties']}").status_code == 404
    assert client.post_form(f"/admin/properties/{foreign['properties']}", {"name": "x"}).status_code == 404
    assert client.post_form(f"/admin/calendar/{foreign['calendar_day']}/delete").status_code == 404
    db.session.expire_all()
    assert db.session.get(CalendarDay, foreign["calendar_day"]) is not None
