"""Lost-and-found and lending at the lobby desk in a real Chromium (issue 11, "Done when"): a found phone
registered offline with a photo syncs; the supervisor approves its release on a tablet; the owner claims it
with ID and signature and the receipt prints in Chinese; an umbrella is lent and returned damaged with the
deposit kept; an item held for an owner is collected; the handover lists what is out."""
import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import Page, expect

from models import Attachment, Role, db
from models.lending import Condition, DepositOutcome, LendableItem, LendableKind, Loan, Tracking
from models.lostfound import FoundItem, FoundStatus, HeldItem, HeldStatus
from tests.browser import wait_until_synced

from ..pdf import pdf_text
from .test_parcels import sign

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(make, prop):
    make.unit(prop, "3", "1502")
    make.user("lobby1", {prop: [Role.LOBBY]}, display_name="王前台")
    make.user("lobby2", {prop: [Role.LOBBY]}, display_name="李同事")
    make.user("boss", {prop: [Role.SUPERVISOR]}, display_name="陈主管")
    db.session.add(LendableItem(property_id=prop.id, name="雨伞", kind=LendableKind.UMBRELLA,
                                tracking=Tracking.COUNTED, stock=5))
    db.session.commit()


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (20, 20, 30)).save(out, "JPEG")
    return out.getvalue()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login"))


def fresh(model):
    db.session.commit()  # end the test's read transaction: see what the server wrote since
    return db.session.scalars(sa.select(model).order_by(model.id)).all()


