"""Key custody in a real Chromium at tablet size, the issue's "done when": a plant-room key needs approval,
the supervisor approves on a tablet, the engineer takes it against a drawn signature and brings it back;
an entrusted unit key is refused to a person not on the owner's authorisation; an overdue key shows on
the dashboard and the handover; a stock-take finds a key missing; the key list and the loan register
print in Chinese. Verified on the server: the test reads the rows."""
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from models import IdType, Role, db
from models.keys import BorrowerKind, Key, KeyAuthorisation, KeyClass, KeyCount, KeyLoan, RequestStatus, KeyRequest

from ..pdf import assert_cjk_font_embedded_as_subset, pdf_text
from .test_parcels import sign

pytestmark = pytest.mark.browser


@pytest.fixture
def cabinet(make, prop):
    unit = make.unit(prop, "3", "1502")
    desk = make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    make.user("boss", {prop: [Role.SUPERVISOR]}, display_name="陈主管")
    now = datetime.now(timezone.utc)
    keys = {
        "P-01": Key(property_id=prop.id, tag="P-01", key_class=KeyClass.PLANT, opens="B2 水泵房", cabinet="A", hook="01"),
        "G-01": Key(property_id=prop.id, tag="G-01", key_class=KeyClass.PUBLIC, opens="3 号楼天台门", cabinet="A", hook="02"),
        "G-02": Key(property_id=prop.id, tag="G-02", key_class=KeyClass.PUBLIC, opens="垃圾房", cabinet="A", hook="03"),
        "Y-01": Key(property_id=prop.id, tag="Y-01", key_class=KeyClass.ENTRUSTED, opens="3-1502 入户门", unit=unit,
                    cabinet="B", hook="01"),
    }
    db.session.add_all(keys.values())
    db.session.add(KeyAuthorisation(property_id=prop.id, key=keys["Y-01"], owner_name="张三", persons="李阿姨",
                                    purpose="保洁入户", valid_until=(now + timedelta(days=30)).date(), recorded_by=desk,
                                    recorded_at=now))
    db.session.add(KeyLoan(property_id=prop.id, number="HY-YJ-TEST-0001", key=keys["G-01"], issued_by=desk,
                           issued_at=now - timedelta(hours=3), borrower_kind=BorrowerKind.CONTRACTOR, borrower_name="周师傅",
                           company="安达维保", id_type=IdType.RESIDENT_ID, purpose="闭门器维修",
                           expected_return_at=now - timedelta(hours=1)))
    db.session.commit()
    return keys


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login"))


def fill_borrower(page: Page, tag: str, name: str, kind: str = "本公司员工") -> None:
    page.get_by_label("钥匙牌号").fill(tag)
    page.get_by_text(kind, exact=True).click()
    page.get_by_label("姓名").fill(name)
    page.get_by_label("用途").fill("水泵例行保养")


def test_keys_from_approval_to_stock_take(page: Page, log_in, cabinet, tmp_path, console_errors):
    page.set_viewport_size({"width": 1024, "height": 768})
    log_in("desk")
    page.goto("/keys/issue")
    fill_borrower(page, "P-01", "赵工")
    page.get_by_label("单位/部门").fill("工程部")
    page.get_by_role("button", name="借出 / 提交申请").click()
    expect(page).to_have_url(re.compile(r"/keys/requests/\d+$"))
    expect(page.locator(".flash-success")).to_contain_text("须经主管审批")
    db.session.commit()
    [req] = db.session.scalars(sa.select(KeyRequest)).all()
    assert req.status is RequestStatus.PENDING
    log_out(page)

    log_in("boss")  # on the tablet
    page.get_by_role("link", name=re.compile("借用钥匙 P-01")).first.click()
    page.get_by_text("批准", exact=True).click()
    page.get_by_role("button", name="提交审批意见").click()
    expect(page.locator(".flash-success")).to_contain_text("已批准")
    log_out(page)

    log_in("desk")
    page.goto(f"/keys/requests/{req.id}")
    expect(page.locator("h1")).to_contain_text("已批准")
    page.get_by_role("link", name="领用签名").click()
    expect(page.get_by_label("姓名")).to_have_value("赵工")
    sign(page, page.get_by_role("img", name="领用人签名"))
    page.get_by_role("button", name="借出 / 提交申请").click()
    expect(page.locator(".flash-success")).to_contain_text("已借出 P-01 B2 水泵房 给 工程部 赵工")
    page.goto("/keys/return")
    page.get_by_label("钥匙牌号").fill("HY-K-P-01")  # what the scanner reads off the tag
    sign(page, page.get_by_role("img", name="归还人签名"))
    page.get_by_role("button", name="确认归还").click()
    expect(page.locator(".flash-success")).to_contain_text("已归还 P-01")
    db.session.commit()
    loan = db.session.scalar(sa.select(KeyLoan).where(KeyLoan.request_id == req.id))
    assert loan.returned_at is not None and loan.signature is not None and loan.return_signature is not None

    # An entrusted key, asked for by someone the owner did not name: refused, nothing typed lost.
    page.goto("/keys/issue")
    fill_borrower(page, "Y-01", "王五", kind="业主授权人")
    sign(page, page.get_by_role("img", name="领用人签名"))
    page.get_by_role("button", name="借出 / 提交申请").click()
    expect(page.locator("#field-tag .error")).to_contain_text("王五 不在业主授权的领用人中")
    expect(page.get_by_label("姓名")).to_have_value("王五")

    # The overdue key: red on the dashboard, and on the handover of the shift.
    page.goto("/dashboard")
    panel = page.locator("section.panel", has_text="超时未还的钥匙")
    expect(panel).to_contain_text("G-01 3 号楼天台门")
    expect(panel.locator(".tag.danger").first).to_be_visible()
    page.goto("/journal/")
    page.get_by_role("button", name="开班").click()
    expect(page.get_by_text("超时未还的钥匙")).to_be_visible()
    expect(page.get_by_text(re.compile("G-01 3 号楼天台门：安达维保 周师傅"))).to_be_visible()
    log_out(page)

    # A stock-take: P-01 and Y-01 ticked on their hooks, G-02 not found.
    log_in("boss")
    page.goto("/keys/counts")
    page.get_by_role("button", name="开始盘点").click()
    for tag in ("P-01", "Y-01"):
        page.get_by_role("row", name=re.compile(tag)).get_by_role("button", name="在位 ✓").click()
        expect(page.locator(".flash-success")).to_contain_text(f"已盘点 {tag}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结束盘点").click()
    expect(page.locator(".flash-success")).to_contain_text("缺失 1")
    db.session.commit()
    count = db.session.scalar(sa.select(KeyCount))
    assert {r["tag"]: r["finding"] for r in count.result} == {"P-01": "ok", "Y-01": "ok", "G-02": "missing", "G-01": "out"}

    day = datetime.now(timezone(timedelta(hours=8))).date()
    for url, expected in [
        ("/keys/list.pdf?class=plant", ["钥匙治理清单", "设备机房", "B2 水泵房"]),
        (f"/keys/register.pdf?date={day.isoformat()}", ["钥匙借用登记表", "赵工", "B2 水泵房"]),
        (f"/keys/counts/{count.id}/result.pdf", ["钥匙盘点表", "缺失", "垃圾房"]),
    ]:
        response = page.request.get(url)
        assert response.headers["content-type"] == "application/pdf", url
        assert_cjk_font_embedded_as_subset(response.body(), tmp_path)
        text = pdf_text(response.body())
        for words in expected:
            assert words in text, (url, words)
    assert [e for e in console_errors if "status of 422" not in e] == []
