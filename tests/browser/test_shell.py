"""The app shell in a real Chromium: log-in, Chinese pages, htmx active search and CSRF, a server restart."""
import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from models import AuditAction, AuditEntry, Role, db

pytestmark = pytest.mark.browser


@pytest.fixture
def lobby_user(make, prop):
    return make.user("lobby1", {prop: [Role.LOBBY]}, display_name="王前台")


def test_lobby_user_logs_in_to_the_chinese_dashboard(page: Page, log_in, lobby_user, console_errors):
    log_in("lobby1")
    expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()
    expect(page.locator("header .who")).to_have_text("王前台")
    expect(page.locator("header .brand")).to_contain_text("恒宇花园")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.htmx") == "object"
    assert console_errors == []


def test_lobby_user_gets_the_chinese_403_page_for_admin(page: Page, log_in, lobby_user):
    log_in("lobby1")
    response = page.goto("/admin/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="没有权限")).to_be_visible()
    expect(page.get_by_role("link", name="返回工作台")).to_be_visible()


def test_archive_search_replaces_only_the_results(page: Page, log_in, lobby_user, make, prop):
    for building, room, name in (("3", "1502", "张三"), ("3", "1601", "李四"), ("5", "0801", "王五")):
        make.resident(make.unit(prop, building, room), name)
    log_in("lobby1")
    page.goto("/archive/")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(3)
    page.evaluate("window.sameDocument = true")  # a full page load would drop it

    page.get_by_role("searchbox", name="查询").fill("李四")

    expect(page).to_have_url(re.compile(r"/archive/\?(.*&)?q=" + re.escape(quote("李四"))))
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("3号楼")
    expect(rows).to_contain_text("1601")
    assert page.evaluate("window.sameDocument") is True


def test_reveal_posts_the_csrf_token_and_is_audited(page: Page, log_in, make, prop):
    make.user("zhuguan", {prop: [Role.SUPERVISOR]}, display_name="李主管")
    unit = make.unit(prop, "3", "1502")
    resident = make.resident(unit, "张三", phone="13812345678")
    unit_id, resident_id = unit.id, resident.id
    log_in("zhuguan")
    page.goto(f"/archive/units/{unit_id}")
    row = page.locator(f"#resident-{resident_id}")
    expect(row).to_contain_text("138****5678")

    with page.expect_request(f"**/archive/residents/{resident_id}/reveal") as reveal:
        row.get_by_role("button", name="显示完整").click()

    expect(row).to_contain_text("13812345678")
    expect(row.get_by_role("button", name="显示完整")).to_have_count(0)
    csrf_meta = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert reveal.value.headers["x-csrftoken"] == csrf_meta
    db.session.commit()  # end the test's read transaction: see what the server wrote
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.REVEAL)).all()
    assert [(e.table_name, e.record_id, e.user.username) for e in entries] == [
        ("residents", str(resident_id), "zhuguan")
    ]


def test_an_open_page_recovers_when_the_server_comes_back(page: Page, log_in, lobby_user, live_server):
    fetch_healthz = "fetch('/healthz', {cache: 'no-store'}).then(r => r.status, () => 'unreachable')"
    log_in("lobby1")
    assert page.evaluate(fetch_healthz) == 200

    live_server.stop()
    assert page.evaluate(fetch_healthz) == "unreachable"

    live_server.start()
    page.reload()
    expect(page).to_have_url(re.compile(r"/dashboard$"))  # still logged in: the signed cookie survived
    expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()
    expect(page.locator("header .who")).to_have_text("王前台")


def test_the_menu_fits_a_tablet_on_one_line_and_opens_its_groups(page: Page, log_in, make, prop):
    tower = make.property("HD", "恒宇大厦")  # two properties: the header shows the property switch too
    make.user("admin1", {prop: [Role.ADMIN, Role.SUPERVISOR], tower: [Role.ADMIN]}, display_name="管理员")
    page.set_viewport_size({"width": 1024, "height": 768})
    log_in("admin1")
    assert page.locator("header.topbar").bounding_box()["height"] < 90  # one row (~70 px), not two (~118)
    page.get_by_text("前台", exact=True).click()
    page.get_by_role("link", name="包裹", exact=True).click()
    expect(page).to_have_url(re.compile(r"/parcels/$"))
    expect(page.locator("details.navgroup summary[aria-current]")).to_have_text("前台")


def test_an_admin_signs_a_lost_tablet_out_after_saying_yes(page: Page, log_in, make, prop, lobby_user, browser):
    """The confirmation runs from static/js under the Content-Security-Policy: "no" keeps the log-in."""
    make.user("admin1", {prop: [Role.ADMIN]})
    log_in("admin1")
    base = page.url.rsplit("/", 1)[0]
    tablet = browser.new_context(base_url=base, locale="zh-CN")
    tablet_page = tablet.new_page()
    tablet_page.goto("/login")
    tablet_page.get_by_label("用户名").fill("lobby1")
    tablet_page.get_by_label("密码").fill("correct-horse-9")
    tablet_page.get_by_role("button", name="登录", exact=True).click()
    expect(tablet_page).to_have_url(re.compile(r"/dashboard$"))
    page.goto(f"/admin/users/{lobby_user.id}")
    expect(page.get_by_text("登录设备")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="在所有设备上退出登录").click()
    tablet_page.reload()
    expect(tablet_page).to_have_url(re.compile(r"/dashboard$"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="在所有设备上退出登录").click()
    expect(page.get_by_text("已让 王前台 在所有设备上退出登录")).to_be_visible()
    tablet_page.reload()
    expect(tablet_page).to_have_url(re.compile(r"/login"))
    tablet.close()
