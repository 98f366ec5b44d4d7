"""Users and their roles: accounts are company-wide, roles are granted in the current property."""
import re

import pytest
import sqlalchemy as sa

from models import Role, User, UserRole, db

from .helpers import count, field_errors, flashes, follow, input_value, text


def roles_of(user_id, property_id) -> dict[Role, int | None]:
    """The user's roles in one property, with the department of each."""
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(UserRole.role, UserRole.department_id).where(
            UserRole.user_id == user_id, UserRole.property_id == property_id
        )
    )
    return {role: department_id for role, department_id in rows}


def user_named(username) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def can_log_in(app, username, password) -> bool:
    other_desk = app.test_client()
    return other_desk.login(username, password).status_code == 302


NEW_USER = {"username": "wang", "display_name": "王前台", "phone": "13800001111", "password": "desk-pass-1",
            "active": "y"}


def test_create_a_user_with_roles_in_this_property(app, client, admin, prop):
    response = client.post_form("/admin/users/new", {**NEW_USER, "roles": ["lobby", "concierge"]})
    assert response.status_code == 302
    assert "已保存用户：王前台" in flashes(follow(client, response))
    user = user_named("wang")
    assert (user.display_name, user.phone, user.active) == ("王前台", "13800001111", True)
    assert roles_of(user.id, prop.id) == {Role.LOBBY: None, Role.CONCIERGE: None}
    assert user.property_ids() == [prop.id]
    assert can_log_in(app, "wang", "desk-pass-1")


def test_a_department_user_gets_their_department(client, admin, prop):
    engineering = prop.departments[1]
    response = client.post_form(
        "/admin/users/new", {**NEW_USER, "roles": ["department"], "department_id": engineering.id}
    )
    assert response.status_code == 302
    assert roles_of(user_named("wang").id, prop.id) == {Role.DEPARTMENT: engineering.id}


def test_a_department_user_without_a_department_is_refused(client, admin):
    response = client.post_form("/admin/users/new", {**NEW_USER, "roles": ["department"], "department_id": ""})
    assert response.status_code == 422
    assert field_errors(response, "department_id") == ["部门人员必须选择所属部门"]
    assert input_value(response, "username") == "wang"
    assert input_value(response, "display_name") == "王前台"
    assert user_named("wang") is None


def test_a_department_of_another_property_cannot_be_chosen(client, admin, make):
    foreign = make.property("HD", "恒宇大厦").departments[1]
    response = client.post_form(
        "/admin/users/new", {**NEW_USER, "roles": ["department"], "department_id": foreign.id}
    )
    assert response.status_code == 422
    assert field_errors(response, "department_id")
    assert user_named("wang") is None


def test_only_offered_roles_are_accepted(client, admin):
    response = client.post_form("/admin/users/new", {**NEW_USER, "roles": ["lobby", "superuser"]})
    assert response.status_code == 422
    assert field_errors(response, "roles") == ["请从列表中选择"]
    assert user_named("wang") is None


@pytest.mark.parametrize(
    ("password", "message"),
    [("", "请设置密码"), ("short-7", "密码至少 8 位")],
)
def test_a_new_user_needs_a_password_of_eight_characters(client, admin, password, message):
    response = client.post_form("/admin/users/new", {**NEW_USER, "roles": ["lobby"], "password": password})
    assert response.status_code == 422
    assert field_errors(response, "password") == [message]
    assert user_named("wang") is None


def test_eight_characters_are_enough(client, admin):
    response = client.post_form("/admin/users/new", {**NEW_USER, "roles": ["lobby"], "password": "12345678"})
    assert response.status_code == 302
    assert user_named("wang").check_password("12345678")


def test_a_username_is_unique_across_the_company(client, admin, make):
    make.user("wang", {make.property("HD", "恒宇大厦"): [Role.LOBBY]})
    response = client.post_form("/admin/users/new", {**NEW_USER, "display_name": "另一个王", "roles": ["lobby"]})
    assert response.status_code == 422
    assert field_errors(response, "username") == ["该用户名已被使用"]
    assert input_value(response, "display_name") == "另一个王"
    assert count(User, username="wang") == 1


