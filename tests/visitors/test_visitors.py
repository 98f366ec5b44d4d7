from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from stdnum.cn import ric

from models import Notification, Role, db
from models.visitors import BlockEntry, ExpectedGuest, Visitor

from ..pdf import pdf_text

GOOD_ID = "34010419900101123" + ric.calc_check_digit("34010419900101123?")
OTHER_ID = "11010519491231002" + ric.calc_check_digit("11010519491231002?")


@pytest.fixture
def desk(make, prop):
    make.unit(prop, "3", "1502")
    make.user("boss", {prop: [Role.SUPERVISOR]})
    return make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")


def walk_in(client, **fields):
    data = {"name": "刘备", "unit": "3-1502", "purpose": "visit", "id_type": "resident_id", "id_number": GOOD_ID,
            "party_size": "1", "plate": "", "pass_no": "V01"}
    data.update(fields)
    return client.post_form("/visitors/new", data)


def visits():
    db.session.commit()
    return db.session.scalars(sa.select(Visitor).order_by(Visitor.id)).all()


def test_a_walk_in_signs_in_and_out_once(client, desk):
    client.login("desk")
    response = walk_in(client)
    assert response.status_code == 302
    [visit] = visits()
    assert visit.unit.archive_no == "HY-3-1502" and visit.id_number == GOOD_ID
    page = client.get(f"/visitors/{visit.id}").get_data(as_text=True)
    assert GOOD_ID not in page and visit.id_number_masked in page
    assert "刘备" in client.get("/visitors/").get_data(as_text=True)  # still inside
    client.post_form(f"/visitors/{visit.id}/sign-out")
    again = client.post_form(f"/visitors/{visit.id}/sign-out", follow_redirects=True)
    assert "无需重复登记" in again.get_data(as_text=True)
    assert visits()[0].signed_out_at is not None
    assert "刘备" not in client.get("/visitors/").get_data(as_text=True)


def test_a_wrong_id_checksum_and_a_missing_destination_are_refused_in_chinese(client, desk):
    client.login("desk")
    response = walk_in(client, id_number=GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1"), unit="")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "校验码不符" in page and "请填写到访房号" in page and 'value="刘备"' in page
    assert visits() == []
    assert walk_in(client, id_type="passport", id_number="E12345678").status_code == 302  # passports are not checked


def test_the_block_list_is_checked_and_shown_prominently(client, desk, prop):
    db.session.add(BlockEntry(property_id=prop.id, plate="皖A88888", reason="多次违规停车"))
    db.session.add(BlockEntry(property_id=prop.id, name="曹操", id_number=GOOD_ID, reason="业主投诉骚扰"))
    db.session.commit()
    client.login("desk")
    check = client.get("/visitors/check", query_string={"name": "曹操", "id_number": GOOD_ID, "plate": "皖a 88888"})
    body = check.get_data(as_text=True)
    assert "业主投诉骚扰" in body and "多次违规停车" in body
    assert "黑名单" not in client.get("/visitors/check", query_string={"name": "曹操", "id_number": ""}).get_data(as_text=True)
    walk_in(client, name="曹操", plate="皖a88888")
    [visit] = visits()
    assert "多次违规停车" in visit.alert and "业主投诉骚扰" in visit.alert
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 1


def test_an_expected_guest_is_recognised(client, desk, prop):
    client.login("desk")
    today = date.today()
    response = client.post_form("/visitors/expected", {
        "unit": "3-1502", "guest_name": "诸葛亮", "valid_from": today.isoformat(),
        "valid_to": (today + timedelta(days=1)).isoformat(), "announced_by": "张三",
    })
    assert response.status_code == 302
    body = client.get("/visitors/check", query_string={"name": "诸葛亮", "unit": "3-1502"}).get_data(as_text=True)
    assert "预约访客" in body and "张三" in body
    walk_in(client, name="诸葛亮")
    assert visits()[0].expected_guest_id == db.session.scalar(sa.select(ExpectedGuest.id))
    bad = client.post_form("/visitors/expected", {"unit": "3-1502", "guest_name": "x", "valid_from": today.isoformat(),
                                                   "valid_to": (today - timedelta(days=1)).isoformat()})
    assert "结束日期不能早于开始日期" in bad.get_data(as_text=True)


def test_an_offline_registration_is_taken_once(client, desk):
    client.login("desk")
    headers = {"X-Idempotency-Key": "v" * 32, "X-Offline-Submit": "1", "X-CSRFToken": client.csrf_token()}
    data = {"name": "关羽", "unit": "3-1502", "purpose": "delivery", "id_type": "none", "party_size": "2"}
    assert client.post("/visitors/new", data=data, headers=headers).status_code == 201
    assert client.post("/visitors/new", data=data, headers=headers).status_code == 201
    assert len(visits()) == 1


def test_old_personal_data_is_anonymised_by_the_purge_command(app, client, desk, prop):
    client.login("desk")
    walk_in(client, phone="13812345678", plate="皖A12345", id_number=OTHER_ID)
    walk_in(client, name="张飞")
    old, recent = visits()
    old.signed_in_at = datetime.now(timezone.utc) - timedelta(days=400)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["visitors-purge", "--days", "180"])
    assert "Anonymised 1 visits" in result.output
    old, recent = visits()
    assert (old.name, old.id_number, old.phone, old.plate) == ("刘**", "", "", "") and old.anonymised_at
    assert recent.id_number == GOOD_ID


