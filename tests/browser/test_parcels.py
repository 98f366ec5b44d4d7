"""The lobby desk in a real Chromium: a parcel logged with a barcode scanner, handed out against a
signature drawn on the screen. Verified on the server: the test reads the rows."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from models import Attachment, Role, db
from models.parcels import Parcel, ParcelStatus

pytestmark = pytest.mark.browser


@pytest.fixture
def lobby(make, prop):
    make.unit(prop, "3", "1502")
    return make.user("lobby1", {prop: [Role.LOBBY]}, display_name="王前台")


def parcels() -> list[Parcel]:
    db.session.commit()
    return list(db.session.scalars(sa.select(Parcel)))


def sign(page: Page, canvas) -> None:
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.25, steps=12)
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.75, steps=12)
    page.mouse.move(box["x"] + box["width"] * 0.85, box["y"] + box["height"] * 0.3, steps=12)
    page.mouse.up()


def test_a_scanned_parcel_is_logged_and_handed_out_against_a_drawn_signature(page, log_in, lobby, console_errors):
    log_in("lobby1")
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    page.goto("/parcels/new")
    expect(page.get_by_label("快递单号")).to_be_focused()
    page.keyboard.type("SF1234567890")  # what a scanner does: the digits, then Enter
    page.keyboard.press("Enter")
    expect(page.get_by_label("房号")).to_be_focused()
    page.keyboard.type("3-1502")
    assert posts == [] and parcels() == []  # the Enter did not send the half-filled form
    page.get_by_label("收件人").fill("张三")
    page.get_by_text("顺丰", exact=True).click()
    page.get_by_label("货架位置").fill("A-3")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page).to_have_url(re.compile(r"/parcels/new$"))
    expect(page.locator(".flash-success")).to_contain_text("货架 A-3")
    [parcel] = parcels()
    assert (parcel.tracking_no, parcel.unit.archive_no, parcel.status) == ("SF1234567890", "HY-3-1502", ParcelStatus.WAITING)

    page.get_by_role("link", name="待领包裹").click()
    page.get_by_role("link", name="发放").click()
    expect(page.get_by_role("textbox", name="领取人")).to_have_value("张三")
    canvas = page.get_by_role("img", name="领取人签名")
    page.get_by_role("button", name="确认发放").click()  # not signed yet
    expect(page.locator("#field-signature .error")).to_have_text("请在框内签名")

    canvas = page.get_by_role("img", name="领取人签名")
    sign(page, canvas)
    signature = page.locator("input[name=signature]")
    assert signature.input_value().startswith("data:image/png;base64,")
    page.get_by_role("button", name="清除").click()
    expect(signature).to_have_value("")
    sign(page, canvas)
    page.get_by_role("button", name="确认发放").click()
    expect(page.locator(".flash-success")).to_contain_text("已发放 1 件给 张三")
    expect(page.get_by_role("img", name="领取人签名")).to_be_visible()  # the stored signature on the record

    db.session.commit()  # end the test's read transaction: see what the server wrote since
    db.session.refresh(parcel)
    assert parcel.status is ParcelStatus.PICKED_UP and parcel.collector_name == "张三"
    attachment = db.session.get(Attachment, parcel.signature_attachment_id)
    assert attachment.content_type == "image/png" and attachment.owner_id == parcel.id and attachment.width >= 300
    # The unsigned attempt came back as 422, this app's answer to a form with errors; Chromium logs it.
    assert [e for e in console_errors if "status of 422" not in e] == []
