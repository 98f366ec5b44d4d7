"""The approval flow (审批): asked by one person, decided by another who may, with a reason to refuse;
told to both; audited; safe when two approvers press at once."""
import threading

import pytest
import sqlalchemy as sa

from models import AuditEntry, Notification, Role, db
from models.approvals import Approval, ApprovalStatus
from models.journal import PassStatus, ReleasePass

PASS = {
    "unit": "3-1502", "items": "沙发 1 张", "carrier_name": "刘师傅", "authorisation": "owner_present",
    "authorised_by": "张三", "override_reason": "业主已预缴",
}


@pytest.fixture
def asked(client, make, prop, login_as):
    """A pass for a unit in arrears, asked by the desk; returns the approval."""
    make.unit(prop, "3", "1502", in_arrears=True)
    make.user("boss", {prop: [Role.SUPERVISOR]}, display_name="陈主管")
    make.user("boss2", {prop: [Role.SUPERVISOR]}, display_name="李主管")
    login_as(Role.LOBBY, username="desk")
    assert client.post_form("/journal/passes/new", PASS).status_code == 302
    client.post_form("/logout")
    return db.session.scalar(sa.select(Approval))


def test_the_approvers_are_told_and_see_it_waiting(client, asked):
    notices = db.session.scalars(sa.select(Notification).order_by(Notification.user_id)).all()
    assert [n.text for n in notices] == ["待审批：欠费放行 HY-3-1502：沙发 1 张（desk 申请）"] * 2
    client.login("boss")
    listing = client.get("/approvals/").get_data(as_text=True)
    assert "欠费放行 HY-3-1502" in listing and "待我审批" in listing
    page = client.get(f"/approvals/{asked.id}").get_data(as_text=True)
    assert "提交审批意见" in page and "业主已预缴" in page


def test_a_refusal_needs_a_reason_and_is_told_to_the_requester(client, asked):
    client.login("boss")
    no_reason = client.post_form(f"/approvals/{asked.id}/decide", {"decision": "refuse", "note": ""})
    assert no_reason.status_code == 422 and "驳回请写明理由" in no_reason.get_data(as_text=True)
    assert client.post_form(f"/approvals/{asked.id}/decide", {"decision": "refuse", "note": "欠费三个月，请先缴费"}).status_code == 302
    db.session.expire_all()
    release = db.session.scalar(sa.select(ReleasePass))
    assert asked.status is ApprovalStatus.REFUSED and asked.decided_by.username == "boss"
    assert release.status is PassStatus.REFUSED
    told = db.session.scalar(sa.select(Notification).where(Notification.user_id == asked.requested_by_id))
    assert told.text == "已驳回：欠费放行 HY-3-1502：沙发 1 张（陈主管）" and told.link == f"/journal/passes/{release.id}"
    trail = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.table_name == "approvals")).all()
    assert [e.action.value for e in trail] == ["create", "update"]
    again = client.post_form(f"/approvals/{asked.id}/decide", {"decision": "approve"})
    assert again.status_code == 422 and "已由 陈主管" in again.get_data(as_text=True)


def test_the_requester_cannot_approve_their_own_request(client, make, prop, login_as):
    make.unit(prop, "3", "1502", in_arrears=True)
    make.user("boss2", {prop: [Role.SUPERVISOR]})
    login_as(Role.SUPERVISOR, username="boss")
    client.post_form("/journal/passes/new", PASS)
    approval = db.session.scalar(sa.select(Approval))
    page = client.get(f"/approvals/{approval.id}").get_data(as_text=True)
    assert "提交审批意见" not in page and "需由其他有权限的同事审批" in page
    response = client.post_form(f"/approvals/{approval.id}/decide", {"decision": "approve"})
    assert response.status_code == 422 and "不能审批自己提出的申请" in response.get_data(as_text=True)
    db.session.refresh(approval)
    assert approval.pending


def test_the_database_refuses_a_decision_by_the_requester(asked):
    asked.status, asked.decided_by_id, asked.decided_at = ApprovalStatus.APPROVED, asked.requested_by_id, asked.requested_at
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_only_those_holding_the_kinds_permission_decide(client, asked, login_as):
    login_as(Role.CONCIERGE)
    assert "提交审批意见" not in client.get(f"/approvals/{asked.id}").get_data(as_text=True)
    assert client.post_form(f"/approvals/{asked.id}/decide", {"decision": "approve"}).status_code == 403
    db.session.refresh(asked)
    assert asked.pending


def test_an_approval_of_another_property_is_404(client, make, asked):
    tower = make.property("HD", "恒宇大厦")
    make.user("hd-boss", {tower: [Role.SUPERVISOR]})
    client.login("hd-boss")
    assert client.get(f"/approvals/{asked.id}").status_code == 404
    assert client.post_form(f"/approvals/{asked.id}/decide", {"decision": "approve"}).status_code == 404


def test_one_pending_request_per_record_and_kind(asked):
    db.session.add(Approval(property_id=asked.property_id, kind=asked.kind, subject_table=asked.subject_table,
                            subject_id=asked.subject_id, summary="again", requested_by_id=asked.requested_by_id,
                            requested_at=asked.requested_at))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_two_approvers_at_once_one_decides(app, asked):
    """Two supervisors press at the same moment: the row lock lets one decide, the other is told."""
    statuses = []

    def decide(username, decision):
        client = app.test_client()
        client.login(username)
        token = client.csrf_token()
        barrier.wait()
        statuses.append(client.post(f"/approvals/{asked.id}/decide",
                                    data={"decision": decision, "note": "不同意", "csrf_token": token}).status_code)

    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=decide, args=("boss", "approve")), threading.Thread(target=decide, args=("boss2", "refuse"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [302, 422]
    db.session.rollback()  # a fresh snapshot: the requests ran in other threads
    release = db.session.scalar(sa.select(ReleasePass))
    assert (asked.status, release.status) in ((ApprovalStatus.APPROVED, PassStatus.ISSUED),
                                              (ApprovalStatus.REFUSED, PassStatus.REFUSED))
