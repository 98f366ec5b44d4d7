"""The pick-up at the desk: one search finds the household, all its waiting parcels come ticked, the
collector is the recipient; sign and confirm. And the list's 收件人, filled from the archive."""
import pytest
import sqlalchemy as sa

from models import Role, db
from models.parcels import Parcel, ParcelStatus

from .test_parcels import INTAKE, log_parcel, parcels, signature_url


@pytest.fixture
def desk(client, make, prop):
    home = make.unit(prop, "3", "1502")
    make.resident(home, "周建国", phone="13905511234")
    make.unit(prop, "3", "1601")
    other = make.unit(prop, "1", "1502")
    make.resident(other, "杨华丽", phone="13800009921")
    user = make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    client.login("desk")
    return user


def household(client):
    """Two parcels and a letter for HY-3-1502, naming no one; one parcel for HY-1-1502."""
    first = log_parcel(client, recipient_name="", tracking_no="SF100000000001", shelf="A-1")
    second = log_parcel(client, recipient_name="", tracking_no="ZT200000000002", carrier="zto", shelf="B-2")
    letter = log_parcel(client, recipient_name="", tracking_no="", kind="letter", carrier="post", shelf="")
    neighbour = log_parcel(client, recipient_name="", unit="1-1502", tracking_no="JT300000000003", carrier="jt")
    return first, second, letter, neighbour


def test_a_parcel_naming_no_one_is_the_households_and_the_list_shows_its_recipient(client, desk):
    first, *_rest, neighbour = household(client)
    assert (first.recipient_name, neighbour.recipient_name) == ("周建国", "杨华丽")
    typed = log_parcel(client, recipient_name="李四", tracking_no="YT1")
    assert typed.recipient_name == "李四"  # what the label says is kept
    nobody = log_parcel(client, recipient_name="", unit="3-1601", tracking_no="YT2")
    assert nobody.recipient_name == ""  # no one in the archive: nothing invented
    page = client.get("/parcels/").get_data(as_text=True)
    rows = {number: row for row in page.split("<tr>")[2:] for number in [row.split("</a>")[0].rsplit(">", 1)[-1]]}
    assert "<td>周建国</td>" in rows[first.number] and "<td>杨华丽</td>" in rows[neighbour.number]
    assert "<td>李四</td>" in rows[typed.number]


@pytest.mark.parametrize("term", ["3-1502", "3 1502", "HY-3-1502", "1234", "周建国", "zjg", "ZT200000000002", "BG"])
def test_one_search_finds_the_household_with_all_its_parcels_ticked(client, desk, term):
    first, second, letter, neighbour = household(client)
    page = client.get("/parcels/pick-up", query_string={"q": term}).get_data(as_text=True)
    if term == "BG":  # every parcel number: both households to choose from
        assert "找到 2 户有待领包裹" in page and "HY-1-1502" in page and "HY-3-1502" in page
        return
    for parcel in (first, second, letter):
        assert f'name="parcels" value="{parcel.id}" checked' in page
    assert neighbour.number not in page
    assert 'value="周建国"' in page  # the collector: the recipient
    assert "领取人签名" in page and "确认发放" in page


