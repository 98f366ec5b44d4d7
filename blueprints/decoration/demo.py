"""Demo decoration: a kitchen and bathroom refit under way at HY-3-1502."""
from datetime import timedelta

from models import db
from models.decoration import Decoration

from ..shared.demo import Demo


def demo(d: Demo) -> None:
    today = d.garden.local_day(d.now)
    db.session.add(Decoration(
        property_id=d.garden.id, unit=d.unit("HY-3-1502"), owner_name="周建国", owner_phone="13905511234",
        contractor="合肥安居装饰工程有限公司", contractor_contact="孙师傅", contractor_phone="13855105678",
        permit_no="ZX-2026-031", works="厨卫改造、全屋墙面翻新", work_hours="工作日 08:00–12:00、14:00–18:00",
        starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=50), registered_by=d.users["lobby"],
    ))
