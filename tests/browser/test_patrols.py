"""A patrol round on the tablet, offline once started, in a real Chromium (issue 7, done when)."""
import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from models import Role, db
from models.patrols import Outcome, PatrolFinding, PatrolResult, PatrolRound, Presence, RoundStatus
from models.tickets import Ticket, TicketStatus
from tests.browser import wait_until_synced

from ..patrols.helpers import make_round, make_route, photo
from ..pdf import pdf_text

pytestmark = pytest.mark.browser


def open_round_with_worker(page: Page, round_id: int) -> None:
    """Open the round and wait until the service worker controls the page and has kept it."""
    page.goto(f"/patrols/rounds/{round_id}")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)
    page.wait_for_function(
        "caches.open('pages-v1').then(c => c.match(location.href.split('#')[0])).then(r => !!r)", timeout=15000
    )


def test_a_round_walked_offline_arrives_once_with_device_times_and_a_linked_ticket(page: Page, context, log_in, make, prop):
    make.user("floor1", {prop: [Role.CONCIERGE]}, display_name="李客服")
    make.user("boss", {prop: [Role.SUPERVISOR]}, display_name="陈主管")
    route = make_route(prop, times=())  # one round, made here; no schedule adds today's
    round_ = make_round(prop, route)
    lobby, lifts, garden = route.checkpoints

    log_in("floor1")
    open_round_with_worker(page, round_.id)
    expect(page.locator("[data-scan-into]").first).to_be_hidden()  # no BarcodeDetector here: codes are typed
    page.get_by_role("button", name="开始巡查").click()
    expect(page.locator("#start")).to_contain_text("李客服 于")  # started online; the page came back
    open_round_with_worker(page, round_.id)

    context.set_offline(True)
    card = page.locator(f"#cp-{lobby.id}")
    card.get_by_label("检查点编码").fill(lobby.code)
    card.get_by_role("button", name="正常", exact=True).click()
    expect(card).to_contain_text("已记录（待同步）：正常")

    card = page.locator(f"#cp-{lifts.id}")
    card.get_by_label("检查点编码").fill(f"HY-{lifts.code}")
    card.get_by_text("异常…").click()
    card.get_by_label("异常情况").fill("电梯厅吊顶灯不亮")
    card.locator("input[type=file]").set_input_files({"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": photo()})
    expect(card.get_by_label("工程部")).to_be_checked()
    card.get_by_role("button", name="提交异常并派工").click()
    expect(card).to_contain_text("已记录（待同步）：提交异常并派工 · 电梯厅吊顶灯不亮")

    card = page.locator(f"#cp-{garden.id}")
    card.get_by_label("检查点编码").fill(garden.code.lower())
    card.get_by_role("button", name="正常", exact=True).click()
    expect(card).to_contain_text("已记录（待同步）")

    page.locator("#finish").get_by_role("button", name="完成巡查").click()
    expect(page.locator("#finish")).to_contain_text("已记录（待同步）")
    expect(page.locator("#outbox-badge")).to_contain_text("4")
    page.reload()  # offline: the kept page opens, and what is waiting still shows as recorded
    expect(page.locator(f"#cp-{lifts.id}")).to_contain_text("已记录（待同步）")
    expect(page.locator(f"#cp-{lifts.id}").get_by_role("button", name="正常", exact=True)).to_be_hidden()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(PatrolResult.id))) == 0
    back_online = datetime.now(timezone.utc)

    context.set_offline(False)  # the online event sends the outbox, oldest first
    wait_until_synced(page, timeout=20000)
    expect(page.locator(f"#cp-{lifts.id}")).to_contain_text("已同步到系统")

    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(PatrolRound.id))) == 1
    db.session.refresh(round_)
    assert round_.status is RoundStatus.DONE and round_.finished_at < back_online
    results = {r.checkpoint_id: r for r in db.session.scalars(sa.select(PatrolResult))}
    times = [results[c.id].done_at for c in (lobby, lifts, garden)]
    assert times == sorted(times) and times[-1] < back_online  # as done on the device, not as synced
    assert all(r.created_at >= back_online for r in results.values())
    assert [results[c.id].outcome for c in (lobby, lifts, garden)] == [Outcome.OK, Outcome.ABNORMAL, Outcome.OK]
    # Typed from the label, except the lifts' code, which came with the property's prefix as a scanner sends it.
    assert [results[c.id].presence for c in (lobby, lifts, garden)] == [Presence.TYPED, Presence.SCANNED, Presence.TYPED]
    ticket = db.session.scalar(sa.select(Ticket))
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1
    finding = db.session.scalar(sa.select(PatrolFinding))
    assert finding.result_id == results[lifts.id].id and ticket.patrol_finding.id == finding.id
    assert ticket.status is TicketStatus.DISPATCHED and ticket.department.name == "工程部"
    assert ticket.received_at == results[lifts.id].done_at

    page.reload()
    expect(page.locator(f"#cp-{lifts.id}")).to_contain_text(ticket.number)
    response = page.request.get(f"/patrols/rounds/{round_.id}/record.pdf")
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    for expected in ("巡查记录表", round_.number, "李客服", "电梯厅吊顶灯不亮", ticket.number, "工程部"):
        assert expected in text, expected

    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login"))
    log_in("boss")
    response = page.request.get(f"/patrols/routes/{route.id}/labels.pdf")
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    for expected in ("巡查点二维码标签", "1层 大堂", f"HY-{lobby.code}", "1层 中心花园", f"HY-{garden.code}"):
        assert expected in text, expected


