"""The parcel list's Excel export: the parcels the list shows as filtered, this property's only."""
from datetime import datetime, timedelta, timezone

from models import Role, db
from models.parcels import Carrier, Parcel, ParcelStatus

from ..xlsx import xlsx_records


def parcel(prop, desk, unit, number: int, *, days_ago=0, **fields) -> Parcel:
    received_at = datetime.now(timezone.utc) - timedelta(days=days_ago, minutes=number)
    item = Parcel(property_id=prop.id, number=f"{prop.code}-BG-20261118-{number:04d}", unit=unit, carrier=Carrier.SF,
                  tracking_no=f"SF{number:010d}", received_at=received_at, received_by=desk, **fields)
    db.session.add(item)
    db.session.commit()
    return item


def test_the_export_holds_the_parcels_the_list_shows(client, make, prop, login_as):
    desk = login_as(Role.LOBBY)
    unit = make.unit(prop, "3", "1502")
    parcel(prop, desk, unit, 1, recipient_name="张三", shelf="A-3", count=2)
    parcel(prop, desk, unit, 2, days_ago=10, recipient_name="李四")  # waiting longer than the 3 days allowed
    parcel(prop, desk, unit, 3, status=ParcelStatus.RETURNED, returned_at=datetime.now(timezone.utc),
           return_reason="拒收")
    other = make.property("HD", "恒宇大厦")
    parcel(other, desk, make.unit(other, "1", "101"), 4)
    waiting = xlsx_records(client.get("/parcels/export.xlsx"))
    assert [r["编号"] for r in waiting] == ["HY-BG-20261118-0002", "HY-BG-20261118-0001"]  # the longest waiting first
    first = waiting[1]
    assert first["房号"] == "HY-3-1502" and first["收件人"] == "张三" and first["件数"] == 2 and first["货架"] == "A-3"
    assert first["快递公司"] == "顺丰" and first["状态"] == "待领取"
    unclaimed = xlsx_records(client.get("/parcels/export.xlsx", query_string={"status": "unclaimed"}))
    assert [r["收件人"] for r in unclaimed] == ["李四"]
    everything = xlsx_records(client.get("/parcels/export.xlsx", query_string={"status": "all", "q": "1502"}))
    assert {r["编号"][-4:] for r in everything} == {"0001", "0002", "0003"}