def test_the_handover_lists_visitors_still_inside(client, desk):
    client.login("desk")
    walk_in(client)
    client.post_form("/journal/shifts", {"post": "lobby"})
    db.session.commit()
    from models.journal import Shift

    shift = db.session.scalar(sa.select(Shift))
    page = client.get(f"/journal/shifts/{shift.id}").get_data(as_text=True)
    assert "未离开访客" in page and "刘备" in page


def test_the_day_register_prints_masked(client, desk):
    client.login("desk")
    walk_in(client)
    day = visits()[0].signed_in_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).date()
    text = pdf_text(client.get(f"/visitors/day.pdf?date={day.isoformat()}").data)
    assert "来访登记表" in text and "刘备" in text and GOOD_ID not in text


def test_departments_and_another_property(client, desk, make, prop, login_as):
    client.login("desk")
    walk_in(client)
    visit = visits()[0]
    client.post_form("/logout")
    other = make.property("HD", "恒宇大厦")
    make.user("tower", {other: [Role.LOBBY]})
    client.login("tower")
    assert client.get(f"/visitors/{visit.id}").status_code == 404
    assert client.post_form(f"/visitors/{visit.id}/sign-out").status_code == 404
    client.post_form("/logout")
    login_as(Role.DEPARTMENT)
    assert client.get("/visitors/").status_code == 403


def test_the_expected_guests_button_shows_only_to_those_who_may_register_them(client, login_as):
    login_as(Role.ADMIN)
    assert "预约访客" not in client.get("/visitors/").get_data(as_text=True)
    assert client.get("/visitors/expected").status_code == 403


def test_a_person_still_inside_is_shown_before_a_second_sign_in(client, desk):
    client.login("desk")
    walk_in(client)
    [first] = visits()
    again = walk_in(client, pass_no="V02")
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "此人可能还在场内" in page and f'/visitors/{first.id}"' in page and first.id_number_masked in page
    assert GOOD_ID not in page.replace(f'value="{GOOD_ID}"', "")  # masked, except in the field as typed
    assert 'value="V02"' in page and len(visits()) == 1
    assert walk_in(client, pass_no="V02", save_anyway="y").status_code == 302
    assert len(visits()) == 2


def test_a_visit_left_unrecorded_is_closed_before_the_new_one(client, desk):
    client.login("desk")
    walk_in(client)
    [first] = visits()
    assert walk_in(client, previous_left=str(first.id)).status_code == 302
    old, new = visits()
    assert old.signed_out_at is not None and "离开时未登记" in old.note
    assert new.signed_out_at is None


def test_the_same_phone_inside_counts_and_a_signed_out_visit_does_not(client, desk):
    client.login("desk")
    walk_in(client, id_type="none", id_number="", phone="13800001111")
    assert walk_in(client, name="关羽", id_type="none", id_number="", phone="13800001111").status_code == 422
    [first] = visits()
    client.post_form(f"/visitors/{first.id}/sign-out")
    assert walk_in(client, id_type="none", id_number="", phone="13800001111").status_code == 302


def test_the_check_while_typing_says_who_is_inside(client, desk):
    client.login("desk")
    walk_in(client)
    hint = client.get(f"/visitors/check?name=刘备&id_type=resident_id&id_number={GOOD_ID}").get_data(as_text=True)
    assert "此人仍在场内" in hint
    assert "此人仍在场内" not in client.get("/visitors/check?name=刘备&id_number=").get_data(as_text=True)
