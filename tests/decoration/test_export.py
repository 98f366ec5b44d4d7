"""The Excel export of decoration violations: those of the decorations the list shows as filtered."""
from datetime import datetime, timedelta, timezone

from models import db
from models.decoration import DecorationStatus, Violation, ViolationKind, ViolationStatus

from ..xlsx import xlsx_records
from .conftest import today


def violation(decoration, number: int, kind=ViolationKind.DEBRIS, **fields) -> Violation:
    fields.setdefault("status", ViolationStatus.OPEN)
    item = Violation(
        property_id=decoration.property_id, number=f"HY-WZ-20261118-{number:04d}", decoration=decoration, kind=kind,
        note=fields.pop("note", ""), found_at=datetime.now(timezone.utc) - timedelta(hours=10 - number),
        found_on=today(), found_by=decoration.registered_by, deadline=today() + timedelta(days=3),
        reinspect_on=today() + timedelta(days=4), **fields,
    )
    db.session.add(item)
    db.session.commit()
    return item


def test_the_export_holds_the_violations_of_the_decorations_listed(client, make, staff, decorate, prop):
    units = {room: make.unit(prop, "3", room) for room in ("1001", "101")}
    later = decorate(units["1001"], owner_name="王五")
    first = decorate(units["101"], owner_name="李四")
    accepted = decorate(make.unit(prop, "3", "201"), status=DecorationStatus.ACCEPTED)
    violation(later, 1, ViolationKind.NOISE, note="@周日电钻")
    violation(first, 2)
    violation(first, 3, ViolationKind.NO_PERMIT)
    violation(accepted, 4)
    other = make.property("HD", "恒宇大厦")
    foreign = decorate(make.unit(other, "3", "101"))
    foreign.property_id = other.id
    db.session.commit()
    violation(foreign, 5)
    client.login("desk")
    records = xlsx_records(client.get("/decoration/violations.xlsx"))
    assert [r["通知书编号"][-4:] for r in records] == ["0002", "0003", "0001"]  # unit 101 before 1001
    assert records[0]["房号"] == "HY-3-101" and records[0]["业主"] == "李四" and records[0]["违章"] == "乱扔装修垃圾"
    assert records[0]["整改期限"] == datetime.combine(today() + timedelta(days=3), datetime.min.time())
    assert records[2]["情况"] == "'@周日电钻" and records[2]["复验次数"] == 0 and records[2]["状态"] == "待整改"
    accepted_only = xlsx_records(client.get("/decoration/violations.xlsx", query_string={"status": "accepted"}))
    assert [r["通知书编号"][-4:] for r in accepted_only] == ["0004"]
    [found] = xlsx_records(client.get("/decoration/violations.xlsx", query_string={"status": "all", "q": "3-1001"}))
    assert found["业主"] == "王五"
