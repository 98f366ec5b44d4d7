"""Lending: the catalogue (counted or numbered), lending in four inputs, returns with condition and
deposit, the overdue list with phones masked outside the desk, stock, the day's register, and the last
umbrella lent from two desks at once. The tests read the rows."""
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import Attachment, Role, clock, db
from models.lending import Condition, DepositOutcome, LendableItem, LendableKind, LendablePiece, Loan, Tracking

from ..lostfound.helpers import at_once, photo, signature_url
from ..pdf import pdf_text


@pytest.fixture
def desk(client, make, prop):
    make.unit(prop, "3", "1502")
    user = make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    client.login("desk")
    return user


@pytest.fixture
def umbrella(prop):
    item = LendableItem(property_id=prop.id, name="雨伞", kind=LendableKind.UMBRELLA, tracking=Tracking.COUNTED, stock=2)
    db.session.add(item)
    db.session.commit()
    return item


@pytest.fixture
def ladder(prop):
    item = LendableItem(property_id=prop.id, name="人字梯", kind=LendableKind.LADDER, tracking=Tracking.SERIAL,
                        deposit=Decimal("100"))
    db.session.add(item)
    db.session.flush()
    db.session.add_all([LendablePiece(property_id=prop.id, item_id=item.id, code=c) for c in ("T-01", "T-02")])
    db.session.commit()
    return item


def lend(client, item, **fields):
    return client.post_form("/lending/lend", {"unit": "3-1502", "item": str(item.id), "due": "2h",
                                              "signature": signature_url(), **fields})


def loans() -> list[Loan]:
    db.session.commit()
    return list(db.session.scalars(sa.select(Loan).order_by(Loan.id)))


def test_an_umbrella_is_lent_to_a_unit_in_four_inputs(client, desk, umbrella):
    response = lend(client, umbrella)
    assert response.status_code == 302
    [loan] = loans()
    assert loan.number.startswith("HY-JY-") and loan.unit.archive_no == "HY-3-1502" and loan.borrower_name == ""
    assert loan.due_at - loan.lent_at == timedelta(hours=2) and loan.signature.owner_table == "loans"
    db.session.refresh(umbrella)
    assert umbrella.out_count == 1
    page = client.get("/lending/").get_data(as_text=True)
    assert "1 / 2" in page and loan.number in page


@pytest.mark.parametrize(("fields", "message"), [
    ({"unit": "", "borrower_name": ""}, "请填写房号或借用人姓名"),
    ({"unit": "", "borrower_name": "访客李", "borrower_phone": ""}, "非业户借用请留联系电话"),
    ({"deposit": "五十"}, "押金请填写数字金额"),
    ({"deposit": "50"}, "收取押金请填写收据号"),
    ({"due": "custom", "due_at": "2020-01-01T10:00"}, "归还时间已过"),
    ({"signature": ""}, "请在框内签名"),
])
def test_lending_refuses_what_is_wrong_and_keeps_what_was_typed(client, desk, umbrella, fields, message):
    response = lend(client, umbrella, borrower_name="访客李", **fields) if "borrower_name" not in fields else lend(client, umbrella, **fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert loans() == []
    db.session.refresh(umbrella)
    assert umbrella.out_count == 0


def test_no_more_is_lent_than_the_stock(client, desk, umbrella):
    assert lend(client, umbrella).status_code == 302
    assert lend(client, umbrella).status_code == 302
    third = lend(client, umbrella)
    assert third.status_code == 422 and "已全部借出" in third.get_data(as_text=True)
    assert len(loans()) == 2


def test_numbered_pieces_are_lent_one_at_a_time_with_a_deposit(client, desk, ladder):
    first = lend(client, ladder, deposit="100", deposit_receipt="SJ001")
    assert first.status_code == 302
    assert lend(client, ladder, deposit="100", deposit_receipt="SJ002").status_code == 302
    assert "已全部借出" in lend(client, ladder).get_data(as_text=True)
    a, b = loans()
    assert {a.piece.code, b.piece.code} == {"T-01", "T-02"} and a.deposit == Decimal("100.00")


def test_a_return_checks_the_condition_and_keeps_or_refunds_the_deposit(client, desk, umbrella, ladder):
    lend(client, ladder, deposit="100", deposit_receipt="SJ001")
    [loan] = loans()
    no_reason = client.post_form(f"/lending/loans/{loan.id}/return", {"condition": "damaged", "note": "",
                                                                       "deposit_outcome": "kept"})
    page = no_reason.get_data(as_text=True)
    assert no_reason.status_code == 422 and "损坏或丢失请写明情况" in page and "扣留押金请写明原因" in page
    kept = client.post_form(f"/lending/loans/{loan.id}/return", {
        "condition": "damaged", "note": "梯脚断裂", "deposit_outcome": "kept", "deposit_kept_reason": "维修费",
        "photos": photo()}, content_type="multipart/form-data")
    assert kept.status_code == 302
    db.session.refresh(loan)
    assert loan.condition is Condition.DAMAGED and loan.deposit_outcome is DepositOutcome.KEPT
    assert loan.returned_by_id == desk.id and loan.deposit_kept_reason == "维修费"
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id)).where(Attachment.owner_table == "loans")) == 2
    again = client.post_form(f"/lending/loans/{loan.id}/return", {"condition": "good"}, follow_redirects=True)
    assert "不能重复归还" in again.get_data(as_text=True)
    lend(client, umbrella)
    umbrella_loan = loans()[-1]
    assert client.post_form(f"/lending/loans/{umbrella_loan.id}/return", {"condition": "good"}).status_code == 302
    db.session.refresh(umbrella)
    assert umbrella.out_count == 0
    db.session.refresh(umbrella_loan)
    assert umbrella_loan.deposit_outcome is DepositOutcome.NONE


