"""Every printable form, as a PDF file (issue 18 item 7): it names its language and its title in its metadata
(WeasyPrint takes them from templates/print/base.html's <html lang> and <title>), passes `qpdf --check`, and
embeds every font it uses. The forms are printed from the demo's records, with the few the demo lacks added
as staff would add them."""
import base64
import io
import subprocess
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw
from pypdf import PdfReader
from werkzeug.routing import Rule

from models import Property, clock, db
from models.decoration import Violation
from models.keys import KeyCount
from models.ticket_rules import CorrectiveAction

from ..pdf import pdf_fonts

USERS = ["admin", "supervisor", "lobby", "concierge", "engineer"]
RECORD_IDS = range(1, 41)  # a record the form prints (a parcel handed out, a ticket dispatched) may not be 1


def _add_what_the_demo_lacks(clients) -> None:
    """A corrective action (a third repair of one unit), a key stock-take finished, a decoration violation, a
    parcel handed out and a found item given back."""
    for n in range(3):
        response = clients["lobby"].post_form("/tickets/new", {
            "category": "repair", "unit": "3-1502", "description": f"卫生间漏水 {n}", "source": "phone",
            "nature": "normal", "caller_name": "张三", "caller_phone": "13812345678",
            "save_anyway": "y"})  # three repairs, not duplicates of one
        assert response.status_code == 302, response.get_data(as_text=True)
    assert clients["supervisor"].post_form("/keys/counts").status_code == 302
    db.session.rollback()
    count = db.session.scalar(sa.select(KeyCount).order_by(KeyCount.id.desc()))
    assert clients["supervisor"].post_form(f"/keys/counts/{count.id}/finish").status_code == 302
    concierge = clients["concierge"]
    garden = db.session.scalar(sa.select(Property).where(Property.code == "HY"))
    deadline = (garden.local_day(clock.now()) + timedelta(days=3)).isoformat()
    response = concierge.post(
        "/decoration/violations/new",
        data={"unit": "3-1502", "kind": "blocked_passage", "note": "15 楼楼道堆放水泥 10 袋", "deadline": deadline},
        headers={"X-Idempotency-Key": "a11y" * 8, "X-Offline-Submit": "1", "X-CSRFToken": concierge.csrf_token()},
    )
    assert response.status_code < 400, response.get_data(as_text=True)
    desk = clients["lobby"]
    signed = {"signature": _signature()}
    handed_out = desk.post_form("/parcels/1/pick-up", {"collector_name": "张三", "collector_id_hint": "123x", **signed})
    assert handed_out.status_code == 302
    assert desk.post_form("/lost-found/2/claim", {  # not the valuable phone, whose release waits for approval
        "claimant_name": "张三", "claimant_phone": "13812345678", "claimant_description": "失主说得出物品特征",
        "id_type": "resident_id", "id_number": "11010519491231002X", **signed}).status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CorrectiveAction.id))) >= 1
    assert db.session.scalar(sa.select(sa.func.count(Violation.id))) >= 1


def _signature() -> str:
    """A signature as static/js/signature.js sends it: a stroke on a transparent canvas, a PNG data URL."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(40, 150), (200, 60), (360, 140), (560, 50)], fill=(17, 17, 17, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _print(clients, rule: Rule) -> tuple[str, bytes] | None:
    """The form of `rule` printed by the first user who may print it, for the first record it prints."""
    for record_id in RECORD_IDS if rule.arguments else [None]:
        path = rule.build({arg: record_id for arg in rule.arguments}, append_unknown=False)[1]
        for client in clients.values():
            response = client.get(path)
            if response.status_code == 200:
                assert response.mimetype == "application/pdf", path
                return path, response.data
    return None


@pytest.fixture
def printed(app) -> dict[str, bytes]:
    """Each printable form once: {path: PDF}."""
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    clients = {}
    for username in USERS:
        clients[username] = app.test_client()
        assert clients[username].login(username, "frontdesk").status_code == 302
    _add_what_the_demo_lacks(clients)
    rules = sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods and r.rule.endswith(".pdf")),
                   key=lambda r: r.rule)
    assert len(rules) >= 25
    found, unprinted = {}, []
    for rule in rules:
        form = _print(clients, rule)
        if form is None:
            unprinted.append(rule.rule)
        else:
            found[form[0]] = form[1]
    assert unprinted == [], f"no demo user could print {unprinted}"
    return found


def test_every_printed_form_names_its_language_and_title_passes_qpdf_and_embeds_its_fonts(printed, tmp_path):
    for path, data in printed.items():
        reader = PdfReader(io.BytesIO(data))
        assert reader.trailer["/Root"].get("/Lang") == "zh-CN", path
        title = reader.metadata.title if reader.metadata else None
        assert title and title.strip() and "·" not in title, path
        file = tmp_path / "form.pdf"
        file.write_bytes(data)
        check = subprocess.run(["qpdf", "--check", str(file)], capture_output=True, text=True)
        assert check.returncode == 0, f"{path}: {check.stdout}{check.stderr}"
        fonts = pdf_fonts(data, tmp_path)
        assert fonts, path
        assert [f["name"] for f in fonts if f["emb"] != "yes"] == [], path