def test_a_wrong_code_is_shown_beside_the_code_field_and_nothing_is_recorded(page: Page, log_in, make, prop):
    make.user("floor1", {prop: [Role.CONCIERGE]})
    route = make_route(prop)
    make_route(prop, name="地下车库巡查", codes=("G1",))
    round_ = make_round(prop, route)
    lobby = route.checkpoints[0]
    log_in("floor1")
    page.goto(f"/patrols/rounds/{round_.id}")
    card = page.locator(f"#cp-{lobby.id}")
    card.get_by_label("检查点编码").fill("G1")
    card.get_by_role("button", name="正常", exact=True).click()
    expect(card.locator(".field.has-error")).to_contain_text("不在本次巡查的路线「公共区域日常巡查」上")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(PatrolResult.id))) == 0
    card.get_by_label("检查点编码").fill(lobby.code)
    card.get_by_role("button", name="正常", exact=True).click()
    expect(page.locator(f"#cp-{lobby.id} .result-line")).to_contain_text("正常")
    assert re.search(rf"#cp-{route.checkpoints[1].id}$", page.url)


def test_a_wrong_code_sent_offline_comes_back_to_its_checkpoint_to_be_corrected(page: Page, context, log_in, make, prop):
    make.user("floor1", {prop: [Role.CONCIERGE]})
    route = make_route(prop, times=())
    make_route(prop, name="地下车库巡查", codes=("G1",), times=())
    round_ = make_round(prop, route)
    lobby, lifts = route.checkpoints[:2]
    log_in("floor1")
    open_round_with_worker(page, round_.id)
    context.set_offline(True)
    card = page.locator(f"#cp-{lifts.id}")
    card.get_by_label("检查点编码").fill("G1")
    card.get_by_role("button", name="正常", exact=True).click()
    expect(card).to_contain_text("已记录（待同步）")
    context.set_offline(False)
    expect(card).to_contain_text("需修改：正常。请在「待同步」列表中查看并修改。", timeout=20000)

    page.goto("/outbox")
    row = page.locator("#outbox-items tr.outbox-item")
    expect(row).to_contain_text("不在本次巡查的路线「公共区域日常巡查」上")
    row.get_by_role("link", name="修改").click()
    card = page.locator(f"#cp-{lifts.id}")  # the item opens in its own checkpoint's form, not the first one
    expect(card.locator(".field.has-error")).to_contain_text("是路线「地下车库巡查」的检查点")
    expect(page.locator(f"#cp-{lobby.id}").get_by_label("检查点编码")).to_have_value("")
    card.get_by_label("检查点编码").fill(lifts.code)
    card.get_by_role("button", name="正常", exact=True).click()
    expect(page.locator(f"#cp-{lifts.id} .result-line")).to_contain_text("正常")
    db.session.commit()
    assert [(r.checkpoint_id, r.outcome) for r in db.session.scalars(sa.select(PatrolResult))] == [(lifts.id, Outcome.OK)]
    assert page.evaluate("FrontdeskOutbox.list().then(items => items.length)") == 0
