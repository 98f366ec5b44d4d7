"""A lobby shift from opening to the printed handover sheet, in a real Chromium (issue: duty journal)."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from models import Role, db
from models.parcels import Parcel
from models.journal import JournalEvent, ReleasePass, Shift, ShiftStatus
from models.visitors import Visitor
from tests.browser import wait_until_synced

from ..pdf import pdf_text
from .test_parcels import sign

pytestmark = pytest.mark.browser


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login"))


def log_parcel(page: Page, tracking: str, unit: str, shelf: str) -> None:
    page.goto("/parcels/new")
    page.get_by_label("快递单号").fill(tracking)
    page.get_by_label("房号").fill(unit)
    page.get_by_text("中通", exact=True).click()
    page.get_by_label("货架位置").fill(shelf)
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text(shelf)


def register_visitor(page: Page, name: str) -> None:
    page.get_by_label("访客姓名").fill(name)
    page.get_by_label("到访房号").fill("3-1502")
    page.get_by_label("证件类型").select_option(label="未出示")
    page.get_by_role("button", name="登记进入").click()


def test_a_lobby_shift_is_handed_over_with_its_open_items_and_printed(page: Page, context, log_in, make, prop):
    make.unit(prop, "3", "1502")
    make.unit(prop, "5", "0801")
    make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    make.user("night", {prop: [Role.LOBBY]}, display_name="赵夜班")
    make.user("boss", {prop: [Role.SUPERVISOR]}, display_name="陈主管")

    log_in("desk")
    page.goto("/journal/")
    page.get_by_text("大堂前台", exact=True).click()
    page.get_by_role("button", name="开班").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("大堂前台")
    expect(page.locator("#checklist-notice")).to_be_visible()
    for row in page.locator("tr.check-row").all():  # htmx answers each line in place
        row.get_by_role("button", name="正常").click()
        expect(row).to_have_class(re.compile("answered"))
    expect(page.locator("#checklist-notice")).to_be_hidden()  # gone with the last line, no reload
    shift_url = page.url

    # Two visitors arrive while the Wi-Fi is down: both are kept on the tablet and sent later.
    page.goto("/visitors/new")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)
    context.set_offline(True)
    register_visitor(page, "刘备")
    expect(page.locator(".offline-notice")).to_contain_text("刘备")
    register_visitor(page, "关羽")
    expect(page.locator(".offline-notice")).to_contain_text("关羽")
    context.set_offline(False)
    wait_until_synced(page, timeout=20000)
    db.session.commit()
    assert sorted(db.session.scalars(sa.select(Visitor.name))) == ["关羽", "刘备"]
    page.goto("/visitors/")
    page.get_by_role("row", name=re.compile("刘备")).get_by_role("button", name="离开").click()
    expect(page.locator(".flash-success")).to_contain_text("刘备 已离开")

    # Parcels: one picked up against a signature, one left waiting.
    log_parcel(page, "ZT2026112301", "3-1502", "A-1")
    log_parcel(page, "ZT2026112302", "5-0801", "B-2")
    page.goto("/parcels/")
    page.get_by_role("row", name=re.compile("ZT2026112301")).get_by_role("link", name="发放").click()
    page.get_by_role("textbox", name="领取人").fill("张三")
    sign(page, page.get_by_role("img", name="领取人签名"))
    page.get_by_role("button", name="确认发放").click()
    expect(page.locator(".flash-success")).to_contain_text("已发放")

    # A release pass, issued and used once at the gate.
    page.goto("/journal/passes/new")
    page.get_by_label("房号").fill("3-1502")
    page.get_by_label("放行物品").fill("旧沙发 1 张")
    page.get_by_role("textbox", name="搬运人", exact=True).fill("刘师傅")
    page.get_by_text("业主本人在场", exact=True).click()
    page.get_by_label("授权业主").fill("张三")
    page.get_by_role("button", name="开具").click()
    expect(page.locator(".flash-success")).to_contain_text("已开具放行条")
    page.get_by_role("button", name="核验无误，放行").click()
    expect(page.locator(".flash-success")).to_contain_text("已放行")
    page.goto("/journal/passes")
    db.session.commit()
    number = db.session.scalar(sa.select(ReleasePass.number))
    page.get_by_placeholder(re.compile("门岗")).fill(number)
    page.get_by_role("button", name="核验放行").click()
    expect(page.locator(".flash-error")).to_contain_text("不能重复放行")

    # Hand over: the open items are compiled; the night shift confirms with their own password.
    page.goto(shift_url)
    page.get_by_label("交班说明").fill("5-0801 的包裹业主晚上来取")
    page.get_by_role("button", name="交班", exact=True).click()
    handover = page.locator("#handover")
    expect(handover).to_contain_text("未离开访客")
    expect(handover).to_contain_text("关羽")
    expect(handover).to_contain_text("待领包裹")
    page.get_by_label("接班人用户名").fill("desk")
    page.get_by_label("接班人密码").fill("correct-horse-9")
    page.get_by_role("button", name="确认接班").click()
    expect(page.locator(".flash-error")).to_contain_text("接班人不能是交班人本人")
    page.get_by_label("接班人用户名").fill("night")
    page.get_by_label("接班人密码").fill("correct-horse-9")
    page.get_by_role("button", name="确认接班").click()
    expect(page.locator(".flash-success")).to_contain_text("赵夜班 已接班")
    db.session.commit()
    shift = db.session.scalar(sa.select(Shift).order_by(Shift.id))
    assert shift.status is ShiftStatus.CLOSED and shift.incoming.username == "night"
    log_out(page)

    log_in("boss")
    response = page.request.get(f"/journal/shifts/{shift.id}/handover.pdf")
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    for expected in ("交接班记录表", "王前台", "赵夜班", "未离开访客", "关羽", "待领包裹", "HY-5-0801",
                     "5-0801 的包裹业主晚上来取", "接班检查"):
        assert expected in text, expected
    assert "刘备" not in text.split("移交事项")[1]  # signed out: not handed over
    assert db.session.scalar(sa.select(sa.func.count(Parcel.id))) == 2


def test_the_shift_page_opens_without_network_and_its_event_syncs_later(page: Page, context, log_in, make, prop):
    """The page was open online once; the Wi-Fi drops; the clerk reloads it and records an event."""
    make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    log_in("desk")
    page.goto("/journal/")
    page.get_by_text("大堂前台", exact=True).click()
    page.get_by_role("button", name="开班").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("大堂前台")
    shift_url = page.url
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)
    page.reload()  # now through the worker, which keeps the page: it renders an offline form

    context.set_offline(True)
    page.goto(shift_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("大堂前台")
    page.get_by_label("内容").fill("停电：2 号楼电梯停运，已通知工程部")
    page.get_by_role("button", name="记录", exact=True).click()
    expect(page.locator(".offline-notice")).to_contain_text("停电")
    context.set_offline(False)
    wait_until_synced(page, timeout=20000)
    db.session.commit()
    assert db.session.scalars(sa.select(JournalEvent.text)).all() == ["停电：2 号楼电梯停运，已通知工程部"]
