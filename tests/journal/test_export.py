"""The release-pass list's Excel export: the passes the list shows as filtered, this property's only."""
from datetime import datetime, timedelta, timezone

from models import Role, db
from models.journal import Authorisation, PassStatus, ReleasePass

from ..xlsx import xlsx_records


def release_pass(prop, by, unit, number: int, **fields) -> ReleasePass:
    release = ReleasePass(
        property_id=prop.id, number=f"{prop.code}-FX-20261118-{number:04d}", unit=unit, items="冰箱 1 台",
        carrier_name="刘师傅", carrier_phone="13900001111", authorisation=Authorisation.PHONE, authorised_by="张三",
        issued_by=by, issued_at=datetime.now(timezone.utc) - timedelta(minutes=10 - number), **fields,
    )
    db.session.add(release)
    db.session.commit()
    return release


def test_the_export_holds_the_passes_the_list_shows(client, make, prop, login_as):
    desk = login_as(Role.LOBBY)
    unit = make.unit(prop, "3", "1502")
    release_pass(prop, desk, unit, 1, plate="皖A12345")
    release_pass(prop, desk, unit, 2, status=PassStatus.USED, used_at=datetime.now(timezone.utc))
    release_pass(prop, desk, unit, 13)
    other = make.property("HD", "恒宇大厦")
    release_pass(other, desk, make.unit(other, "1", "101"), 4)
    everything = xlsx_records(client.get("/journal/passes.xlsx"))
    assert [r["编号"] for r in everything] == [f"HY-FX-20261118-{n:04d}" for n in (13, 2, 1)]  # newest first
    used = everything[1]
    assert used["状态"] == "已放行" and isinstance(used["放行时间"], datetime) and used["业主授权"] == "电话确认"
    first = everything[2]
    assert first["房号"] == "HY-3-1502" and first["车牌"] == "皖A12345" and first["开具人"] == desk.display_name
    # The list does not show the carrier's phone: nor does its export.
    assert not any("13900001111" in str(value) for record in everything for value in record.values())
    [found] = xlsx_records(client.get("/journal/passes.xlsx", query_string={"q": "0013"}))
    assert found["编号"] == "HY-FX-20261118-0013"


def test_the_search_bar_finds_passes_without_reloading_the_page(client, make, prop, login_as):
    desk = login_as(Role.LOBBY)
    unit = make.unit(prop, "3", "1502")
    release_pass(prop, desk, unit, 1)
    release_pass(prop, desk, unit, 2)
    fragment = client.get("/journal/passes?q=0002", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="results">')
    assert "HY-FX-20261118-0002" in fragment and "HY-FX-20261118-0001" not in fragment