@pytest.mark.parametrize("username", ["Wang", "王", "w", "wang li"])
def test_usernames_are_short_lowercase_names(client, admin, username):
    response = client.post_form("/admin/users/new", {**NEW_USER, "username": username, "roles": ["lobby"]})
    assert response.status_code == 422
    assert field_errors(response, "username") == ["请用 2–40 位小写字母、数字或 _ . -"]
    assert count(User) == 1  # the administrator


def test_edit_roles_replaces_those_of_this_property_only(client, admin, make, prop):
    tower = make.property("HD", "恒宇大厦")
    engineering = prop.departments[1]
    user = make.user("zhao", {prop: [Role.DEPARTMENT], tower: [Role.SUPERVISOR]}, department=engineering,
                     display_name="赵主管")
    roles_in_tower = roles_of(user.id, tower.id)
    page = client.get(f"/admin/users/{user.id}")
    assert input_value(page, "username") == "zhao"
    assert 'checked id="roles-3" name="roles" type="checkbox" value="department"' in page.get_data(as_text=True)
    response = client.post_form(
        f"/admin/users/{user.id}",
        {"username": "zhao", "display_name": "赵主管", "active": "y", "roles": ["supervisor", "lobby"]},
    )
    assert response.status_code == 302
    assert roles_of(user.id, prop.id) == {Role.SUPERVISOR: None, Role.LOBBY: None}
    assert roles_of(user.id, tower.id) == roles_in_tower
    assert user_named("zhao").display_name == "赵主管"


def test_removing_every_role_here_leaves_the_other_property_alone(client, admin, make, prop):
    tower = make.property("HD", "恒宇大厦")
    user = make.user("chen", {prop: [Role.LOBBY], tower: [Role.LOBBY]}, display_name="陈")
    response = client.post_form(f"/admin/users/{user.id}", {"username": "chen", "display_name": "陈", "active": "y"})
    assert response.status_code == 302
    assert roles_of(user.id, prop.id) == {}
    assert roles_of(user.id, tower.id) == {Role.LOBBY: None}
    assert "chen" not in text(client.get("/admin/users"))


def test_a_blank_password_keeps_the_old_one_and_a_new_one_replaces_it(app, client, admin, make, prop):
    user = make.user("wang", {prop: [Role.LOBBY]})
    form = {"username": "wang", "display_name": "王", "active": "y", "roles": ["lobby"]}
    assert client.post_form(f"/admin/users/{user.id}", {**form, "password": ""}).status_code == 302
    assert can_log_in(app, "wang", make.password)
    response = client.post_form(f"/admin/users/{user.id}", {**form, "password": "1234567"})
    assert field_errors(response, "password") == ["密码至少 8 位"]
    assert client.post_form(f"/admin/users/{user.id}", {**form, "password": "new-pass-99"}).status_code == 302
    assert can_log_in(app, "wang", "new-pass-99")
    assert not can_log_in(app, "wang", make.password)


def test_an_admin_cannot_remove_their_own_admin_role(client, admin, prop):
    response = client.post_form(
        f"/admin/users/{admin.id}",
        {"username": admin.username, "display_name": "我", "active": "y", "roles": ["supervisor"]},
    )
    assert response.status_code == 422
    assert field_errors(response, "roles") == ["不能取消自己的管理员角色"]
    assert roles_of(admin.id, prop.id) == {Role.ADMIN: None}
    assert client.get("/admin/").status_code == 200


def test_an_admin_cannot_deactivate_themselves(client, admin, prop):
    response = client.post_form(
        f"/admin/users/{admin.id}", {"username": admin.username, "display_name": "我", "roles": ["admin"]}
    )
    assert response.status_code == 422
    assert field_errors(response, "active") == ["不能停用自己的账号"]
    assert user_named(admin.username).active is True


def test_an_admin_may_add_roles_to_themselves(client, admin, prop):
    response = client.post_form(
        f"/admin/users/{admin.id}",
        {"username": admin.username, "display_name": "我", "active": "y", "roles": ["admin", "supervisor"]},
    )
    assert response.status_code == 302
    assert roles_of(admin.id, prop.id) == {Role.ADMIN: None, Role.SUPERVISOR: None}


