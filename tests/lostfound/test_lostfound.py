"""Found items: registration (offline, photos, valuables witnessed and counted), the list and its export,
claims against ID and signature, valuables released after a supervisor's approval, lost reports and their
matches, retention and disposal, the printed forms and the permissions. The tests read the rows."""
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import Attachment, Role, db
from models.approvals import Approval
from models.lostfound import Category, Disposal, FoundItem, FoundStatus, LostReport, LostStatus, Retention, Storage

from ..pdf import assert_cjk_font_embedded_as_subset, pdf_text
from ..xlsx import xlsx_rows
from .helpers import at_once, photo, signature_url

FOUND = {"category": "wallet", "description": "灰色双肩包", "colour": "灰色", "brand": "", "found_place": "3 栋大堂",
         "finder_kind": "staff", "finder_name": "", "finder_phone": "", "storage": "shelf", "storage_place": "a-2",
         "witness": "0"}
PHONE = {**FOUND, "category": "phone", "description": "黑色华为手机", "storage": "safe", "storage_place": "保险柜1",
         "valuable": "y"}
CLAIM = {"claimant_name": "张三", "claimant_phone": "13812345678", "claimant_description": "灰色双肩包，里面有数学书",
         "id_type": "resident_id", "id_number": "11010519491231002X"}


@pytest.fixture
def desk(client, make, prop):
    make.unit(prop, "3", "1502")
    user = make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    make.user("colleague", {prop: [Role.LOBBY]}, display_name="李同事")
    make.user("boss", {prop: [Role.SUPERVISOR]}, display_name="陈主管")
    client.login("desk")
    return user


def items() -> list[FoundItem]:
    db.session.commit()
    return list(db.session.scalars(sa.select(FoundItem).order_by(FoundItem.id)))


def user_id(username):
    from models import User
    return db.session.scalar(sa.select(User.id).where(User.username == username))


def register(client, **fields) -> FoundItem:
    response = client.post_form("/lost-found/new", {**FOUND, **fields}, follow_redirects=True)
    assert "已登记失物" in response.get_data(as_text=True), response.get_data(as_text=True)
    return items()[-1]


