"""The day's 包裹签收登记表 as paper: the collector's ID tail stays in its own cell, the signature prints as
signed and as high as a row allows, and a busy day prints at least 25 rows to an A4 page under the column
headers repeated on every page; checked on the PDF's own geometry."""
import zoneinfo
from datetime import timedelta

import sqlalchemy as sa

from blueprints.parcels.services import receive
from models import Role, Unit, clock, db
from models.parcels import Carrier, Parcel, ParcelKind

from ..pdf import assert_cjk_font_embedded_as_subset, assert_register_pages, image_boxes, pdf_text, word_boxes
from .test_parcels import desk, log_parcel, pick_up, signature_url  # noqa: F401 - desk: the fixture

CELL_PADDING_MM = 1  # static/css/print.css: table.register th, table.register td { padding: 0.5mm 1mm }


def test_the_id_tail_stays_in_the_collectors_cell_and_the_signature_is_legible(client, make, prop, tmp_path):
    make.unit(prop, "3", "1502")
    make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    client.login("desk")
    parcel = log_parcel(client, recipient_name="")
    pick_up(client, parcel, collector_name="邻居王某", collector_id_hint="402X")
    day = parcel.received_at.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).date().isoformat()
    pdf = client.get(f"/parcels/day.pdf?date={day}").data
    assert "邻居王某" in pdf_text(pdf) and "402X" in pdf_text(pdf)
    assert_cjk_font_embedded_as_subset(pdf, tmp_path)

    words = word_boxes(pdf, tmp_path)
    [header] = [w for w in words if w["text"] == "领取人签名"]
    signature_column_starts = header["left"] - CELL_PADDING_MM
    tail = [w for w in words if w["text"] in ("证件尾号", "402X")]
    assert tail and all(w["right"] <= signature_column_starts for w in tail), (signature_column_starts, tail)

    [signature] = [box for box in image_boxes(pdf) if box["top"] > 40]  # below the form's head (logo)
    assert signature["height"] >= 5.5, signature  # as high as a register row of 25 to a page allows
    assert signature["left"] >= signature_column_starts  # in its own column
    assert abs(signature["width"] / signature["height"] - 3) < 0.1  # as signed: not stretched


def test_sixty_parcels_signed_for_fit_three_pages_under_the_header_on_each(app, client, desk, prop, tmp_path):
    """The longest rows: each with its signature (a household collecting everything under one)."""
    unit = db.session.scalar(sa.select(Unit).where(Unit.room == "1502"))
    start = prop.day_range(prop.local_day(clock.now()))[0]
    with app.test_request_context():
        for n in range(60):
            receive(prop, unit=unit, carrier=Carrier.SF, tracking_no=f"SF{n:013d}", kind=ParcelKind.PARCEL, count=2,
                    shelf="A-3", recipient_name="张三", by=desk, at=start + timedelta(minutes=5 * n))
    db.session.commit()
    ids = [str(i) for i in db.session.scalars(sa.select(Parcel.id))]
    handed_out = client.post_form("/parcels/pick-up", {
        "unit_id": str(unit.id), "parcels": ids, "collector_name": "邻居王某", "collector_id_hint": "402X",
        "signature": signature_url()})
    assert handed_out.status_code == 302
    pdf = client.get(f"/parcels/day.pdf?date={prop.local_day(start).isoformat()}").data
    assert_register_pages(pdf, tmp_path, header="领取人签名", row=r"SF\d{13}", rows=60)
    assert len([box for box in image_boxes(pdf) if box["top"] > 40 or box["page"] > 1]) == 60
