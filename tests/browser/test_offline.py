"""Offline-capable forms in a real Chromium: nothing typed is lost, nothing is saved twice.

Verified on the server: the tests count rows in the database.
"""
import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import Page, expect

from models import Attachment, Role, db
from models.tickets import Ticket
from tests.browser import wait_until_synced

pytestmark = pytest.mark.browser


@pytest.fixture
def concierge(make, prop):
    make.unit(prop, "3", "1502")
    return make.user("floor1", {prop: [Role.CONCIERGE]}, display_name="李客服")


def tickets() -> list[str]:
    db.session.commit()
    return sorted(db.session.scalars(sa.select(Ticket.description)))


def open_form_with_worker(page: Page) -> None:
    """Open the register form and wait until the service worker controls it and has kept it."""
    page.goto("/tickets/new")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)
    page.wait_for_function(
        "caches.open('pages-v1').then(c => c.match(location.href)).then(r => !!r)", timeout=15000
    )


def fill_ticket(page: Page, description: str, unit="3-1502", photo: bytes | None = None, submit=True) -> None:
    page.get_by_text("报修", exact=True).click()
    page.get_by_label("房号").fill(unit)
    page.get_by_label("联系人").fill("张三")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("内容").fill(description)
    if photo:
        page.locator("input[type=file]").set_input_files(
            {"name": "leak.jpg", "mimeType": "image/jpeg", "buffer": photo}
        )
    if submit:
        page.get_by_role("button", name="登记", exact=True).click()


def queue_offline(page: Page, description: str, unit="3-1502") -> None:
    """Submit with the network down and wait until the item is kept on the device."""
    fill_ticket(page, description, unit=unit)
    expect(page.locator(".offline-notice")).to_contain_text(description)


# Items as the register form would queue them, one per (user, description), oldest first, put through the
# page's own outbox API: no background sync is registered for them, so the page alone replays them.
QUEUE_ITEMS = """async (items) => {
  const form = document.querySelector("form[data-offline]");
  const fields = Array.from(new FormData(form))
    .filter(([name, value]) => !(value instanceof File) && name !== "csrf_token" && name !== "_idempotency_key");
  const now = Date.now();
  for (const [n, [user, text]] of items.entries()) {
    await FrontdeskOutbox.put({
      key: crypto.randomUUID().replace(/-/g, ""), user, url: form.action, page: location.pathname,
      title: document.title, summary: text, fields: fields.map(([name, value]) => [name, name === "description" ? text : value]),
      clientTime: new Date(now + n).toISOString(), createdAt: now + n, status: "pending", attempts: 0,
    });
  }
}"""


def queue_items(page: Page, items: list[tuple[str, str]]) -> None:
    """With the network down: the register form filled once, and an item queued from it for each (user, text)."""
    fill_ticket(page, "", submit=False)
    page.evaluate(QUEUE_ITEMS, items)


def tickets_in_order() -> list[str]:
    db.session.commit()
    return list(db.session.scalars(sa.select(Ticket.description).order_by(Ticket.id)))


def badge(page: Page):
    return page.locator("#outbox-badge")


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2000, 1500), (90, 140, 200)).save(out, "JPEG")
    return out.getvalue()


