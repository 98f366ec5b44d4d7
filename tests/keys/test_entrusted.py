"""Owner-entrusted keys (业主委托钥匙): the owner's written authorisation says who may have the key, for what
and until when; a loan outside it is refused; every use is on the unit's archive page."""
from datetime import timedelta

import sqlalchemy as sa

from models import Attachment, clock, db
from models.keys import KeyAuthorisation

from .conftest import loan_form, loans, return_form, signature_url

ENTRUSTED = {"borrower_kind": "authorised", "borrower_name": "李阿姨", "company": "", "id_number": "", "phone": "",
             "purpose": "保洁入户"}


def test_the_desk_records_an_authorisation_signed_in_person(client, staff, cabinet, prop):
    client.login("desk")
    key = cabinet["Y-01"]
    until = (prop.local_day(clock.now()) + timedelta(days=30)).isoformat()
    response = client.post_form(f"/keys/{key.id}/authorisations/new", {
        "owner_name": "张三", "persons": "李阿姨、张小明", "purpose": "保洁入户", "valid_until": until,
        "signature": signature_url()})
    assert response.status_code == 302
    authorisation = db.session.scalar(sa.select(KeyAuthorisation))
    assert authorisation.names == ["李阿姨", "张小明"] and authorisation.signature.owner_table == "key_authorisations"
    assert client.get(f"/files/{authorisation.signature_attachment_id}").status_code == 200


def test_an_authorisation_needs_a_signature_or_a_photo_of_the_letter(client, staff, cabinet, prop):
    client.login("desk")
    until = (prop.local_day(clock.now()) + timedelta(days=30)).isoformat()
    response = client.post_form(f"/keys/{cabinet['Y-01'].id}/authorisations/new", {
        "owner_name": "张三", "persons": "李阿姨", "purpose": "保洁入户", "valid_until": until, "signature": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "请业主当面签名，或拍摄业主签字的委托书" in page and "保洁入户" in page
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


def test_a_key_without_an_authorisation_is_refused(client, staff, cabinet):
    client.login("desk")
    response = client.post_form("/keys/issue", {**loan_form("Y-01"), **ENTRUSTED})
    assert response.status_code == 422 and "尚无业主书面授权" in response.get_data(as_text=True)


def test_a_person_not_on_the_authorisation_is_refused(client, staff, cabinet, authorised):
    client.login("desk")
    response = client.post_form("/keys/issue", {**loan_form("Y-01"), **ENTRUSTED, "borrower_name": "王五"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "王五 不在业主授权的领用人中（授权：李阿姨、张小明）" in page
    assert loans() == []


def test_an_expired_or_revoked_authorisation_lets_nobody_have_it(client, staff, cabinet, authorised, prop):
    authorised.valid_until = prop.local_day(clock.now()) - timedelta(days=1)
    db.session.commit()
    client.login("desk")
    response = client.post_form("/keys/issue", {**loan_form("Y-01"), **ENTRUSTED})
    assert response.status_code == 422 and "授权已于" in response.get_data(as_text=True)
    authorised.valid_until = prop.local_day(clock.now()) + timedelta(days=1)
    authorised.revoked_at = clock.now()
    db.session.commit()
    assert client.post_form("/keys/issue", {**loan_form("Y-01"), **ENTRUSTED}).status_code == 422


def test_an_authorised_person_takes_the_key_and_the_unit_archive_shows_each_use(client, staff, cabinet, authorised):
    client.login("desk")
    assert client.post_form("/keys/issue", {**loan_form("Y-01"), **ENTRUSTED}).status_code == 302
    [loan] = loans()
    assert loan.authorisation_id == authorised.id
    client.post_form("/keys/return", return_form("Y-01"))
    page = client.get(f"/archive/units/{cabinet['Y-01'].unit_id}").get_data(as_text=True)
    assert "委托钥匙" in page and loan.number in page and "李阿姨" in page and "张三 授权 李阿姨、张小明" in page


def test_a_revoked_authorisation_is_kept_but_no_longer_lets_the_key_out(client, staff, cabinet, authorised):
    client.login("desk")
    assert client.post_form(f"/keys/authorisations/{authorised.id}/revoke").status_code == 302
    db.session.refresh(authorised)
    assert authorised.revoked_at is not None
    assert "已撤销" in client.get(f"/keys/{cabinet['Y-01'].id}").get_data(as_text=True)
    assert client.post_form("/keys/issue", {**loan_form("Y-01"), **ENTRUSTED}).status_code == 422


def test_the_issue_form_shows_the_desk_whom_the_owner_named(client, staff, cabinet, authorised):
    client.login("desk")
    page = client.get("/keys/issue?tag=Y-01").get_data(as_text=True)
    assert "业主 张三 授权 李阿姨、张小明 领取，用于保洁入户" in page
