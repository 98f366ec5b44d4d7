"""Items held for owners (代为保管): intake with photo and place, hand-over against a signature (and the ID
tail of a proxy), on every shift handover until collected; and what lost-and-found and lending put on the
handover: valuables in the safe, items past retention, loans out with the overdue first."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from models import Attachment, Role, clock, db
from models.lending import LendableItem, LendableKind, Tracking
from models.lostfound import HeldItem, HeldStatus

from ..pdf import pdf_text
from .helpers import photo, signature_url

HELD = {"description": "钥匙一串（3 把）", "for_name": "周建国", "for_phone": "", "unit": "3-1502",
        "left_by_kind": "owner", "left_by_name": "周太太", "storage_place": "前台抽屉1"}


@pytest.fixture
def desk(client, make, prop):
    make.unit(prop, "3", "1502")
    user = make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    make.user("colleague", {prop: [Role.LOBBY]}, display_name="李同事")
    client.login("desk")
    return user


def hold(client, **fields) -> HeldItem:
    response = client.post_form("/lost-found/held/new", {**HELD, "photos": photo(), **fields},
                                content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.commit()
    return db.session.scalar(sa.select(HeldItem).order_by(HeldItem.id.desc()))


def collect(client, item, **fields):
    return client.post_form(f"/lost-found/held/{item.id}/collect",
                            {"collector_name": "周建国", "collector_id_tail": "", "signature": signature_url(), **fields})


def test_an_item_is_held_with_its_photo_and_place_and_collected_against_a_signature(client, desk):
    item = hold(client)
    assert item.number.startswith("HY-DB-") and item.storage_place == "前台抽屉1" and item.unit.archive_no == "HY-3-1502"
    [picture] = db.session.scalars(sa.select(Attachment).where(Attachment.owner_table == "held_items")).all()
    page = client.get(f"/lost-found/held/{item.id}").get_data(as_text=True)
    assert f"/files/{picture.id}" in page and "前台抽屉1" in page
    assert collect(client, item).status_code == 302
    db.session.refresh(item)
    assert item.status is HeldStatus.COLLECTED and item.collector_is_named and item.signature is not None
    again = client.post_form(
        f"/lost-found/held/{item.id}/collect", {"collector_name": "别人", "signature": signature_url()}, follow_redirects=True)
    assert "已由 周建国 领取" in again.get_data(as_text=True)


def test_a_proxy_must_show_id_and_nothing_typed_is_lost(client, desk):
    item = hold(client)
    refused = collect(client, item, collector_name="周太太")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请核对证件并填写证件号后四位" in page and 'value="周太太"' in page
    db.session.refresh(item)
    assert item.status is HeldStatus.HELD
    assert collect(client, item, collector_name="周太太", collector_id_tail="123x").status_code == 302
    db.session.refresh(item)
    assert (item.collector_is_named, item.collector_id_tail) == (False, "123X")


def test_intake_refuses_what_is_wrong(client, desk):
    response = client.post_form("/lost-found/held/new", {**HELD, "storage_place": "", "unit": "9-9999"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "请填写此项" in page and "本项目没有这个房号" in page and "周太太" in page


def test_the_handover_lists_what_is_out_until_it_comes_back(client, desk, prop):
    from blueprints.lostfound.handover import held_items, past_retention, valuables_in_safe
    from blueprints.lending.handover import loans_out

    item = hold(client)
    client.post_form("/lost-found/new", {"category": "phone", "description": "黑色手机", "found_place": "大堂",
                                         "finder_kind": "staff", "storage": "safe", "storage_place": "保险柜1",
                                         "witness": str(db.session.scalar(sa.text("SELECT id FROM users WHERE username='colleague'")))})
    umbrella = LendableItem(property_id=prop.id, name="雨伞", kind=LendableKind.UMBRELLA, tracking=Tracking.COUNTED, stock=3)
    db.session.add(umbrella)
    db.session.commit()
    for _n in range(2):
        client.post_form("/lending/lend", {"unit": "3-1502", "item": str(umbrella.id), "due": "2h",
                                           "deposit": "20", "deposit_receipt": "SJ1", "signature": signature_url()})
    from models.lending import Loan
    late = db.session.scalars(sa.select(Loan).order_by(Loan.id)).all()[1]
    late.due_at = clock.now() - timedelta(hours=1)
    db.session.commit()

    assert client.post_form("/journal/shifts", {"post": "lobby"}).status_code == 302
    from models.journal import Shift as JournalShift
    db.session.commit()
    shift_id = db.session.scalar(sa.select(JournalShift.id))
    page = client.get(f"/journal/shifts/{shift_id}").get_data(as_text=True)
    for expected in ("代为保管物品", "钥匙一串", "保险柜内失物", "黑色手机", "借出未还（已超期）", "雨伞 借给 HY-3-1502"):
        assert expected in page, expected

    class Shift:
        property_id = prop.id

    with client.application.test_request_context():
        from flask_login import login_user
        from models import User
        login_user(db.session.get(User, desk.id))
        loans = loans_out(Shift)
        assert [i.section for i in loans] == ["借出未还（已超期）", "借出未还"] and "押金 20.00 元" in loans[0].text
        assert len(valuables_in_safe(Shift)) == 1 and len(held_items(Shift)) == 1 and past_retention(Shift) == []

    # Handed over: the sheet the supervisor prints lists them too.
    from tests.journal.test_shifts import answer_all
    answer_all(client, db.session.get(JournalShift, shift_id))
    assert client.post_form(f"/journal/shifts/{shift_id}/hand-over", {"notes": ""}).status_code == 302
    sheet = pdf_text(client.get(f"/journal/shifts/{shift_id}/handover.pdf").data).replace("\n", "")
    for expected in ("代为保管物品", "钥匙一串", "保险柜内失物", "黑色手机", "借出未还（已超期）", "雨伞 借给 HY-3-1502"):
        assert expected in sheet, expected

    assert collect(client, item).status_code == 302
    assert "钥匙一串" not in "".join(i.text for i in held_items_now(prop))


def held_items_now(prop):
    from blueprints.lostfound.handover import held_items

    class Shift:
        property_id = prop.id

    from flask import current_app
    with current_app.test_request_context():
        return held_items(Shift)