def test_network_down_queues_submissions_that_survive_a_reload_and_sync_once(page, context, log_in, concierge):
    log_in("floor1")
    open_form_with_worker(page)
    context.set_offline(True)
    for queued, (text, photo) in enumerate([("楼道灯不亮", None), ("消防栓玻璃破损", jpeg()), ("电梯按钮失灵", None)], 1):
        fill_ticket(page, text, photo=photo)
        expect(page.locator(".offline-notice")).to_contain_text(text)
        expect(page.locator(".offline-notice")).to_contain_text("报修")  # the label tapped, not "repair"
        expect(badge(page)).to_contain_text(str(queued))
    page.reload()  # offline: the service worker serves the kept page
    expect(page.get_by_role("heading", name="登记报事")).to_be_visible()
    expect(badge(page)).to_contain_text("3")
    expect(page.locator("tbody[data-outbox-for] tr.outbox-item")).to_have_count(3)
    assert tickets() == []
    page.evaluate("FrontdeskOutbox.list().then(items => { window.copies = items; })")

    context.set_offline(False)  # the online event replays the outbox
    wait_until_synced(page, timeout=20000)
    assert tickets() == ["楼道灯不亮", "消防栓玻璃破损", "电梯按钮失灵"]
    photo = db.session.scalar(sa.select(Attachment))
    assert photo is not None and max(photo.width, photo.height) <= 1600

    # The same items sent again are recognised by their keys: nothing new is created.
    states = page.evaluate("Promise.all(window.copies.map(item => FrontdeskOutbox.send(item).then(r => r.state)))")
    assert states == ["sent"] * 3
    assert len(tickets()) == 3


def test_server_down_keeps_the_submission_until_the_server_is_back(page, log_in, concierge, live_server):
    log_in("floor1")
    open_form_with_worker(page)
    live_server.stop()
    fill_ticket(page, "地下车库渗水")
    expect(page.locator(".offline-notice")).to_contain_text("待同步")
    page.reload()  # the server is down: the kept page opens all the same
    expect(badge(page)).to_contain_text("1")
    live_server.start()
    page.goto("/outbox")
    page.get_by_role("button", name="立即同步").click()
    wait_until_synced(page, timeout=15000)
    assert tickets() == ["地下车库渗水"]


def test_an_expired_login_keeps_the_item_until_the_user_logs_in_again(page, context, log_in, concierge):
    log_in("floor1")
    open_form_with_worker(page)
    context.set_offline(True)
    queue_offline(page, "垃圾房门锁坏了")
    context.clear_cookies()  # the session ends while the tablet is away
    context.set_offline(False)
    page.goto("/outbox")  # redirected to the login page; the item stays on the device
    assert tickets() == []
    assert page.evaluate("FrontdeskOutbox.list().then(items => items.map(i => i.status))") in (["pending"], ["login"])
    log_in("floor1")
    wait_until_synced(page, timeout=20000)
    assert tickets() == ["垃圾房门锁坏了"]


def test_a_validation_error_comes_back_to_the_item_which_is_corrected_and_resent(page, context, log_in, concierge):
    log_in("floor1")
    open_form_with_worker(page)
    context.set_offline(True)
    queue_offline(page, "水管爆裂", unit="9-9999")
    context.set_offline(False)
    page.goto("/outbox")
    row = page.locator("#outbox-items tr.outbox-item")
    expect(row).to_contain_text("需修改", timeout=20000)
    expect(row).to_contain_text("本项目没有这个房号")
    row.get_by_role("link", name="修改").click()
    expect(page.get_by_label("内容")).to_have_value("水管爆裂")
    expect(page.locator(".field.has-error")).to_contain_text("本项目没有这个房号")
    page.get_by_label("房号").fill("3-1502")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tickets/\d+$"))
    assert tickets() == ["水管爆裂"]
    assert page.evaluate("FrontdeskOutbox.list().then(items => items.length)") == 0


def test_another_user_on_the_same_tablet_never_sees_or_sends_the_items(page, context, log_in, make, prop, concierge):
    make.user("floor2", {prop: [Role.CONCIERGE]})
    log_in("floor1")
    open_form_with_worker(page)
    context.set_offline(True)
    queue_offline(page, "绿化带积水")
    context.clear_cookies()  # floor1's session is over; the item waits on the tablet
    context.set_offline(False)
    log_in("floor2")
    expect(badge(page)).to_be_hidden()
    page.goto("/outbox")
    expect(page.locator("#outbox-items tr.outbox-item")).to_have_count(0)
    page.get_by_role("button", name="立即同步").click()
    page.evaluate("FrontdeskOutbox.replayAll()")  # even a replay of everything skips floor1's item
    assert tickets() == []
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login"))
    log_in("floor1")
    wait_until_synced(page, timeout=20000)
    assert tickets() == ["绿化带积水"]
    assert db.session.scalar(sa.select(Ticket.first_contact_id)) == concierge.id


