"""A repair from the lobby's phone call to the return visit, in a real Chromium."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from models import DepartmentKind, Role, db
from models.tickets import Ticket, TicketStatus

pytestmark = pytest.mark.browser


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login"))


def test_a_repair_goes_from_the_lobby_to_the_engineer_and_back_to_the_customer(page: Page, log_in, make, prop):
    unit = make.unit(prop, "3", "1502")
    make.resident(unit, "张三", phone="13812345678")
    engineering = next(d for d in prop.departments if d.kind is DepartmentKind.ENGINEERING)
    make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    make.user("boss", {prop: [Role.SUPERVISOR]}, display_name="陈主管")
    make.user("eng", {prop: [Role.DEPARTMENT]}, department=engineering, display_name="赵工")

    # The lobby takes the call: category, unit, the caller picked with one tap, what is wrong, submit.
    log_in("desk")
    page.goto("/tickets/new")
    page.get_by_text("报修", exact=True).click()
    page.get_by_label("房号").fill("3-1502")
    page.get_by_role("button", name=re.compile("张三")).click()
    page.get_by_label("内容").fill("卫生间天花板漏水")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tickets/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("已登记")
    db.session.commit()
    ticket = db.session.scalar(sa.select(Ticket))
    assert (ticket.caller_name, ticket.caller_phone) == ("张三", "13812345678")
    ticket.visit_required = True  # drawn for a return visit
    db.session.commit()
    ticket_url = f"/tickets/{ticket.id}"
    log_out(page)

    log_in("boss")
    page.goto(ticket_url)
    step = page.locator("#step-dispatch")
    step.get_by_label("派给部门").select_option(label="工程部")
    step.get_by_role("button", name="派工").click()
    expect(page.locator(".flash")).to_contain_text("已派工")
    log_out(page)

    log_in("eng")
    page.goto("/tickets/?queue=1")
    page.get_by_role("link", name=ticket.number).click()
    page.locator("#step-accept").get_by_role("button", name="接单").click()
    complete = page.locator("#step-complete")
    complete.get_by_label("说明").fill("更换防水层，已修复")
    complete.get_by_role("button", name="标记完成").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已完成待反馈")
    log_out(page)

    log_in("desk")
    page.goto("/tickets/?mine=1")
    page.get_by_role("link", name=ticket.number).click()
    feedback = page.locator("#step-feed_back")
    feedback.get_by_label("说明").fill("已电话告知张三维修完成")
    feedback.get_by_role("button", name="已反馈客户").click()
    visit = page.locator("#step-visit")
    visit.get_by_text("满意", exact=True).click()
    visit.get_by_role("button", name="保存回访").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已关闭")
    expect(page.locator("#timeline")).to_contain_text("回访")

    db.session.commit()
    db.session.refresh(ticket)
    assert ticket.status is TicketStatus.CLOSED
    assert [e.kind.value for e in ticket.events] == [
        "registered", "dispatched", "accepted", "done", "fed_back", "visited", "closed",
    ]


def test_the_ticket_list_reads_on_a_portrait_tablet(page: Page, log_in, make, prop):
    make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    log_in("desk")
    page.goto("/tickets/new")
    page.get_by_text("咨询", exact=True).click()
    page.get_by_label("公共区域").fill("1号楼大堂")
    page.get_by_label("内容").fill("请问本周六上午物业服务中心是否正常办公，可以办理车位续费吗")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tickets/\d+$"))
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto("/tickets/")
    content = page.locator("table.stacked td.wide").first
    expect(content).to_contain_text("请问本周六上午")
    assert content.bounding_box()["width"] > 600  # a line of its own, not 3–4 characters a line


def test_a_second_call_about_the_same_repair_is_added_to_the_first(page: Page, log_in, make, prop):
    make.unit(prop, "3", "1502")
    make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    log_in("desk")

    def call(description: str, caller: str) -> None:
        page.goto("/tickets/new")
        page.get_by_text("报修", exact=True).click()
        page.get_by_label("房号").fill("3-1502")
        page.get_by_label("联系人").fill(caller)
        page.get_by_label("联系电话").fill("13812345678")
        page.get_by_label("内容").fill(description)
        page.get_by_role("button", name="登记", exact=True).click()

    call("厨房水龙头漏水", "张三")
    expect(page).to_have_url(re.compile(r"/tickets/\d+$"))
    db.session.commit()
    first = db.session.scalar(sa.select(Ticket))

    call("厨房水龙头漏水很严重", "张太太")
    warning = page.locator("#duplicates")
    expect(warning).to_contain_text(first.number)
    expect(page.get_by_label("内容")).to_have_value("厨房水龙头漏水很严重")  # nothing typed is lost
    add = warning.get_by_role("button", name=f"是同一件事：记到 {first.number}")
    expect(add).to_be_focused()
    add.click()
    expect(page).to_have_url(re.compile(rf"/tickets/{first.id}$"))
    expect(page.locator("#timeline")).to_contain_text("再次来电")
    expect(page.locator("#timeline")).to_contain_text("张太太")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1