def test_registration_numbers_the_item_keeps_its_photo_and_sets_its_retention(client, desk):
    response = client.post_form("/lost-found/new", {**FOUND, "photos": photo()}, content_type="multipart/form-data")
    assert response.status_code == 302
    [item] = items()
    assert item.number.startswith("HY-SW-") and item.status is FoundStatus.IN_STORE
    assert (item.storage, item.storage_place, item.finder_name, item.valuable) == (Storage.SHELF, "A-2", "王前台", False)
    assert (item.retain_until - item.found_at.date()).days in (89, 90, 91)
    [picture] = db.session.scalars(sa.select(Attachment)).all()
    assert (picture.owner_table, picture.owner_id) == ("found_items", item.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert item.number in page and f"/files/{picture.id}" in page
    assert client.get(f"/files/{picture.id}").mimetype == "image/jpeg"


@pytest.mark.parametrize(("fields", "message"), [
    ({"description": ""}, "请填写此项"),
    ({"category": ""}, "请选择"),
    ({"finder_kind": "person", "finder_name": ""}, "请填写拾获人姓名"),
    ({"finder_phone": "12345"}, "请输入正确的电话号码"),
    ({"photos": (io.BytesIO(b"not an image"), "x.jpg")}, "不是图片"),
])
def test_registration_refuses_what_is_wrong_and_keeps_what_was_typed(client, desk, fields, message):
    response = client.post_form("/lost-found/new", {**FOUND, **fields}, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "3 栋大堂" in page
    assert items() == []


def test_a_valuable_needs_the_safe_and_a_witness_and_its_cash_is_counted_by_denomination(client, desk):
    no_witness = client.post_form("/lost-found/new", {**PHONE, "storage": "shelf"})
    page = no_witness.get_data(as_text=True)
    assert no_witness.status_code == 422 and "请选择见证人" in page and "须存放在保险柜" in page
    item = register(client, **{**PHONE, "category": "cash", "description": "现金", "witness": str(user_id("colleague")),
                               "cash_100": "3", "cash_50": "1", "cash_0_5": "2"})
    assert item.valuable and item.witness.display_name == "李同事"
    assert item.cash == {"100": 3, "50": 1, "0.5": 2} and item.cash_total == Decimal("351.00")
    page = client.get(f"/lost-found/{item.id}").get_data(as_text=True)
    assert "合计 351.00 元" in page and "李同事" in page


def test_an_offline_replay_registers_the_item_once_at_the_device_time(client, desk):
    from datetime import timedelta
    from models import clock
    logged_at = clock.now().replace(microsecond=0) - timedelta(hours=2)
    headers = {"X-Idempotency-Key": "f" * 32, "X-Offline-Submit": "1", "X-CSRFToken": client.csrf_token(),
               "X-Client-Time": logged_at.isoformat()}
    first = client.post("/lost-found/new", data=FOUND, headers=headers)
    again = client.post("/lost-found/new", data=FOUND, headers=headers)
    assert first.status_code == again.status_code == 201 and again.json["replayed"] is True
    [item] = items()
    assert item.found_at == logged_at == item.registered_at


def test_the_list_filters_and_exports(client, desk):
    register(client)
    register(client, **{**PHONE, "witness": str(user_id("colleague"))})
    page = client.get("/lost-found/?status=safe").get_data(as_text=True)
    assert "黑色华为手机" in page and "灰色双肩包" not in page
    assert "灰色双肩包" in client.get("/lost-found/?q=双肩").get_data(as_text=True)
    rows = xlsx_rows(client.get("/lost-found/export.xlsx"))
    assert rows[0][0] == "编号" and len(rows) == 3


def claim(client, item, follow_redirects=False, **fields):
    return client.post_form(f"/lost-found/{item.id}/claim", {**CLAIM, "signature": signature_url(), **fields},
                            follow_redirects=follow_redirects)


def test_an_item_is_claimed_with_id_and_signature_and_the_receipt_prints(client, desk, tmp_path):
    item = register(client)
    bad_id = claim(client, item, id_number="110105194912310021")
    assert bad_id.status_code == 422 and "校验码不符" in bad_id.get_data(as_text=True)
    assert claim(client, item).status_code == 302
    db.session.refresh(item)
    assert item.status is FoundStatus.CLAIMED and item.claimant_id_masked == "1101**********002X"
    assert item.signature.owner_table == "found_items" and item.released_by_id == desk.id
    again = client.post_form(f"/lost-found/{item.id}/claim", {**CLAIM, "claimant_name": "李四", "signature": signature_url()},
                             follow_redirects=True)
    assert "不能重复发还" in again.get_data(as_text=True)
    db.session.refresh(item)
    assert item.claimant_name == "张三"
    response = client.get(f"/lost-found/{item.id}/receipt.pdf")
    text = pdf_text(response.data)
    for expected in ("物品发还清单", "灰色双肩包", "张三", "1101**********002X", "王前台"):
        assert expected in text, expected
    assert_cjk_font_embedded_as_subset(response.data, tmp_path)


def test_a_valuable_is_released_only_after_a_supervisor_approved(client, desk):
    item = register(client, **{**PHONE, "witness": str(user_id("colleague"))})
    refused = claim(client, item, follow_redirects=True)
    assert "须经主管审批" in refused.get_data(as_text=True)
    assert client.post_form(f"/lost-found/{item.id}/ask-release", {"reason": "失主来电描述相符"}).status_code == 302
    approval = db.session.scalar(sa.select(Approval))
    assert approval.kind == "lostfound.release"
    client.post_form("/logout")
    client.login("boss")
    assert client.post_form(f"/approvals/{approval.id}/decide", {"decision": "approve", "note": "同意"}).status_code == 302
    client.post_form("/logout")
    client.login("desk")
    assert claim(client, item).status_code == 302
    db.session.refresh(item)
    assert item.status is FoundStatus.CLAIMED and item.release_approved_by.display_name == "陈主管"
    assert "陈主管" in pdf_text(client.get(f"/lost-found/{item.id}/receipt.pdf").data)


def test_two_desks_claiming_one_item_at_once_release_it_once(app, client, desk):
    item = register(client)
    signature, url = signature_url(), f"/lost-found/{item.id}/claim"

    def claim_it(other, token, i):
        return other.post(url, data={**CLAIM, "claimant_name": f"人{i}",
                                                                "signature": signature, "csrf_token": token})

    assert at_once(app, client, 4, claim_it) == [302] * 4  # each is sent back to the item's page, three refused
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 1
    db.session.refresh(item)
    assert item.status is FoundStatus.CLAIMED


def test_lost_reports_and_found_items_show_each_other_as_matches(client, desk):
    item = register(client)
    response = client.post_form("/lost-found/lost/new", {
        "category": "wallet", "description": "灰色书包", "lost_place": "3 栋", "lost_on": item.found_at.date().isoformat(),
        "owner_name": "周女士", "owner_phone": "13900001111", "unit": "3-1502"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "已登记挂失" in page and item.number in page
    report = db.session.scalar(sa.select(LostReport))
    assert report.unit.archive_no == "HY-3-1502"
    assert report.number in client.get(f"/lost-found/{item.id}").get_data(as_text=True)
    client.post_form(f"/lost-found/lost/{report.id}/link/{item.id}")
    assert claim(client, item).status_code == 302
    db.session.refresh(report)
    assert report.status is LostStatus.RETURNED and report.found_item_id == item.id
    future = client.post_form("/lost-found/lost/new", {
        "category": "keys", "description": "钥匙", "lost_on": "2099-01-01", "owner_name": "周女士", "owner_phone": "13900001111"})
    assert future.status_code == 422 and "不能晚于今天" in future.get_data(as_text=True)


def test_items_past_retention_are_listed_and_disposed_of_before_a_witness(client, desk, make, prop, login_as):
    db.session.add(Retention(property_id=prop.id, category=Category.WALLET, days=1))
    db.session.commit()
    item = register(client)
    item.retain_until = item.retain_until.replace(year=item.retain_until.year - 1)
    db.session.commit()
    assert item.number in client.get("/lost-found/past").get_data(as_text=True)
    assert client.post_form(f"/lost-found/{item.id}/dispose", {"disposal": "donate", "witness": str(user_id("colleague"))}).status_code == 403
    client.post_form("/logout")
    client.login("boss")
    no_witness = client.post_form(f"/lost-found/{item.id}/dispose", {"disposal": "donate", "witness": "0"})
    assert no_witness.status_code == 422 and "须有另一名员工见证" in no_witness.get_data(as_text=True)
    assert client.post_form(f"/lost-found/{item.id}/dispose", {"disposal": "police", "note": "移交派出所",
                                                              "witness": str(user_id("desk"))}).status_code == 302
    db.session.refresh(item)
    assert item.status is FoundStatus.DISPOSED and item.disposal is Disposal.POLICE
    assert db.session.get(FoundItem, item.id) is not None  # kept, never deleted
    day = item.disposed_at.astimezone(prop.zone).date().isoformat()
    text = pdf_text(client.get(f"/lost-found/disposal.pdf?date={day}").data)
    assert "失物处置清单" in text and item.number in text and "王前台" in text


def test_retention_is_set_per_category_by_the_administrator(client, desk, make, prop):
    make.user("admin1", {prop: [Role.ADMIN]})
    assert client.get("/lost-found/retention").status_code == 403
    client.post_form("/logout")
    client.login("admin1")
    fields = {f"days_{c.value}": "30" for c in Category}
    bad = client.post_form("/lost-found/retention", {**fields, "days_cash": "0"})
    assert bad.status_code == 422 and "天数应为 1 至 3650" in bad.get_data(as_text=True)
    assert client.post_form("/lost-found/retention", {**fields, "days_perishable": "1"}).status_code == 302
    days = {r.category: r.days for r in db.session.scalars(sa.select(Retention))}
    assert days[Category.PERISHABLE] == 1 and days[Category.CASH] == 30


def test_the_label_and_the_registers_print_in_chinese(client, desk, prop):
    item = register(client)
    label = pdf_text(client.get(f"/lost-found/{item.id}/label.pdf").data)
    assert item.number in label and "灰色双肩包" in label
    day = item.found_at.astimezone(prop.zone).date()
    text = pdf_text(client.get(f"/lost-found/register.pdf?date={day.isoformat()}").data)
    assert "客户失物登记表" in text and item.number in text and "第 1 页 / 共 1 页" in text
    month = pdf_text(client.get(f"/lost-found/register.pdf?month={day:%Y-%m}").data)
    assert item.number in month and f"{day.year} 年 {day.month} 月" in month


def test_another_property_sees_none_of_it(client, desk, make, prop):
    item = register(client)
    other = make.property("HD", "恒宇大厦")
    make.user("stranger", {other: [Role.LOBBY]})
    client.post_form("/logout")
    client.login("stranger")
    assert client.get(f"/lost-found/{item.id}").status_code == 404
    assert client.post_form(f"/lost-found/{item.id}/claim", {**CLAIM, "signature": signature_url()}).status_code == 404
    assert item.number not in client.get("/lost-found/?status=all").get_data(as_text=True)
