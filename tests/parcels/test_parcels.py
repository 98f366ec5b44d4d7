"""Parcels and mail: intake at the lobby (offline-capable), hand-out against a signature, the lists,
the handover and the day's register. Verified on the server: the tests read the rows."""
import base64
import io
import re
import threading
import zoneinfo
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw
from pypdf import PdfReader

from blueprints.parcels.handover import waiting_parcels
from blueprints.shared.storage import storage
from models import Attachment, Role, Unit, db
from models.parcels import Carrier, Parcel, ParcelStatus
from models.journal import Shift

from ..pdf import assert_cjk_font_embedded_as_subset, pdf_text
from ..sql import recorded_statements

INTAKE = {"tracking_no": "sf 1234 5678 9012", "unit": "3-1502", "recipient_name": "张三", "carrier": "sf",
          "kind": "parcel", "count": "1", "shelf": "a-3"}


def signature_url(size=(600, 200), drawn=True, fmt="PNG") -> str:
    """What static/js/signature.js sends: a transparent canvas with a stroke, as a PNG data URL."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if drawn:
        ImageDraw.Draw(image).line([(40, 150), (200, 60), (360, 140), (560, 50)], fill=(17, 17, 17, 255), width=5)
    out = io.BytesIO()
    image.convert("RGB").save(out, fmt) if fmt == "JPEG" else image.save(out, fmt)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def desk(client, make, prop):
    make.unit(prop, "3", "1502")
    make.unit(prop, "3", "1601")
    user = make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    client.login("desk")
    return user


def log_parcel(client, **fields) -> Parcel:
    response = client.post_form("/parcels/new", {**INTAKE, **fields}, follow_redirects=True)
    assert "已登记" in response.get_data(as_text=True)  # and the message is shown, not left for a later page
    db.session.commit()
    return db.session.scalar(sa.select(Parcel).order_by(Parcel.id.desc()))


def parcels() -> list[Parcel]:
    db.session.commit()
    return list(db.session.scalars(sa.select(Parcel).order_by(Parcel.id)))


def test_intake_numbers_the_parcel_and_comes_back_to_the_form_for_the_next_one(client, desk):
    response = client.post_form("/parcels/new", INTAKE)
    assert response.status_code == 302 and response.headers["Location"] == "/parcels/new"
    [parcel] = parcels()
    local_day = parcel.received_at.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")
    assert parcel.number == f"HY-BG-{local_day}-0001"
    assert (parcel.tracking_no, parcel.carrier, parcel.shelf) == ("SF123456789012", Carrier.SF, "A-3")
    assert parcel.status is ParcelStatus.WAITING and parcel.received_by_id == desk.id
    page = client.get("/parcels/new").get_data(as_text=True)
    assert f"已登记 {parcel.number}" in page and "HY-3-1502 张三" in page and "货架 A-3" in page


@pytest.mark.parametrize(("fields", "message"), [
    ({"unit": "9-9999"}, "本项目没有这个房号"),
    ({"unit": ""}, "请填写此项"),
    ({"count": "0"}, "件数应为 1 至 99"),
    ({"carrier": ""}, "请选择"),
])
def test_intake_refuses_what_is_wrong_and_keeps_what_was_typed(client, desk, fields, message):
    response = client.post_form("/parcels/new", {**INTAKE, **fields})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "SF123456789012" in page
    assert parcels() == []


def test_a_tracking_number_is_logged_once_per_carrier(client, desk):
    first = log_parcel(client)
    again = client.post_form("/parcels/new", {**INTAKE, "tracking_no": "SF123456789012", "unit": "3-1601"})
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "请勿重复登记" in page and first.number in page and "HY-3-1502" in page
    assert log_parcel(client, carrier="zto").carrier is Carrier.ZTO  # the same digits at another carrier
    log_parcel(client, tracking_no="", kind="letter", carrier="post")
    log_parcel(client, tracking_no="", kind="newspaper", carrier="post")  # no number: no duplicate
    assert len(parcels()) == 4


def test_an_offline_replay_logs_the_parcel_once_at_the_device_time(client, desk):
    logged_at = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=2)
    headers = {"X-Idempotency-Key": "p" * 32, "X-Offline-Submit": "1", "X-CSRFToken": client.csrf_token(),
               "X-Client-Time": logged_at.isoformat()}
    first = client.post("/parcels/new", data=INTAKE, headers=headers)
    again = client.post("/parcels/new", data=INTAKE, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json == {"location": "/parcels/new", "replayed": False}
    assert again.json == {"location": "/parcels/new", "replayed": True}
    [parcel] = parcels()
    assert parcel.received_at == logged_at


def pick_up(client, parcel, follow_redirects=False, **fields):
    data = {"collector_name": "张三", "collector_id_hint": "123x", "signature": signature_url(), **fields}
    return client.post_form(f"/parcels/{parcel.id}/pick-up", data, follow_redirects=follow_redirects)


def test_a_parcel_is_handed_out_against_a_signature(client, desk):
    parcel = log_parcel(client)
    response = pick_up(client, parcel)
    assert response.status_code == 302
    db.session.refresh(parcel)
    assert parcel.status is ParcelStatus.PICKED_UP and parcel.picked_up_at is not None
    assert (parcel.collector_name, parcel.collector_id_hint, parcel.handed_over_by_id) == ("张三", "123X", desk.id)
    signature = db.session.get(Attachment, parcel.signature_attachment_id)
    assert (signature.owner_table, signature.owner_id, signature.content_type) == ("parcels", parcel.id, "image/png")
    with Image.open(io.BytesIO(storage().get(signature.storage_key))) as stored:
        assert stored.format == "PNG" and stored.getpixel((0, 0)) == 255  # flattened on white
    page = client.get(f"/parcels/{parcel.id}").get_data(as_text=True)
    assert "已领取" in page and f"/files/{signature.id}" in page
    assert client.get(f"/files/{signature.id}").mimetype == "image/png"


def test_a_receipt_whose_signature_file_is_gone_says_so_rather_than_looking_signed(client, desk):
    parcel = log_parcel(client)
    pick_up(client, parcel)
    db.session.refresh(parcel)
    assert "签名文件缺失" not in pdf_text(client.get(f"/parcels/{parcel.id}/receipt.pdf").data)  # the image
    storage().delete(db.session.get(Attachment, parcel.signature_attachment_id).storage_key)
    assert "签名文件缺失" in pdf_text(client.get(f"/parcels/{parcel.id}/receipt.pdf").data)


@pytest.mark.parametrize(("signature", "message"), [
    ("", "请在框内签名"),
    (signature_url(drawn=False), "签名为空"),
    (signature_url(fmt="JPEG"), "签名无法识别"),
    ("data:image/png;base64,not-base64!", "签名无法识别"),
    ("data:image/png;base64," + "A" * 700_000, "签名图片太大"),
    (signature_url(size=(5000, 100)), "签名图片太大"),
])
def test_without_a_real_signature_nothing_is_handed_out(client, desk, signature, message):
    parcel = log_parcel(client)
    response = pick_up(client, parcel, signature=signature)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'value="张三"' in page
    db.session.refresh(parcel)
    assert parcel.status is ParcelStatus.WAITING and parcel.collector_name == ""
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


def test_a_collector_name_is_required_and_the_signature_is_kept_for_the_retry(client, desk):
    parcel = log_parcel(client)
    drawn = signature_url()
    response = pick_up(client, parcel, collector_name="", signature=drawn)
    assert response.status_code == 422 and "请填写此项" in response.get_data(as_text=True)
    assert f'value="{drawn}"' in response.get_data(as_text=True)


def test_a_parcel_is_handed_out_only_once(client, desk):
    parcel = log_parcel(client)
    pick_up(client, parcel)
    again = pick_up(client, parcel, collector_name="李四", follow_redirects=True)
    assert "已由 张三 领取，不能重复发放" in again.get_data(as_text=True)
    db.session.refresh(parcel)
    assert parcel.collector_name == "张三"
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 1
    refused = client.post_form(f"/parcels/{parcel.id}/return", {"reason": "拒收"}, follow_redirects=True)
    assert "不能重复发放" in refused.get_data(as_text=True)
    db.session.refresh(parcel)
    assert parcel.status is ParcelStatus.PICKED_UP and parcel.returned_at is None


def test_the_units_other_parcels_go_out_under_the_same_signature(client, desk):
    first = log_parcel(client)
    second = log_parcel(client, tracking_no="JD0001", carrier="jd", shelf="B-1")
    other_unit = log_parcel(client, tracking_no="YT0001", carrier="yto", unit="3-1601")
    page = client.get(f"/parcels/{first.id}").get_data(as_text=True)
    assert second.number in page and other_unit.number not in page
    assert pick_up(client, first, together=str(other_unit.id)).status_code == 422  # not the unit's
    assert pick_up(client, first, together=str(second.id)).status_code == 302
    db.session.refresh(first)
    db.session.refresh(second)
    assert second.status is ParcelStatus.PICKED_UP
    assert second.signature_attachment_id == first.signature_attachment_id
    receipt = pdf_text(client.get(f"/parcels/{second.id}/receipt.pdf").data)
    assert "包裹领取凭证" in receipt and first.number in receipt and second.number in receipt


def test_only_the_parcel_the_clerk_chose_is_ticked_and_the_receipt_shows_what_went_out(client, desk):
    first = log_parcel(client)
    second = log_parcel(client, tracking_no="JD0001", carrier="jd", shelf="B-1")
    page = client.get(f"/parcels/{first.id}").get_data(as_text=True)
    (box,) = re.findall(rf'<input type="checkbox" name="together" value="{second.id}"[^>]*>', page)
    assert "checked" not in box and "全选" in page
    assert client.get(f"/parcels/{first.id}/receipt.pdf").status_code == 404  # not handed out yet
    response = pick_up(client, first, follow_redirects=True)  # nothing else ticked
    assert "已发放 1 件" in response.get_data(as_text=True)
    db.session.refresh(second)
    assert second.status is ParcelStatus.WAITING
    receipt = pdf_text(client.get(f"/parcels/{first.id}/receipt.pdf").data)
    assert first.number in receipt and second.number not in receipt and "张三" in receipt


def test_a_parcel_can_go_back_to_the_carrier(client, desk):
    parcel = log_parcel(client)
    assert client.post_form(f"/parcels/{parcel.id}/return", {"reason": ""}).status_code == 422
    client.post_form(f"/parcels/{parcel.id}/return", {"reason": "业主拒收"})
    db.session.refresh(parcel)
    assert parcel.status is ParcelStatus.RETURNED and parcel.return_reason == "业主拒收"


def test_the_list_searches_and_shows_parcels_unclaimed_for_the_configured_days(client, desk, app, clock):
    clock.shift(-timedelta(days=5))
    client.login("desk")  # a cookie signed "in the future" is not taken
    old = log_parcel(client)
    clock.shift(timedelta(days=4))
    new = log_parcel(client, tracking_no="ZT777", carrier="zto", unit="3-1601", recipient_name="李四")
    clock.shift(timedelta(days=1))
    waiting = client.get("/parcels/").get_data(as_text=True)
    assert old.number in waiting and new.number in waiting and "超过 3 天未领 1 件" in waiting
    unclaimed = client.get("/parcels/?status=unclaimed").get_data(as_text=True)
    assert old.number in unclaimed and new.number not in unclaimed and "已等 5 天" in unclaimed
    app.config["PARCEL_UNCLAIMED_DAYS"] = 7
    assert old.number not in client.get("/parcels/?status=unclaimed").get_data(as_text=True)
    for term in ("3 1601", "HY-3-1601", "zt777", "李四"):
        found = client.get("/parcels/", query_string={"q": term}).get_data(as_text=True)
        assert new.number in found and old.number not in found, term
    fragment = client.get("/parcels/?q=1502", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="results">') and old.number in fragment
    pick_up(client, old, follow_redirects=True)
    assert old.number not in client.get("/parcels/").get_data(as_text=True)
    assert old.number in client.get("/parcels/?status=picked_up").get_data(as_text=True)


def test_another_propertys_parcel_is_404(client, desk, make):
    other = make.property("HD", "恒宇大厦")
    stranger = make.user("hd-desk", {other: [Role.LOBBY]})
    foreign = Parcel(property_id=other.id, number="HD-BG-20261123-0001", unit=make.unit(other, "1", "101"),
                     carrier=Carrier.SF, received_at=datetime.now(timezone.utc), received_by_id=stranger.id)
    db.session.add(foreign)
    db.session.commit()
    assert client.get(f"/parcels/{foreign.id}").status_code == 404
    assert pick_up(client, foreign).status_code == 404
    assert foreign.number not in client.get("/parcels/?status=all").get_data(as_text=True)
    db.session.refresh(foreign)
    assert foreign.status is ParcelStatus.WAITING


@pytest.mark.parametrize(("role", "view", "work"), [
    (Role.DEPARTMENT, 403, 403),
    (Role.ADMIN, 200, 403),
    (Role.CONCIERGE, 200, 200),
    (Role.SUPERVISOR, 200, 200),
])
def test_roles(client, prop, login_as, role, view, work):
    login_as(role)
    assert client.get("/parcels/").status_code == view
    assert client.get("/parcels/new").status_code == work
    assert client.post_form("/parcels/new", INTAKE).status_code in ((422,) if work == 200 else (403,))


def test_the_handover_lists_waiting_parcels_per_unit(client, app, desk):
    assert waiting_parcels in app.extensions["platform"].handover_sources
    assert client.post_form("/journal/shifts", {"post": "lobby"}).status_code == 302
    shift = db.session.scalar(sa.select(Shift))
    log_parcel(client, count="2")
    log_parcel(client, tracking_no="JD0001", carrier="jd", shelf="B-1")
    gone = log_parcel(client, tracking_no="YT0001", carrier="yto", unit="3-1601")
    pick_up(client, gone)
    with app.test_request_context():
        items = waiting_parcels(shift)
    assert [(i.section, i.text.split("，")[0]) for i in items] == [("待领包裹", "HY-3-1502 待领 3 件（货架 A-3、B-1）")]
    assert items[0].link == "/parcels/?q=HY-3-1502"


def test_the_days_register_prints_with_the_signatures(client, desk, tmp_path):
    parcel = log_parcel(client)
    log_parcel(client, tracking_no="", kind="letter", carrier="post", unit="3-1601", recipient_name="李四")
    pick_up(client, parcel)
    day = parcel.received_at.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).date().isoformat()
    response = client.get(f"/parcels/day.pdf?date={day}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in ("包裹签收登记表", "恒宇花园", "HY-3-1502", "HY-3-1601", "SF123456789012", "张三", "李四", "王前台"):
        assert expected in text, expected
    assert_cjk_font_embedded_as_subset(response.data, tmp_path)
    images = [image for page in PdfReader(io.BytesIO(response.data)).pages for image in page.images]
    assert len(images) == 1  # the signature, fetched from storage by the PDF's fetcher
    assert "包裹签收登记表" in response.headers["Content-Disposition"] or "UTF-8''" in response.headers["Content-Disposition"]


def at_once(app, client, n, request) -> list[int]:
    """`request(other_client, i)` from n clients of the same session, released together."""
    token, cookie = client.csrf_token(), client.get_cookie("frontdesk_session")
    statuses, start = [], threading.Barrier(n)

    def run(i):
        other = app.test_client()
        other.set_cookie("frontdesk_session", cookie.value)
        start.wait()
        statuses.append(request(other, token, i).status_code)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_two_desks_logging_one_tracking_number_at_once_get_one_parcel(app, client, desk):
    def intake(other, token, i):
        return other.post("/parcels/new", data=INTAKE, headers={
            "X-Idempotency-Key": f"{i:032d}", "X-Offline-Submit": "1", "X-CSRFToken": token})

    statuses = at_once(app, client, 8, intake)
    assert sorted(statuses) == [201] + [422] * 7
    assert len(parcels()) == 1


def test_two_desks_handing_out_one_parcel_at_once_hand_it_out_once(app, client, desk):
    parcel = log_parcel(client)
    url = f"/parcels/{parcel.id}/pick-up"

    def hand_out(other, token, i):
        return other.post(url, data={
            "collector_name": f"领取人{i}", "signature": signature_url(), "csrf_token": token})

    assert at_once(app, client, 8, hand_out) == [302] * 8
    db.session.refresh(parcel)
    assert parcel.status is ParcelStatus.PICKED_UP
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 1


def test_a_signature_is_served_only_to_those_who_may_see_the_parcel(client, desk, make, prop):
    parcel = log_parcel(client)
    pick_up(client, parcel)
    db.session.refresh(parcel)
    url = f"/files/{parcel.signature_attachment_id}"
    assert client.get(url).status_code == 200
    engineering = next(d for d in prop.departments if d.kind.value == "engineering")
    make.user("eng", {prop: [Role.DEPARTMENT]}, department=engineering)
    client.post_form("/logout")
    client.login("eng")
    assert client.get(f"/parcels/{parcel.id}").status_code == 403
    assert client.get(url).status_code == 403  # the file of a record they may not see


def test_the_list_pages_without_counting_every_parcel(client, desk, prop):
    unit = db.session.scalar(sa.select(Unit).where(Unit.room == "1502"))
    now = datetime.now(timezone.utc)
    db.session.add_all(Parcel(property_id=prop.id, number=f"HY-BG-20261118-{n:04d}", unit=unit, carrier=Carrier.SF,
                              tracking_no=f"SF{n:010d}", received_at=now - timedelta(minutes=n), received_by=desk)
                       for n in range(1, 32))
    db.session.commit()
    with recorded_statements() as statements:
        first = client.get("/parcels/?status=all").get_data(as_text=True)
    assert not [s for s in statements if "count(" in s.lower() and "FROM parcels" in s]
    assert "HY-BG-20261118-0001" in first and "HY-BG-20261118-0031" not in first
    assert "下一页" in first and "第 1 页，可用上方条件缩小范围" in first
    last = client.get("/parcels/?status=all&page=2").get_data(as_text=True)
    assert "HY-BG-20261118-0031" in last and "下一页" not in last
