import re

from app import create_app

from models import Role, User, db


def test_login_lands_on_the_chinese_dashboard(client, make, prop):
    make.user("wang", {prop: [Role.LOBBY]}, display_name="王前台")
    response = client.login("wang")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    assert "工作台" in page and "王前台" in page and "恒宇花园" in page


def test_wrong_password_says_so_in_chinese_and_keeps_the_username(client, make, prop):
    make.user("wang", {prop: [Role.LOBBY]})
    response = client.login("wang", "wrong-password")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "用户名或密码不正确" in page
    assert 'value="wang"' in page


def test_empty_fields_are_marked_beside_each_field(client):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": "", "password": "", "csrf_token": token})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("请填写此项") == 2


def test_login_is_throttled_after_repeated_failures(client, make, prop):
    make.user("wang", {prop: [Role.LOBBY]})
    for _ in range(5):
        assert client.login("wang", "nope").status_code == 422
    response = client.login("wang")  # even the right password waits now
    assert response.status_code == 429
    assert "密码错误次数过多，请 5 分钟后再试" in response.get_data(as_text=True)


def test_throttling_one_account_leaves_others_alone(client, make, prop):
    make.user("wang", {prop: [Role.LOBBY]})
    make.user("li", {prop: [Role.LOBBY]})
    for _ in range(6):
        client.login("wang", "nope")
    assert client.login("li").status_code == 302


def test_one_address_cannot_try_a_password_on_every_account(client, make, prop):
    for n in range(20):
        make.user(f"staff{n}", {prop: [Role.LOBBY]})
    for n in range(20):
        assert client.login(f"staff{n}", "123456").status_code == 422
    assert client.login("staff0").status_code == 429  # that address waits now, for any account
    other_desk = client.application.test_client()
    other_desk.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert other_desk.login("staff0").status_code == 302


def test_the_count_is_shared_by_every_worker(client, app, make, prop):
    """Two app instances on one database, as two gunicorn workers or hosts would be."""
    from app import create_app

    make.user("wang", {prop: [Role.LOBBY]})
    other_worker = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    other_worker.test_client_class = type(client)
    for n in range(5):
        worker = client if n % 2 else other_worker.test_client()
        assert worker.login("wang", "nope").status_code == 422
    assert client.login("wang").status_code == 429
    assert other_worker.test_client().login("wang").status_code == 429
    with other_worker.app_context():
        db.engine.dispose()


def test_inactive_user_cannot_log_in(client, make, prop):
    make.user("gone", {prop: [Role.LOBBY]}, active=False)
    response = client.login("gone")
    assert response.status_code == 422
    assert "已停用" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(client, make, prop):
    make.user("wang", {prop: [Role.LOBBY]})
    response = client.login("wang")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("frontdesk_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_next_parameter_never_leaves_the_site(client, make, prop):
    make.user("wang", {prop: [Role.LOBBY]})
    page = client.get("/login?next=//evil.example/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"username": "wang", "password": "correct-horse-9", "next": "//evil.example/", "csrf_token": token},
    )
    assert response.headers["Location"] == "/dashboard"


def test_passwords_are_stored_hashed_with_scrypt_as_shipped(app_config):
    """The suite hashes cheaply (conftest); the app as shipped uses scrypt."""
    shipped = create_app({key: value for key, value in app_config.items() if key != "PASSWORD_HASH_METHOD"})
    with shipped.app_context():
        user = User(username="wang", display_name="王")
        user.set_password("correct-horse-9")
    assert user.password_hash.startswith("scrypt:")
    assert "correct-horse-9" not in user.password_hash
    assert user.check_password("correct-horse-9") and not user.check_password("correct-horse-8")


def test_logout_is_a_post_and_ends_the_session(client, login_as):
    login_as(Role.LOBBY)
    assert client.get("/logout").status_code == 405
    client.post_form("/logout")
    assert client.get("/dashboard").status_code == 302


def test_password_change_signs_the_user_out_elsewhere(client, login_as):
    user = login_as(Role.LOBBY)
    user.set_password("another-pass-1")
    db.session.commit()
    assert client.get("/dashboard").status_code == 302


def test_post_without_csrf_token_is_refused(client, login_as):
    login_as(Role.LOBBY)
    response = client.post("/logout")
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)


def test_csrf_token_endpoint_is_401_when_signed_out(client):
    assert client.get("/csrf-token").status_code == 401


def test_user_with_several_properties_switches_in_the_header(client, make, prop):
    tower = make.property("HD", "恒宇大厦")
    make.user("chen", {prop: [Role.SUPERVISOR], tower: [Role.SUPERVISOR]})
    client.login("chen")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "恒宇大厦" in page  # offered in the switcher
    client.post_form("/switch-property", {"property_id": tower.id})
    page = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r'<option value="%d" selected>恒宇大厦' % tower.id, page)


def test_switching_to_an_unassigned_property_is_403(client, make, prop, login_as):
    other = make.property("ZZ", "别的项目")
    login_as(Role.LOBBY)
    assert client.post_form("/switch-property", {"property_id": other.id}).status_code == 403


def test_user_loader_ignores_unknown_tokens(app):
    from app import _load_user

    assert _load_user("nope") is None
    assert db.session.query(User).count() == 0
