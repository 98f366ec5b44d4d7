"""Loans (领借用登记): a key handed out against a signature and back against one, one open loan per key
(the database decides between two desks), and supervisor approval for the classes that need it."""
import threading

import pytest
import sqlalchemy as sa

from models import Attachment, db
from models.approvals import Approval, ApprovalStatus
from models.keys import KeyLoan, KeyRequest, RequestStatus
from models.notifications import Notification

from .conftest import loan_form, loans, return_form


def test_a_key_is_issued_with_the_id_masked_and_comes_back_to_an_empty_form(client, staff, cabinet):
    client.login("desk")
    response = client.post_form("/keys/issue", loan_form("HY-K-G-01"))
    assert response.status_code == 302 and response.headers["Location"] == "/keys/issue"
    [loan] = loans()
    assert loan.key.tag == "G-01" and loan.number.startswith("HY-YJ-") and loan.issued_by_id == staff["lobby"].id
    assert loan.signature is not None and loan.signature.owner_table == "key_loans"
    assert loan.id_number_masked != loan.id_number and "002X" in loan.id_number_masked
    page = client.get(f"/keys/loans/{loan.id}").get_data(as_text=True)
    assert "11010519491231002X" not in page and loan.id_number_masked in page
    assert client.get(f"/files/{loan.signature_attachment_id}").status_code == 200


@pytest.mark.parametrize(("fields", "message"), [
    ({"tag": "X-99"}, "没有牌号为 X-99 的钥匙"),
    ({"borrower_name": ""}, "请填写此项"),
    ({"id_number": "110105194912310021"}, "校验码不符"),
    ({"id_number": ""}, "外来人员请登记证件号码"),
    ({"signature": ""}, "签名"),
])
def test_bad_input_is_refused_and_what_was_typed_is_kept(client, staff, cabinet, fields, message):
    client.login("desk")
    response = client.post_form("/keys/issue", {**loan_form("G-01"), **fields})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and "水泵保养" in page
    assert loans() == []


def test_a_key_that_is_out_is_not_issued_again_and_one_that_is_in_is_not_returned(client, staff, cabinet):
    client.login("desk")
    client.post_form("/keys/issue", loan_form("G-01"))
    response = client.post_form("/keys/issue", loan_form("G-01", borrower_name="吴师傅"))
    assert response.status_code == 422
    assert "已于" in response.get_data(as_text=True) and "借给 安达维保 周师傅" in response.get_data(as_text=True)
    assert client.post_form("/keys/return", return_form("G-01")).status_code == 302
    [loan] = loans()
    assert loan.returned_at is not None and loan.returned_by_name == "周师傅" and loan.return_signature is not None
    response = client.post_form("/keys/return", return_form("G-01"))
    assert response.status_code == 422 and "钥匙 G-01 在柜，没有借出记录" in response.get_data(as_text=True)
    # Back in the cabinet, it may go out again.
    assert client.post_form("/keys/issue", loan_form("G-01", borrower_name="吴师傅")).status_code == 302


def test_the_database_refuses_a_second_open_loan(prop, staff, cabinet):
    key = cabinet["G-01"]
    [first, second] = [KeyLoan(property_id=prop.id, number=f"T-{n}", key=key, borrower_kind="staff", borrower_name="甲",
                               purpose="x", expected_return_at=sa.func.now(), issued_at=sa.func.now(),
                               issued_by=staff["lobby"]) for n in (1, 2)]
    db.session.add(first)
    db.session.commit()
    db.session.add(second)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_two_desks_issuing_the_same_key_at_once_one_succeeds(app, staff, cabinet):
    """Each request in a thread of its own, through the form, as tablets would send it."""
    clients = []
    for _ in range(8):
        client = app.test_client()
        client.login("desk")
        clients.append((client, client.csrf_token()))
    start = threading.Barrier(len(clients))
    results = []

    def issue(client, token):
        start.wait()
        response = client.post("/keys/issue", data={**loan_form("G-01"), "csrf_token": token})
        results.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=issue, args=pair) for pair in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(status for status, _ in results) == [302] + [422] * (len(clients) - 1)
    assert all("不能重复借出" in page for status, page in results if status == 422)
    [loan] = loans()
    assert loan.number.endswith("-0001")  # the refused ones gave their numbers back
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 1


