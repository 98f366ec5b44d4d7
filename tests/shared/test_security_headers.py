"""Security headers on every kind of response, and templates that need no inline script to work."""
import re
from pathlib import Path

import pytest

from blueprints.shared.security import HEADERS
from blueprints.shared.storage import storage
from models import Attachment, db

from ..parcels.test_parcels import desk, log_parcel  # noqa: F401 - the fixture

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def assert_guarded(response):
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, name
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy


def test_anonymous_pages_static_files_and_the_service_worker_are_guarded(client):
    expected = {"/login": 200, "/sw.js": 200, "/static/js/app.js": 200, "/offline": 200, "/healthz": 200,
                "/no-such-page": 404}
    for path, status in expected.items():
        response = client.get(path)
        assert response.status_code == status, path
        assert_guarded(response)
        response.close()


def test_pages_fragments_pdfs_and_files_are_guarded(client, desk):  # noqa: F811
    parcel = log_parcel(client)
    key = storage().put(b"\x89PNG fake", prefix="photos/1", suffix=".png")
    photo = Attachment(property_id=parcel.property_id, owner_table="parcels", owner_id=parcel.id, storage_key=key,
                       content_type="image/png", size=9)
    db.session.add(photo)
    db.session.commit()
    responses = {
        "page": client.get("/dashboard"),
        "fragment": client.get("/parcels/?q=1502", headers={"HX-Request": "true"}),
        "pdf": client.get("/parcels/day.pdf"),
        "file": client.get(f"/files/{photo.id}"),
        "form error": client.post_form("/parcels/new", {"tracking_no": ""}),
    }
    assert responses["pdf"].mimetype == "application/pdf"
    for kind, response in responses.items():
        assert response.status_code in (200, 422), kind
        assert_guarded(response)


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_relies_on_inline_script(template):
    """The policy would block it: behaviour lives in static/js, bound to data- attributes."""
    html = template.read_text()
    assert not re.search(r"\son[a-z]+\s*=", html), "an on…= handler"
    # (a data block, <script type="application/json">, is not run: the scripts' strings travel in one)
    assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", html), "an inline <script>"
    assert "javascript:" not in html
