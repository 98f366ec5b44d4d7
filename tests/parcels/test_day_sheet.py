"""The day's 包裹签收登记表 as paper: the collector's ID tail stays in its own cell, and the signature prints
large enough to read (≥ 12 mm high), checked on the PDF's own geometry."""
import zoneinfo

from models import Role

from ..pdf import assert_cjk_font_embedded_as_subset, image_boxes, pdf_text, word_boxes
from .test_parcels import log_parcel, pick_up

CELL_PADDING_MM = 2  # static/css/print.css: th, td { padding: 1.6mm 2mm }


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
    assert signature["height"] >= 12, signature
    assert signature["left"] >= signature_column_starts  # in its own column
    assert abs(signature["width"] / signature["height"] - 3) < 0.1  # as signed: not stretched
