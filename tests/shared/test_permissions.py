"""The one permission mechanism: every route is guarded, foreign records are 404, forbidden actions 403."""
import pytest
from werkzeug.routing import Rule

from models import Role

PUBLIC = {"static", "auth.login", "auth.language", "auth.csrf_token", "health.healthz", "dashboard.root", "offline.service_worker", "offline.unavailable"}
LOGIN_ONLY = {"auth.logout", "auth.switch_property"}


def _guarded_rules(app) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if r.endpoint not in PUBLIC]


def _path(rule: Rule) -> str:
    return rule.build({arg: 1 for arg in rule.arguments}, append_unknown=False)[1]


def test_every_route_declares_a_permission_or_is_public(app):
    unguarded = [
        r.endpoint
        for r in _guarded_rules(app)
        if r.endpoint not in LOGIN_ONLY and not hasattr(app.view_functions[r.endpoint], "permission")
    ]
    assert unguarded == []


def test_anonymous_users_are_sent_to_login_everywhere(app, client):
    for rule in _guarded_rules(app):
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(_path(rule), method=method)
        # A POST without a session fails the CSRF check first: never reaches the view.
        assert response.status_code in (302, 400), rule.rule
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login"), rule.rule


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_the_get_routes_its_permissions_allow(app, client, login_as, role):
    login_as(role)
    allowed = {name for name, p in app.extensions["platform"].permissions.items() if role in p.roles}
    for rule in _guarded_rules(app):
        view = app.view_functions[rule.endpoint]
        if "GET" not in rule.methods or not hasattr(view, "permission") or rule.arguments:
            continue
        status = client.get(_path(rule)).status_code
        if view.permission in allowed:
            assert status != 403, rule.rule
            # The same page asked for by htmx (a fragment of it, for list pages) renders too.
            assert client.get(_path(rule), headers={"HX-Request": "true"}).status_code < 500, rule.rule
        else:
            assert status == 403, rule.rule


def test_forbidden_page_is_in_chinese(client, login_as):
    login_as(Role.LOBBY)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "没有权限" in response.get_data(as_text=True)


def test_a_record_of_another_property_is_404(client, make, prop, login_as):
    other = make.property("HD", "恒宇大厦")
    foreign_unit = make.unit(other, "1", "101")
    own_unit = make.unit(prop, "1", "101")
    login_as(Role.SUPERVISOR)
    assert client.get(f"/archive/units/{own_unit.id}").status_code == 200
    response = client.get(f"/archive/units/{foreign_unit.id}")
    assert response.status_code == 404
    assert "找不到页面" in response.get_data(as_text=True)
    assert client.get(f"/archive/units/{foreign_unit.id}/card.pdf").status_code == 404


def test_a_user_with_two_properties_sees_only_the_current_ones_records(client, make, prop):
    other = make.property("HD", "恒宇大厦")
    unit_b = make.unit(other, "1", "101")
    make.user("chen", {prop: [Role.SUPERVISOR], other: [Role.SUPERVISOR]})
    client.login("chen")
    assert client.get(f"/archive/units/{unit_b.id}").status_code == 404
    client.post_form("/switch-property", {"property_id": other.id})
    assert client.get(f"/archive/units/{unit_b.id}").status_code == 200


def test_roles_hold_only_in_their_property(client, make, prop):
    other = make.property("HD", "恒宇大厦")
    make.user("mixed", {prop: [Role.LOBBY], other: [Role.ADMIN]})
    client.login("mixed")  # lands in HY, where they are lobby staff
    assert client.get("/admin/").status_code == 403
    client.post_form("/switch-property", {"property_id": other.id})
    assert client.get("/admin/").status_code == 200