def test_overdue_loans_are_listed_with_phones_for_the_desk_only(client, desk, umbrella, make, prop):
    lend(client, umbrella, unit="", borrower_name="访客李", borrower_phone="13912345678")
    [loan] = loans()
    loan.due_at = clock.now() - timedelta(hours=1)
    db.session.commit()
    assert "13912345678" in client.get("/lending/overdue").get_data(as_text=True)
    make.user("admin1", {prop: [Role.ADMIN]})
    client.post_form("/logout")
    client.login("admin1")
    page = client.get("/lending/overdue").get_data(as_text=True)
    assert "139****5678" in page and "13912345678" not in page


def test_the_day_register_prints_loans_and_returns(client, desk, umbrella, prop):
    lend(client, umbrella)
    [loan] = loans()
    day = loan.lent_at.astimezone(prop.zone).date().isoformat()
    text = pdf_text(client.get(f"/lending/register.pdf?date={day}").data)
    for expected in ("借用登记表", loan.number, "雨伞", "HY-3-1502", "王前台", "第 1 页 / 共 1 页"):
        assert expected in text, expected


def test_the_catalogue_adds_counted_and_numbered_items(client, make, prop):
    make.user("boss", {prop: [Role.SUPERVISOR]})
    client.login("boss")
    assert client.post_form("/lending/catalogue", {"name": "工具箱", "kind": "toolkit", "tracking": "serial", "stock": "0",
                                                    "pieces": "G-1, G-2\nG-3", "deposit": "50"}).status_code == 302
    bad = client.post_form("/lending/catalogue", {"name": "推车", "kind": "trolley", "tracking": "counted", "stock": "2",
                                                   "deposit": "abc"})
    assert bad.status_code == 422 and "押金请填写数字金额" in bad.get_data(as_text=True)
    item = db.session.scalar(sa.select(LendableItem))
    assert [p.code for p in item.pieces] == ["G-1", "G-2", "G-3"] and item.deposit == Decimal("50.00")


def test_another_property_sees_none_of_it(client, desk, umbrella, make):
    lend(client, umbrella)
    [loan] = loans()
    other = make.property("HD", "恒宇大厦")
    make.user("stranger", {other: [Role.LOBBY]})
    client.post_form("/logout")
    client.login("stranger")
    assert client.get(f"/lending/loans/{loan.id}").status_code == 404
    assert client.post_form(f"/lending/loans/{loan.id}/return", {"condition": "good"}).status_code == 404
    assert lend(client, umbrella).status_code == 422  # not in their catalogue


def test_two_desks_lending_the_last_umbrella_at_once_lend_it_once(app, client, desk, umbrella):
    umbrella.stock = 1
    db.session.commit()
    signature, item_id = signature_url(), str(umbrella.id)

    def lend_it(other, token, i):
        return other.post("/lending/lend", data={"unit": "3-1502", "item": item_id, "due": "2h", "signature": signature,
                                                  "csrf_token": token})

    statuses = at_once(app, client, 6, lend_it)
    assert sorted(statuses) == [302] + [422] * 5
    assert len(loans()) == 1
    db.session.refresh(umbrella)
    assert umbrella.out_count == 1


def test_two_desks_lending_the_last_ladder_at_once_lend_it_once(app, client, desk, ladder):
    signature, item_id = signature_url(), str(ladder.id)
    piece = ladder.pieces[0]
    piece.active = False
    db.session.commit()

    def lend_it(other, token, i):
        return other.post("/lending/lend", data={"unit": "3-1502", "item": item_id, "due": "2h", "signature": signature,
                                                  "csrf_token": token})

    statuses = at_once(app, client, 6, lend_it)
    assert sorted(statuses) == [302] + [422] * 5
    assert len(loans()) == 1


def test_the_database_refuses_more_out_than_in_stock(umbrella):
    umbrella.out_count = 3
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_loan_and_its_return_sent_offline_are_taken_once_at_the_device_time(client, desk, umbrella):
    lent_at = clock.now().replace(microsecond=0) - timedelta(minutes=30)
    headers = {"X-Idempotency-Key": "l" * 32, "X-Offline-Submit": "1", "X-CSRFToken": client.csrf_token(),
               "X-Client-Time": lent_at.isoformat()}
    data = {"unit": "3-1502", "item": str(umbrella.id), "due": "2h", "signature": signature_url()}
    first = client.post("/lending/lend", data=data, headers=headers)
    again = client.post("/lending/lend", data=data, headers=headers)
    assert first.status_code == again.status_code == 201 and again.json["replayed"] is True
    [loan] = loans()
    assert loan.lent_at == lent_at and loan.due_at == lent_at + timedelta(hours=2)
    back = {**headers, "X-Idempotency-Key": "r" * 32, "X-Client-Time": (lent_at + timedelta(minutes=10)).isoformat()}
    for _n in range(2):
        assert client.post(f"/lending/loans/{loan.id}/return", data={"condition": "good"}, headers=back).status_code == 201
    db.session.refresh(loan)
    db.session.refresh(umbrella)
    assert loan.returned_at == lent_at + timedelta(minutes=10) and umbrella.out_count == 0
