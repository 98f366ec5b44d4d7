"""Keys fixtures: the desk, the supervisors and a small cabinet with one key of each kind of rule."""
from __future__ import annotations

import base64
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw

from models import Role, Unit, clock, db
from models.keys import Key, KeyAuthorisation, KeyClass, KeyLoan


def signature_url() -> str:
    """What static/js/signature.js sends: a transparent canvas with a stroke, as a PNG data URL."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(40, 150), (200, 60), (360, 140), (560, 50)], fill=(17, 17, 17, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def staff(make, prop):
    make.unit(prop, "3", "1502")
    return {
        "lobby": make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台"),
        "concierge": make.user("floor", {prop: [Role.CONCIERGE]}, display_name="李客服"),
        "supervisor": make.user("boss", {prop: [Role.SUPERVISOR]}, display_name="陈主管"),
        "admin": make.user("root", {prop: [Role.ADMIN]}, display_name="管理员"),
    }


@pytest.fixture
def cabinet(prop, staff) -> dict[str, Key]:
    unit = db.session.scalar(sa.select(Unit).where(Unit.archive_no == "HY-3-1502"))
    keys = {
        "G-01": Key(property_id=prop.id, tag="G-01", key_class=KeyClass.PUBLIC, opens="3 号楼天台门", cabinet="A", hook="01"),
        "P-01": Key(property_id=prop.id, tag="P-01", key_class=KeyClass.PLANT, opens="B2 水泵房", cabinet="A", hook="02"),
        "Y-01": Key(property_id=prop.id, tag="Y-01", key_class=KeyClass.ENTRUSTED, opens="3-1502 入户门", unit=unit,
                    cabinet="B", hook="01"),
    }
    db.session.add_all(keys.values())
    db.session.commit()
    return keys


@pytest.fixture
def authorised(prop, staff, cabinet) -> KeyAuthorisation:
    authorisation = KeyAuthorisation(
        property_id=prop.id, key=cabinet["Y-01"], owner_name="张三", persons="李阿姨、张小明", purpose="保洁入户",
        valid_until=prop.local_day(clock.now()) + timedelta(days=30), recorded_by=staff["lobby"], recorded_at=clock.now())
    db.session.add(authorisation)
    db.session.commit()
    return authorisation


def loan_form(tag: str, **fields) -> dict:
    local = (clock.now() + timedelta(hours=2)).astimezone(ZoneInfo("Asia/Shanghai"))
    data = {"tag": tag, "borrower_kind": "contractor", "borrower_name": "周师傅", "company": "安达维保",
            "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13955550123",
            "purpose": "水泵保养", "return_day": local.date().isoformat(), "return_time": local.strftime("%H:%M"),
            "shift_end": "", "signature": signature_url()}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def return_form(tag: str, **fields) -> dict:
    return {"tag": tag, "returned_by": "", "signature": signature_url(), **fields}


def loans() -> list[KeyLoan]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(KeyLoan).order_by(KeyLoan.id)))