def test_a_deactivated_user_cannot_log_in_and_is_signed_out(app, client, admin, make, prop):
    user = make.user("wang", {prop: [Role.LOBBY]})
    desk = app.test_client()
    assert desk.login("wang").status_code == 302
    assert desk.get("/dashboard").status_code == 200
    response = client.post_form(
        f"/admin/users/{user.id}", {"username": "wang", "display_name": "王", "roles": ["lobby"]}
    )
    assert response.status_code == 302
    assert user_named("wang").active is False
    assert "停用" in text(client.get("/admin/users"))
    assert desk.get("/dashboard").status_code == 302  # the open session ends too
    refused = app.test_client().login("wang")
    assert refused.status_code == 422
    assert "此账号已停用，请联系管理员" in text(refused)


def test_users_list_shows_only_this_propertys_users_and_their_roles_here(client, admin, make, prop):
    tower = make.property("HD", "恒宇大厦")
    make.user("zhao", {prop: [Role.DEPARTMENT], tower: [Role.ADMIN]}, department=prop.departments[1],
              display_name="赵工")
    make.user("stranger", {tower: [Role.LOBBY]})
    page = text(client.get("/admin/users"))
    assert "stranger" not in page
    [zhao_row] = [row for row in re.findall(r"<tr>.*?</tr>", page, re.S) if "赵工" in row]
    assert "部门人员·工程部" in zhao_row
    assert "管理员" not in zhao_row  # an admin only in HD


def test_the_new_user_form_offers_this_propertys_departments(client, admin, make, prop):
    make.property("HD", "恒宇大厦")
    page = client.get("/admin/users/new").get_data(as_text=True)
    for department in prop.departments:
        assert f'<option value="{department.id}">{department.name}</option>' in page
    assert page.count("<option") == 6  # “—” and the five departments of HY


def test_an_admin_changing_their_own_password_stays_signed_in_here(app, client, admin, prop):
    response = client.post_form(
        f"/admin/users/{admin.id}",
        {"username": admin.username, "display_name": "我", "active": "y", "roles": ["admin"],
         "password": "brand-new-pass"},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert can_log_in(app, admin.username, "brand-new-pass")


def test_a_password_is_reset_only_by_an_admin_of_every_property_of_the_account(client, make, prop, admin):
    tower = make.property("HD", "恒宇大厦")
    both = make.user("both", {prop: [Role.LOBBY], tower: [Role.ADMIN]})
    response = client.post_form(f"/admin/users/{both.id}", {
        "username": "both", "display_name": "both", "password": "new-password-1", "active": "y", "roles": ["lobby"],
    })
    assert response.status_code == 422
    assert "密码只能由其所有项目的管理员修改" in response.get_data(as_text=True)
    db.session.refresh(both)
    assert both.check_password("correct-horse-9")


def test_an_admin_of_one_property_cannot_deactivate_or_rename_an_account_of_others(app, client, make, prop, admin):
    tower = make.property("HD", "恒宇大厦")
    boss = make.user("boss", {prop: [Role.SUPERVISOR], tower: [Role.SUPERVISOR]}, display_name="陈主管")
    deactivate = client.post_form(f"/admin/users/{boss.id}", {  # no "active": the box unticked
        "username": "boss", "display_name": "陈主管", "roles": ["supervisor"]})
    assert deactivate.status_code == 422 and "只能由其所有项目的管理员修改" in deactivate.get_data(as_text=True)
    renamed = client.post_form(f"/admin/users/{boss.id}", {
        "username": "boss", "display_name": "改名", "active": "y", "roles": ["supervisor"]})
    assert renamed.status_code == 422
    assert user_named("boss").active and user_named("boss").display_name == "陈主管"
    assert can_log_in(app, "boss", "correct-horse-9")
    roles_here = client.post_form(f"/admin/users/{boss.id}", {
        "username": "boss", "display_name": "陈主管", "active": "y", "roles": ["supervisor", "lobby"]})
    assert roles_here.status_code == 302  # the roles in the admin's own property are theirs to change
    assert set(roles_of(boss.id, prop.id)) == {Role.SUPERVISOR, Role.LOBBY}
