"""Files written for a transaction live and die with it: a rollback leaves no orphan photo behind."""
import io
from pathlib import Path

import pytest
from PIL import Image

from blueprints.shared.photos import store_image
from blueprints.shared.storage import storage
from models import Role, db


@pytest.fixture
def unit(make, prop):
    return make.unit(prop)


def stored(key: str) -> bool:
    return (Path(storage().root) / key).exists()


def test_a_photo_is_kept_when_its_transaction_commits(app, unit):
    with app.test_request_context():
        attachment = store_image(unit, Image.new("RGB", (40, 30)), folder="photos", filename="a.jpg", fmt="JPEG")
        db.session.commit()
    assert stored(attachment.storage_key)
    db.session.rollback()  # a later rollback does not touch what an earlier commit kept
    assert stored(attachment.storage_key)


def test_a_photo_is_removed_when_its_transaction_rolls_back(app, unit):
    with app.test_request_context():
        attachment = store_image(unit, Image.new("RGB", (40, 30)), folder="photos", filename="a.jpg", fmt="JPEG")
        key = attachment.storage_key
        db.session.flush()
        assert stored(key)
        db.session.rollback()
    assert not stored(key)


def test_a_decompression_bomb_is_refused_before_it_is_decoded(client, make, prop, login_as):
    """A 10000×10000 PNG is tiny on the wire and seconds of work to open: refused from its header."""
    out = io.BytesIO()
    Image.new("1", (10000, 10000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    login_as(Role.LOBBY)
    response = client.post_form("/tickets/new", {
        "category": "enquiry", "location": "大堂", "description": "问路", "source": "phone", "nature": "normal",
        "photos": (io.BytesIO(out.getvalue()), "bomb.png")}, content_type="multipart/form-data")
    assert response.status_code == 422 and "像素太多" in response.get_data(as_text=True)