def test_found_phone_offline_approved_claimed_umbrella_lent_held_item_collected(page: Page, context, log_in, desk):
    log_in("lobby1")
    page.goto("/lost-found/new")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)
    page.wait_for_function("caches.open('pages-v1').then(c => c.match(location.href)).then(r => !!r)", timeout=15000)
    context.set_offline(True)
    page.get_by_text("手机/电子产品", exact=True).click()
    page.get_by_label("物品描述").fill("黑色华为手机，蓝色手机壳")
    page.get_by_label("拾获地点").fill("3 栋大堂沙发")
    page.get_by_label("贵重物品", exact=False).check()
    page.get_by_text("保险柜", exact=True).click()
    page.get_by_label("存放位置").fill("保险柜1层")
    page.get_by_label("见证人").select_option(label="李同事")
    page.locator("input[type=file]").set_input_files({"name": "phone.jpg", "mimeType": "image/jpeg", "buffer": photo()})
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".offline-notice")).to_contain_text("黑色华为手机")
    assert fresh(FoundItem) == []
    context.set_offline(False)
    wait_until_synced(page, timeout=20000)
    [item] = fresh(FoundItem)
    assert item.valuable and item.witness.display_name == "李同事" and item.storage_place == "保险柜1层"
    assert db.session.scalar(sa.select(Attachment).where(Attachment.owner_table == "found_items")) is not None

    page.goto(f"/lost-found/{item.id}")
    page.get_by_label("申请说明").fill("失主来电，描述相符")
    page.get_by_role("button", name="申请发还").click()
    expect(page.locator(".flash-success")).to_contain_text("已提交主管审批")
    log_out(page)

    page.set_viewport_size({"width": 768, "height": 1024})  # the supervisor's tablet
    log_in("boss")
    page.get_by_role("link", name=re.compile("贵重失物发还")).first.click()
    page.get_by_text("批准", exact=True).click()
    page.get_by_role("button", name="提交审批意见").click()
    expect(page.locator(".flash-success")).to_contain_text("已批准")
    log_out(page)
    page.set_viewport_size({"width": 1024, "height": 768})

    log_in("lobby1")
    page.goto(f"/lost-found/{item.id}")
    page.get_by_role("textbox", name="领取人", exact=True).fill("张三")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("领取人对物品的描述").fill("黑色华为手机，蓝色壳，锁屏是小狗")
    page.get_by_role("textbox", name="证件号码").fill("11010519491231002X")
    sign(page, page.get_by_role("img", name="领取人签名"))
    page.get_by_role("button", name="确认发还").click()
    expect(page.locator(".flash-success")).to_contain_text("已发还给 张三")
    [item] = fresh(FoundItem)
    assert item.status is FoundStatus.CLAIMED and item.release_approved_by.display_name == "陈主管"
    assert item.claimant_id_masked == "1101**********002X"
    receipt = page.request.get(f"/lost-found/{item.id}/receipt.pdf")
    assert receipt.headers["content-type"] == "application/pdf"
    text = pdf_text(receipt.body())
    for expected in ("物品发还清单", item.number, "黑色华为手机", "张三", "1101**********002X", "陈主管", "王前台"):
        assert expected in text, expected

    # An umbrella to a known unit in four inputs: unit, item, due preset, signature.
    page.goto("/lending/lend")
    page.get_by_role("textbox", name="房号").fill("3-1502")
    page.get_by_text(re.compile("^雨伞（在库")).click()
    page.get_by_text("2 小时后", exact=True).click()
    sign(page, page.get_by_role("img", name="借用人签名"))
    page.get_by_role("button", name="确认借出").click()
    expect(page.locator(".flash-success")).to_contain_text("已借出 雨伞 给 HY-3-1502")

    # A second one with a deposit, which comes back damaged: the deposit is kept.
    page.goto("/lending/lend")
    page.get_by_role("textbox", name="房号").fill("3-1502")
    page.get_by_text(re.compile("^雨伞（在库")).click()
    page.get_by_text("借用人、押金、指定时间、编号").click()
    page.get_by_label("押金（元）").fill("20")
    page.get_by_label("押金收据号").fill("SJ0001")
    sign(page, page.get_by_role("img", name="借用人签名"))
    page.get_by_role("button", name="确认借出").click()
    expect(page.locator(".flash-success")).to_contain_text("已借出")
    first, second = fresh(Loan)
    page.goto(f"/lending/loans/{second.id}")
    page.get_by_text("损坏", exact=True).click()
    page.get_by_label("说明").fill("伞骨折断两根")
    page.get_by_text("扣留", exact=True).click()
    page.get_by_label("扣留原因").fill("伞骨损坏，按价赔偿")
    page.get_by_role("button", name="确认归还").click()
    expect(page.locator(".flash-success")).to_contain_text("已归还（损坏）")
    first, second = fresh(Loan)
    assert second.condition is Condition.DAMAGED and second.deposit_outcome is DepositOutcome.KEPT
    assert first.returned_at is None

    # An item held for an owner, collected by a proxy who shows ID.
    page.goto("/lost-found/held/new")
    page.get_by_label("保管物品").fill("文件袋一个")
    page.get_by_label("交给谁").fill("周建国")
    page.get_by_role("textbox", name="房号").fill("3-1502")
    page.get_by_label("存放位置").fill("前台抽屉1")
    page.locator("input[type=file]").set_input_files({"name": "bag.jpg", "mimeType": "image/jpeg", "buffer": photo()})
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("已登记代为保管")
    [held] = fresh(HeldItem)

    # The handover lists what is out: the umbrella still lent and the held item; the journal leads to its form.
    page.goto("/journal/")
    page.get_by_role("button", name=re.compile("开班")).first.click()
    expect(page.locator("#handover")).to_contain_text("借出未还")
    expect(page.locator("#handover")).to_contain_text("雨伞 借给 HY-3-1502")
    expect(page.locator("#handover")).to_contain_text("文件袋一个")
    expect(page.get_by_role("link", name="代为保管登记")).to_be_visible()

    page.goto(f"/lost-found/held/{held.id}")
    page.get_by_role("textbox", name="领取人").fill("周太太")
    page.get_by_label("证件号后四位").fill("123X")
    sign(page, page.get_by_role("img", name="领取人签名"))
    page.get_by_role("button", name="确认交还").click()
    expect(page.locator(".flash-success")).to_contain_text("已由 周太太 领取")
    [held] = fresh(HeldItem)
    assert held.status is HeldStatus.COLLECTED and not held.collector_is_named