def test_logging_out_with_pending_items_warns_and_keeps_them(page, context, log_in, concierge):
    log_in("floor1")
    open_form_with_worker(page)
    context.set_offline(True)
    queue_offline(page, "单元门禁失灵")
    page.evaluate("FrontdeskOutbox.list().then(([item]) => { item.status = 'conflict'; return FrontdeskOutbox.put(item); })")
    context.set_offline(False)
    messages = []
    page.on("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login"))
    assert len(messages) == 1 and "1 条记录尚未同步" in messages[0]
    assert page.evaluate("FrontdeskOutbox.list().then(items => items.length)") == 1


def test_a_page_never_opened_online_says_so_offline(page, context, log_in, concierge):
    log_in("floor1")
    open_form_with_worker(page)
    context.set_offline(True)
    page.goto("/reports/", wait_until="domcontentloaded")
    expect(page.get_by_role("heading")).to_contain_text("无法离线打开")


def test_a_replay_asks_once_who_is_signed_in_and_still_keeps_another_users_items(page, context, log_in, concierge):
    log_in("floor1")
    page.goto("/tickets/new")
    context.set_offline(True)
    queue_items(page, [("floor1", "楼道灯不亮"), ("floor2", "绿化带积水"), ("floor1", "消防栓玻璃破损"),
                       ("floor2", "单元门禁失灵"), ("floor1", "电梯按钮失灵")])
    asked = []
    page.on("request", lambda request: asked.append(request.url) if request.url.endswith("/csrf-token") else None)
    context.set_offline(False)  # the page replays floor1's items
    page.wait_for_function("""() => {
      FrontdeskOutbox.list("floor1").then(items => { window.__floor1Sent = items.length === 0; });
      return window.__floor1Sent === true;
    }""", timeout=20000, polling=100)
    assert tickets_in_order() == ["楼道灯不亮", "消防栓玻璃破损", "电梯按钮失灵"]  # oldest first
    assert len(asked) == 1  # one token for the three items

    # A replay of every user's items (the service worker's) asks once for both of floor2's, and sends neither.
    assert page.evaluate("FrontdeskOutbox.replayAll()") == 0
    assert len(asked) == 2
    left = page.evaluate("FrontdeskOutbox.list().then(items => items.map(i => [i.user, i.summary, i.status, i.attempts]))")
    assert left == [["floor2", "绿化带积水", "pending", 0], ["floor2", "单元门禁失灵", "pending", 0]]
    assert len(tickets()) == 3


def test_a_token_refused_during_a_replay_is_asked_for_again_and_every_item_is_sent_once(page, context, log_in, concierge):
    log_in("floor1")
    stale = page.evaluate("fetch('/csrf-token').then(r => r.json()).then(answer => answer.token)")
    context.clear_cookies()
    log_in("floor1")  # a new log-in on the tablet: a new session, whose CSRF check refuses the token above
    page.goto("/tickets/new")
    context.set_offline(True)
    queue_items(page, [("floor1", text) for text in ("楼道灯不亮", "消防栓玻璃破损", "电梯按钮失灵")])
    answered = []

    def csrf_token(route):
        # The run's first answer is the old session's token, as if the session changed right after it was asked.
        answered.append(route.request.url)
        if len(answered) == 1:
            route.fulfill(json={"token": stale, "user": "floor1"})
        else:
            route.continue_()

    page.route("**/csrf-token", csrf_token)
    refused = []
    page.on("response", lambda r: refused.append(r.url) if r.request.method == "POST" and r.status == 400 else None)
    context.set_offline(False)
    wait_until_synced(page, timeout=20000)
    assert tickets_in_order() == ["楼道灯不亮", "消防栓玻璃破损", "电梯按钮失灵"]
    assert len(refused) == 1  # the first item, with the stale token; sent again with the fresh one
    assert len(answered) == 2  # the stale token, then one fresh token for all three
