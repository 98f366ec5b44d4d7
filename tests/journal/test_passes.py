import sqlalchemy as sa

from models import Role, db
from models.approvals import Approval
from models.journal import PassStatus, ReleasePass

from ..pdf import pdf_text

PASS = {
    "unit": "3-1502", "items": "冰箱 1 台、纸箱 5 个", "carrier_name": "刘师傅", "carrier_phone": "13900001111",
    "plate": "皖a12345", "authorisation": "phone", "authorised_by": "张三", "authorisation_note": "10:05 电话 138****5678 确认",
}


def test_a_pass_is_issued_printed_and_used_once(client, make, prop, login_as):
    make.unit(prop, "3", "1502")
    login_as(Role.LOBBY)
    response = client.post_form("/journal/passes/new", PASS)
    assert response.status_code == 302
    release = db.session.scalar(sa.select(ReleasePass))
    assert release.number.startswith("HY-FX-") and release.plate == "皖A12345"
    text = pdf_text(client.get(f"/journal/passes/{release.id}.pdf").data)
    assert "放行条" in text and "冰箱" in text and release.number in text
    first = client.post_form("/journal/passes/use", {"number": release.number.lower()}, follow_redirects=True)
    assert "已放行" in first.get_data(as_text=True)
    second = client.post_form("/journal/passes/use", {"number": release.number}, follow_redirects=True)
    assert "使用过，不能重复放行" in second.get_data(as_text=True)
    db.session.refresh(release)
    assert release.status is PassStatus.USED and release.used_at is not None


def test_phone_authorisation_must_be_recorded(client, make, prop, login_as):
    make.unit(prop, "3", "1502")
    login_as(Role.LOBBY)
    response = client.post_form("/journal/passes/new", {**PASS, "authorisation_note": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "电话确认请记录" in page and "冰箱 1 台" in page


def test_a_unit_in_arrears_needs_a_reason_and_a_supervisors_approval(client, make, prop, login_as):
    make.unit(prop, "3", "1502", in_arrears=True)
    login_as(Role.LOBBY, username="desk")
    no_reason = client.post_form("/journal/passes/new", PASS)
    assert no_reason.status_code == 422
    page = no_reason.get_data(as_text=True)
    assert "该户欠费：请填写需要放行的理由" in page and "冰箱 1 台" in page
    asked = client.post_form("/journal/passes/new", {**PASS, "override_reason": "业主已承诺本周结清"}, follow_redirects=True)
    assert "已提交客服主管审批" in asked.get_data(as_text=True)
    release = db.session.scalar(sa.select(ReleasePass))
    assert release.status is PassStatus.PENDING and release.unit_in_arrears and release.override_by is None
    at_the_gate = client.post_form("/journal/passes/use", {"number": release.number}, follow_redirects=True)
    assert "尚待客服主管批准" in at_the_gate.get_data(as_text=True)
    assert "不得放行" in pdf_text(client.get(f"/journal/passes/{release.id}.pdf").data)
    (approval,) = db.session.scalars(sa.select(Approval)).all()
    assert approval.kind == "passes.arrears" and approval.reason == "业主已承诺本周结清"

    client.post_form("/logout")
    login_as(Role.SUPERVISOR, username="boss")
    assert "欠费放行 HY-3-1502" in client.get("/dashboard").get_data(as_text=True)
    decided = client.post_form(f"/approvals/{approval.id}/decide", {"decision": "approve", "note": "同意"})
    assert decided.status_code == 302
    db.session.refresh(release)
    assert release.status is PassStatus.ISSUED and release.override_by.username == "boss"

    client.post_form("/logout")
    client.login("desk")
    assert "已批准" in client.get(f"/journal/passes/{release.id}").get_data(as_text=True)
    used = client.post_form("/journal/passes/use", {"number": release.number}, follow_redirects=True)
    assert "已放行" in used.get_data(as_text=True)


def test_an_unknown_pass_number_is_reported(client, prop, login_as):
    login_as(Role.LOBBY)
    page = client.post_form("/journal/passes/use", {"number": "HY-FX-20261123-9999"}, follow_redirects=True)
    assert "没有编号为" in page.get_data(as_text=True)
