"""The visitor list's Excel export: the visits the list shows as filtered, personal data as the list shows it."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from models import Role, db
from models.visitors import Purpose, Visitor

from ..xlsx import xlsx_records, xlsx_rows

ID_NUMBER = "340104199001011234"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def today_at(hour: int, minute: int, days: int = 0) -> datetime:
    """A time of the property's today (whatever the time of day the suite runs at), `days` later."""
    day = datetime.now(SHANGHAI).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def visit(prop, desk, name, *, signed_in_at, left=False, **fields) -> Visitor:
    visitor = Visitor(property_id=prop.id, name=name, signed_in_by=desk, signed_in_at=signed_in_at,
                      signed_out_at=signed_in_at + timedelta(minutes=30) if left else None, **fields)
    db.session.add(visitor)
    db.session.commit()
    return visitor


def test_the_export_holds_the_visits_the_list_shows(client, make, prop, login_as):
    desk = login_as(Role.LOBBY)
    unit = make.unit(prop, "3", "1502")
    visit(prop, desk, "刘备", signed_in_at=today_at(0, 2), unit=unit, purpose=Purpose.REPAIR, plate="皖A12345",
          id_number=ID_NUMBER, phone="13812345678")
    visit(prop, desk, "关羽", signed_in_at=today_at(0, 1), left=True)
    visit(prop, desk, "张飞", signed_in_at=today_at(23, 0, days=-1), left=True)
    visit(make.property("HD", "恒宇大厦"), desk, "曹操", signed_in_at=today_at(0, 3))
    [inside] = xlsx_records(client.get("/visitors/export.xlsx"))
    assert inside["访客"] == "刘备" and inside["到访"] == "HY-3-1502" and inside["事由"] == "维修"
    assert inside["车牌"] == "皖A12345" and inside["登记人"] == desk.display_name and inside["离开时间"] is None
    today = xlsx_records(client.get("/visitors/export.xlsx", query_string={"show": "day"}))
    assert [r["访客"] for r in today] == ["刘备", "关羽"]
    found = xlsx_records(client.get("/visitors/export.xlsx", query_string={"show": "day", "q": "关"}))
    assert [r["访客"] for r in found] == ["关羽"]
    # The list shows neither ID numbers nor phones: neither does its export.
    cells = {str(cell) for row in xlsx_rows(client.get("/visitors/export.xlsx")) for cell in row}
    assert not any(ID_NUMBER in c or "13812345678" in c or "5678" in c for c in cells)