def test_a_search_matching_two_households_lets_the_clerk_choose_one(client, desk):
    *_mine, neighbour = household(client)
    page = client.get("/parcels/pick-up", query_string={"q": "1502"}).get_data(as_text=True)
    assert "找到 2 户有待领包裹" in page and 'name="parcels"' not in page
    chosen = client.get("/parcels/pick-up", query_string={"q": "1502", "unit": neighbour.unit_id})
    chosen = chosen.get_data(as_text=True)
    assert f'name="parcels" value="{neighbour.id}" checked' in chosen and 'value="杨华丽"' in chosen
    fragment = client.get("/parcels/pick-up?q=9921", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="found">') and neighbour.number in fragment
    assert "没有找到「7777」的待领包裹" in client.get("/parcels/pick-up?q=7777").get_data(as_text=True)


def hand_out(client, unit_id, parcel_ids, **fields):
    data = {"unit_id": unit_id, "parcels": parcel_ids, "collector_name": "周建国", "collector_id_hint": "",
            "signature": signature_url(), **fields}
    return client.post_form("/parcels/pick-up", data)


def test_the_ticked_parcels_go_out_under_one_signature_and_the_desk_is_ready_for_the_next(client, desk):
    first, second, letter, neighbour = household(client)
    response = hand_out(client, first.unit_id, [first.id, letter.id])  # the clerk unticked one
    assert response.status_code == 302 and response.headers["Location"] == "/parcels/pick-up"
    first, second, letter, neighbour = parcels()
    assert first.status is letter.status is ParcelStatus.PICKED_UP
    assert first.signature_attachment_id == letter.signature_attachment_id is not None
    assert (first.collector_name, first.collector_id_hint, first.handed_over_by_id) == ("周建国", "", desk.id)
    assert second.status is neighbour.status is ParcelStatus.WAITING
    page = client.get("/parcels/pick-up").get_data(as_text=True)
    assert f"已发放 2 件给 周建国（HY-3-1502）：{first.number}、{letter.number}" in page


def test_what_is_wrong_comes_back_beside_the_field_with_what_was_chosen(client, desk):
    first, second, letter, _neighbour = household(client)
    unsigned = hand_out(client, first.unit_id, [first.id, second.id], signature="", collector_name="邻居王某",
                        collector_id_hint="12ab")
    assert unsigned.status_code == 422
    page = unsigned.get_data(as_text=True)
    assert "请在框内签名" in page and "请填写证件号码的最后 4 位" not in page  # "12AB" is four characters
    assert f'value="{first.id}" checked' in page and f'value="{letter.id}" >' in page
    assert 'value="邻居王某"' in page
    nothing = hand_out(client, first.unit_id, [])
    assert nothing.status_code == 422 and "请至少勾选一件" in nothing.get_data(as_text=True)
    no_name = hand_out(client, first.unit_id, [first.id], collector_name="")
    assert no_name.status_code == 422 and "请填写此项" in no_name.get_data(as_text=True)
    assert all(p.status is ParcelStatus.WAITING for p in parcels())


def test_parcels_of_another_unit_or_already_collected_are_not_handed_out(client, desk):
    first, second, _letter, neighbour = household(client)
    wrong = client.post_form("/parcels/pick-up", {"unit_id": first.unit_id, "parcels": [neighbour.id],
                                                  "collector_name": "周建国", "signature": signature_url()},
                             follow_redirects=True)
    assert "所选包裹已不在 HY-3-1502 的待领清单中" in wrong.get_data(as_text=True)
    assert hand_out(client, first.unit_id, [first.id]).status_code == 302
    again = hand_out(client, first.unit_id, [first.id, second.id])  # collected meanwhile at another desk
    assert again.status_code == 302 and again.headers["Location"] == f"/parcels/pick-up?unit={first.unit_id}"
    db.session.commit()
    assert db.session.get(Parcel, second.id).status is ParcelStatus.WAITING
    assert db.session.get(Parcel, neighbour.id).status is ParcelStatus.WAITING


def test_another_propertys_households_are_neither_found_nor_handed_out(app, client, desk, make):
    other = make.property("HD", "恒宇大厦")
    unit = make.unit(other, "3", "1502")
    make.resident(unit, "周建国", phone="13905511234")
    make.user("hd-desk", {other: [Role.LOBBY]})
    their_desk = app.test_client()
    their_desk.login("hd-desk")
    foreign = log_parcel(their_desk, recipient_name="")
    assert foreign.property_id == other.id
    for term in ("3-1502", "1234", "周建国", foreign.number):
        found = client.get("/parcels/pick-up", query_string={"q": term}, headers={"HX-Request": "true"})
        assert "没有找到" in found.get_data(as_text=True), term
    assert f'value="{foreign.id}"' not in client.get(f"/parcels/pick-up?unit={foreign.unit_id}").get_data(as_text=True)
    assert hand_out(client, foreign.unit_id, [foreign.id]).status_code == 404
    db.session.commit()
    assert db.session.get(Parcel, foreign.id).status is ParcelStatus.WAITING


@pytest.mark.parametrize(("role", "status"), [
    (Role.DEPARTMENT, 403), (Role.ADMIN, 403), (Role.CONCIERGE, 200), (Role.SUPERVISOR, 200), (Role.LOBBY, 200),
])
def test_who_hands_out(client, login_as, role, status):
    login_as(role)
    assert client.get("/parcels/pick-up").status_code == status
    assert client.post_form("/parcels/pick-up", {"unit_id": "1"}).status_code == (403 if status == 403 else 404)


def test_the_list_leads_to_the_pick_up_of_the_parcels_household(client, desk):
    first, *_rest = household(client)
    page = client.get("/parcels/").get_data(as_text=True)
    assert f'href="/parcels/pick-up?unit={first.unit_id}"' in page
    assert INTAKE["unit"] == "3-1502" and db.session.scalar(sa.select(sa.func.count(Parcel.id))) == 4
