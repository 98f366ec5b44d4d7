"""Decoration fixtures: a unit under decoration, the staff who register it and patrol it, dates in the
property's time zone (the deadline counts in local days)."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import Role, db
from models.decoration import Decoration, DecorationStatus


def today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


@pytest.fixture
def staff(make, prop):
    make.unit(prop, "3", "1502")
    make.unit(prop, "5", "0801")
    return {
        "lobby": make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台"),
        "concierge": make.user("floor", {prop: [Role.CONCIERGE]}, display_name="李客服"),
        "supervisor": make.user("boss", {prop: [Role.SUPERVISOR]}, display_name="陈主管"),
    }


@pytest.fixture
def decorate(staff, prop):
    """Register a decoration straight in the database (the form has tests of its own)."""

    def decorate(unit, **fields) -> Decoration:
        values = {
            "owner_name": "张三", "contractor": "安居装饰有限公司", "contractor_contact": "刘工",
            "contractor_phone": "13900001111", "permit_no": f"ZX-{unit.id:04d}", "works": "全屋翻新",
            "work_hours": "工作日 08:00–12:00、14:00–18:00", "starts_on": today() - timedelta(days=10),
            "ends_on": today() + timedelta(days=50), "status": DecorationStatus.IN_PROGRESS,
            "registered_by": staff["lobby"],
        }
        values.update(fields)
        decoration = Decoration(property_id=prop.id, unit=unit, **values)
        db.session.add(decoration)
        db.session.commit()
        return decoration

    return decorate