def test_a_plant_room_key_goes_to_the_supervisor_first(client, staff, cabinet):
    client.login("desk")
    response = client.post_form("/keys/issue", loan_form("P-01", signature=""))
    db.session.rollback()
    req = db.session.scalar(sa.select(KeyRequest))
    assert response.headers["Location"] == f"/keys/requests/{req.id}" and req.status is RequestStatus.PENDING
    assert loans() == []
    approval = db.session.scalar(sa.select(Approval))
    assert approval.kind == "keys.loan" and approval.requested_by_id == staff["lobby"].id
    told = db.session.scalars(sa.select(Notification.user_id)).all()
    assert staff["supervisor"].id in told
    # Asking twice is refused; issuing without the approval too.
    response = client.post_form("/keys/issue", loan_form("P-01", signature=""))
    assert response.status_code == 422 and "已有" in response.get_data(as_text=True)
    # The supervisor approves; the desk sees it and the borrower signs for the key.
    client.post_form("/logout")
    client.login("boss")
    assert client.get("/dashboard").status_code == 200
    response = client.post_form(f"/approvals/{approval.id}/decide", {"decision": "approve", "note": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(KeyRequest, req.id).status is RequestStatus.APPROVED
    client.post_form("/logout")
    client.login("desk")
    page = client.get(f"/keys/requests/{req.id}").get_data(as_text=True)
    assert "已批准" in page and f"/keys/issue?request={req.id}" in page
    form = client.get(f"/keys/issue?request={req.id}").get_data(as_text=True)
    assert "周师傅" in form and "水泵保养" in form
    response = client.post_form("/keys/issue", loan_form("P-01", request_id=str(req.id)))
    assert response.status_code == 302
    [loan] = loans()
    assert loan.request_id == req.id and db.session.get(KeyRequest, req.id).status is RequestStatus.ISSUED


def test_the_requester_cannot_approve_their_own_request(client, staff, cabinet):
    client.login("boss")
    client.post_form("/keys/issue", loan_form("P-01", signature=""))
    db.session.rollback()
    approval = db.session.scalar(sa.select(Approval))
    response = client.post_form(f"/approvals/{approval.id}/decide", {"decision": "approve", "note": ""},
                                follow_redirects=True)
    assert "不能审批自己提出的申请" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Approval, approval.id).status is ApprovalStatus.PENDING


def test_a_refused_request_lets_nobody_take_the_key(client, staff, cabinet):
    client.login("desk")
    client.post_form("/keys/issue", loan_form("P-01", signature=""))
    db.session.rollback()
    approval = db.session.scalar(sa.select(Approval))
    client.post_form("/logout")
    client.login("boss")
    client.post_form(f"/approvals/{approval.id}/decide", {"decision": "refuse", "note": "今日停水检修，改日"})
    db.session.rollback()
    assert db.session.scalar(sa.select(KeyRequest)).status is RequestStatus.REFUSED
    client.post_form("/logout")
    client.login("desk")
    response = client.post_form("/keys/issue", loan_form("P-01"))
    assert response.status_code == 302 and response.headers["Location"].startswith("/keys/requests/")  # asks anew
    assert loans() == []


def test_a_cancelled_request_frees_the_key_for_a_new_one(client, staff, cabinet):
    client.login("desk")
    client.post_form("/keys/issue", loan_form("P-01", signature=""))
    db.session.rollback()
    req = db.session.scalar(sa.select(KeyRequest))
    assert client.post_form(f"/keys/requests/{req.id}/cancel").status_code == 302
    db.session.rollback()
    assert db.session.get(KeyRequest, req.id).status is RequestStatus.CANCELLED
    client.post_form("/logout")
    client.login("boss")
    approval = db.session.scalar(sa.select(Approval))
    client.post_form(f"/approvals/{approval.id}/decide", {"decision": "approve", "note": ""})
    db.session.rollback()
    assert db.session.get(KeyRequest, req.id).status is RequestStatus.CANCELLED  # approving it afterwards changes nothing
    client.post_form("/logout")
    client.login("desk")
    assert client.post_form("/keys/issue", loan_form("P-01", signature="")).status_code == 302
