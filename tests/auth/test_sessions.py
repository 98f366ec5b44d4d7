"""A log-in that really ends: log-out, a new password, deactivation and an admin's "sign out everywhere"
each end every copy of the cookie; an unattended screen closes after its role's idle time; the password
is asked again before a sensitive action, and what was sent waits for it."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from models import AuditAction, AuditEntry, LoginSession, Role, db

COOKIE = "frontdesk_session"


@pytest.fixture
def app_config(app_config):
    """The idle limits as shipped (the suite's other tests turn them off to move the clock freely)."""
    from blueprints.auth import module

    return {**app_config, **{name: setting.default for name, setting in module.settings.items()}}


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie (as a thief or a proxy log would)."""
    other = app.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return other


def signed_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


@pytest.fixture
def wang(make, prop):
    return make.user("wang", {prop: [Role.LOBBY]}, display_name="王前台")


def test_a_copied_cookie_opens_nothing_after_log_out(app, client, wang):
    client.login("wang")
    copy = copy_of(app, client)
    assert signed_in(copy)
    client.post_form("/logout")
    assert not signed_in(copy)
    assert copy.get("/dashboard").headers["Location"].startswith("/login")
    ended = db.session.scalar(sa.select(LoginSession))
    assert ended.end_reason == "logout" and ended.ended_at is not None


def test_logging_out_on_one_tablet_leaves_the_other_signed_in(app, client, wang):
    client.login("wang")
    other = app.test_client()
    other.login("wang")
    client.post_form("/logout")
    assert signed_in(other) and not signed_in(client)


@pytest.mark.parametrize("change", ["password", "deactivate"])
def test_a_new_password_or_deactivation_ends_every_log_in(app, client, make, prop, wang, change):
    tablet = app.test_client()
    tablet.login("wang")
    make.user("admin", {prop: [Role.ADMIN]})
    client.login("admin")
    form = {"username": "wang", "display_name": "王前台", "phone": "", "roles": "lobby", "active": "y"}
    if change == "password":
        form["password"] = "a-new-password-7"
    else:
        del form["active"]
    assert client.post_form(f"/admin/users/{wang.id}", form).status_code == 302
    assert not signed_in(tablet)
    assert signed_in(client)


def test_an_admin_changing_their_own_password_stays_signed_in_here_only(app, client, make, prop):
    admin = make.user("admin", {prop: [Role.ADMIN]})
    other = app.test_client()
    other.login("admin")
    client.login("admin")
    form = {"username": "admin", "display_name": "admin", "phone": "", "roles": "admin", "active": "y",
            "password": "a-new-password-7"}
    assert client.post_form(f"/admin/users/{admin.id}", form).status_code == 302
    assert signed_in(client) and not signed_in(other)


def test_an_admin_signs_an_account_out_everywhere(app, client, make, prop, wang):
    tablet = app.test_client()
    tablet.login("wang")
    make.user("admin", {prop: [Role.ADMIN]})
    client.login("admin")
    page = client.get(f"/admin/users/{wang.id}").get_data(as_text=True)
    assert "登录设备" in page and "在所有设备上退出登录" in page
    response = client.post_form(f"/admin/users/{wang.id}/sign-out")
    assert response.status_code == 302
    assert not signed_in(tablet)
    assert "目前没有设备登录此账号" in client.get(f"/admin/users/{wang.id}").get_data(as_text=True)


def test_signing_out_everywhere_needs_an_admin_of_all_the_accounts_properties(client, make, prop, login_as):
    other = make.property("HD", "恒达大厦")
    both = make.user("both", {prop: [Role.SUPERVISOR], other: [Role.SUPERVISOR]})
    login_as(Role.ADMIN)
    assert "在所有设备上退出登录" not in client.get(f"/admin/users/{both.id}").get_data(as_text=True)
    assert client.post_form(f"/admin/users/{both.id}/sign-out").status_code == 403


def test_an_unattended_desk_closes_after_its_idle_time(client, clock, wang):
    client.login("wang")
    clock.shift(timedelta(hours=11))
    assert signed_in(client)  # in use: the idle time starts again
    clock.shift(timedelta(hours=11))
    assert signed_in(client)
    clock.shift(timedelta(hours=12, minutes=1))
    response = client.get("/tickets/")
    assert response.headers["Location"].startswith("/login?next=/tickets/")
    assert "长时间未操作，已自动退出" in client.get("/login").get_data(as_text=True)


def test_an_admin_screen_closes_sooner_and_htmx_is_told_with_a_401(client, clock, login_as):
    login_as(Role.ADMIN)
    clock.shift(timedelta(minutes=29))
    assert signed_in(client)
    clock.shift(timedelta(minutes=31))
    assert client.get("/admin/users", headers={"HX-Request": "true"}).status_code == 401
    assert not signed_in(client)


@pytest.fixture
def resident(make, prop):
    return make.resident(make.unit(prop, "3", "1502"), phone="13912349921", id_number="34010419900101123X")


def reveals() -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == AuditAction.REVEAL))


def test_showing_a_whole_phone_asks_for_the_password_again_after_a_while(client, clock, login_as, resident):
    login_as(Role.SUPERVISOR)
    assert "13912349921" in client.post_form(f"/archive/residents/{resident.id}/reveal").get_data(as_text=True)
    clock.shift(timedelta(minutes=16))
    asked = client.post_form(f"/archive/residents/{resident.id}/reveal")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "请再次输入密码" in page and "13912349921" not in page
    assert reveals() == 1
    token = client.csrf_token()
    wrong = client.post(f"/archive/residents/{resident.id}/reveal",
                        data={"csrf_token": token, "_reauth_password": "nope"})
    assert wrong.status_code == 422 and "密码不正确" in wrong.get_data(as_text=True)
    right = client.post(f"/archive/residents/{resident.id}/reveal",
                        data={"csrf_token": token, "_reauth_password": "correct-horse-9"})
    assert "13912349921" in right.get_data(as_text=True)
    assert reveals() == 2


def test_an_htmx_reveal_gets_the_question_in_the_main_area(client, clock, login_as, resident):
    login_as(Role.SUPERVISOR)
    clock.shift(timedelta(minutes=16))
    asked = client.post_form(f"/archive/residents/{resident.id}/reveal", headers={"HX-Request": "true"})
    assert asked.headers["HX-Retarget"] == "#main"
    assert "<html" not in asked.get_data(as_text=True) and 'name="_reauth_password"' in asked.get_data(as_text=True)


def test_an_approval_decided_later_keeps_its_note_through_the_question(client, clock, make, prop, login_as):
    from tests.approvals.test_approvals import PASS

    make.unit(prop, "3", "1502", in_arrears=True)
    make.user("boss", {prop: [Role.SUPERVISOR]})
    login_as(Role.LOBBY, username="desk")
    client.post_form("/journal/passes/new", PASS)
    client.post_form("/logout")
    client.login("boss")
    clock.shift(timedelta(minutes=20))
    asked = client.post_form("/approvals/1/decide", {"decision": "refuse", "note": "欠费三个月"})
    page = asked.get_data(as_text=True)
    assert 'name="note" value="欠费三个月"' in page and 'name="decision" value="refuse"' in page


def test_five_wrong_passwords_end_the_log_in(client, clock, login_as, resident):
    login_as(Role.SUPERVISOR)
    clock.shift(timedelta(minutes=16))
    for _ in range(4):
        assert client.post_form(f"/archive/residents/{resident.id}/reveal",
                                {"_reauth_password": "nope"}).status_code == 422
    last = client.post_form(f"/archive/residents/{resident.id}/reveal", {"_reauth_password": "nope"})
    assert last.headers["Location"] == "/login"
    assert not signed_in(client)
