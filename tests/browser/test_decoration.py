"""A decoration patrol in a real Chromium (issue 7, item 6): a concierge records a violation in a
stairwell without signal; it reaches the server once, with the time it was seen, and its notice prints."""
import io
import re
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import Page, expect

from models import Attachment, Role, db
from models.decoration import Decoration, Violation, ViolationKind, ViolationStatus
from tests.browser import wait_until_synced

from ..pdf import chinese_date, pdf_text

pytestmark = pytest.mark.browser


@pytest.fixture
def site(make, prop):
    unit = make.unit(prop, "3", "1502")
    desk = make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    make.user("floor1", {prop: [Role.CONCIERGE]}, display_name="李客服")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    decoration = Decoration(
        property_id=prop.id, unit=unit, owner_name="张三", contractor="安居装饰有限公司", contractor_contact="刘工",
        contractor_phone="13900001111", permit_no="ZX-2026-018", works="全屋翻新", work_hours="工作日 08:00–18:00",
        starts_on=today - timedelta(days=5), ends_on=today + timedelta(days=40), registered_by=desk,
    )
    db.session.add(decoration)
    db.session.commit()
    return decoration


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2400, 1800), (160, 150, 140)).save(out, "JPEG")
    return out.getvalue()


def open_form_with_worker(page: Page) -> None:
    """Open the violation form online once and wait until the service worker controls it and has kept it."""
    page.goto("/decoration/violations/new")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)
    page.wait_for_function(
        "caches.open('pages-v1').then(c => c.match(location.href)).then(r => !!r)", timeout=15000
    )


def violations() -> list[Violation]:
    db.session.commit()
    return db.session.scalars(sa.select(Violation)).all()


def test_a_violation_recorded_offline_is_kept_with_its_device_time_and_its_notice_prints(page: Page, context, log_in, site):
    log_in("floor1")
    open_form_with_worker(page)
    context.set_offline(True)

    page.get_by_role("button", name="HY-3-1502").click()  # one tap on the unit under way
    expect(page.get_by_role("textbox", name="房号")).to_have_value("HY-3-1502")
    page.get_by_text("堵塞公共通道", exact=True).click()
    page.get_by_label("现场情况").fill("15 楼消防通道堆放水泥 10 袋")
    page.locator("input[type=file]").set_input_files({"name": "corridor.jpg", "mimeType": "image/jpeg", "buffer": photo()})
    pressed = datetime.now(timezone.utc)
    page.get_by_role("button", name="记录违章", exact=True).click()
    expect(page.locator(".offline-notice")).to_contain_text("15 楼消防通道堆放水泥")
    expect(page.locator("#outbox-badge")).to_contain_text("1")
    expect(page.locator("tbody[data-outbox-for] tr.outbox-item")).to_have_count(1)
    time.sleep(2)  # the stairwell: the server must keep the time it was seen, not the time it arrived
    assert violations() == []
    page.evaluate("FrontdeskOutbox.list().then(items => { window.copies = items; })")

    context.set_offline(False)  # the online event replays the outbox
    wait_until_synced(page, timeout=20000)
    [violation] = violations()
    assert violation.kind is ViolationKind.BLOCKED_PASSAGE and violation.status is ViolationStatus.OPEN
    assert violation.note == "15 楼消防通道堆放水泥 10 袋" and violation.found_by.username == "floor1"
    assert abs(violation.found_at - pressed) < timedelta(seconds=2)
    assert violation.created_at - violation.found_at > timedelta(seconds=1.5)
    stored = db.session.scalar(sa.select(Attachment).where(Attachment.owner_table == "decoration_violations"))
    assert stored is not None and max(stored.width, stored.height) <= 1600
    # Sent again (a tablet that did not hear the answer): recognised by its key, nothing new.
    states = page.evaluate("Promise.all(window.copies.map(item => FrontdeskOutbox.send(item).then(r => r.state)))")
    assert states == ["sent"] and len(violations()) == 1

    page.goto(f"/decoration/violations/{violation.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("堵塞公共通道")
    expect(page.get_by_role("link", name="打印违章通知书")).to_be_visible()
    response = page.request.get(f"/decoration/violations/{violation.id}/notice.pdf")
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    for expected in ("违章通知书", violation.number, "堵塞公共通道", "15 楼消防通道堆放水泥", "张三", "安居装饰有限公司",
                     chinese_date(violation.deadline), "复验"):
        assert expected in text, expected
    expect(page).to_have_url(re.compile(rf"/decoration/violations/{violation.id}$"))
