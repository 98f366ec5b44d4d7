import io
from datetime import datetime, timezone

import sqlalchemy as sa
from PIL import Image

from models import Attachment, AuditAction, AuditEntry, Role, db
from models.tickets import Nature, Severity, Ticket, TicketEvent, TicketStatus

from ..pdf import pdf_text
from ..sql import recorded_statements


def photo_bytes(size=(2400, 1800), fmt="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt)
    return out.getvalue()


def _repair(unit_text="3-1502", **extra):
    data = {"category": "repair", "unit": unit_text, "description": "厨房水龙头漏水", "source": "phone", "nature": "normal",
            "caller_name": "张三", "caller_phone": "13812345678"}
    data.update(extra)
    return data


def test_a_repair_for_a_known_unit_is_registered_with_owner_number_and_deadlines(client, make, prop, login_as):
    unit = make.unit(prop, "3", "1502")
    resident = make.resident(unit, "张三", phone="13812345678")
    user = login_as(Role.LOBBY)
    response = client.post_form("/tickets/new", _repair(resident_id=str(resident.id)))
    assert response.status_code == 302
    ticket = db.session.scalar(sa.select(Ticket))
    assert response.headers["Location"] == f"/tickets/{ticket.id}"
    assert ticket.number.startswith("HY-TK-") and ticket.number.endswith("-0001")
    assert ticket.unit_id == unit.id and ticket.first_contact_id == user.id
    assert (ticket.caller_name, ticket.caller_phone) == ("张三", "13812345678")
    assert ticket.status is TicketStatus.RECEIVED
    assert ticket.received_at < ticket.reply_due_at <= ticket.resolve_due_at
    assert [e.kind.value for e in ticket.events] == ["registered"]
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert ticket.number in page and 'href="tel:13812345678"' in page  # the first contact calls back


def test_the_callers_phone_is_whole_only_for_those_who_must_call_and_each_showing_is_logged(
        client, make, prop, login_as):
    unit = make.unit(prop, "3", "1502")
    make.resident(unit, "张三", phone="13812345678")
    engineering = next(d for d in prop.departments if d.kind.value == "engineering")
    worker = make.user("eng", {prop: [Role.DEPARTMENT]}, department=engineering)
    make.user("eng2", {prop: [Role.DEPARTMENT]}, department=engineering)
    make.user("desk2", {prop: [Role.LOBBY]})
    login_as(Role.LOBBY)
    client.post_form("/tickets/new", _repair(caller_name="张三", caller_phone="13812345678"))
    ticket = db.session.scalar(sa.select(Ticket))
    ticket.department_id, ticket.assignee_id, ticket.status = engineering.id, worker.id, TicketStatus.DISPATCHED
    db.session.commit()
    for username, whole in (("desk2", False), ("eng2", False), ("eng", True)):
        client.post_form("/logout")
        client.login(username)
        page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
        assert ("13812345678" in page) is whole and ("138****5678" in page) is not whole, username
    order = pdf_text(client.get(f"/tickets/{ticket.id}/work-order.pdf").data)
    assert "13812345678" in order
    reveals = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.REVEAL)).all()
    assert [(e.user.username, e.changes["reason"]) for e in reveals][-2:] == [("eng", "派工联系"), ("eng", "派工联系")]


def test_a_repair_of_a_unit_needs_someone_to_call(client, make, prop, login_as):
    make.unit(prop, "3", "1502")
    login_as(Role.LOBBY)
    response = client.post_form("/tickets/new", _repair(caller_name="", caller_phone=""))
    assert response.status_code == 422 and "报修和投诉请选择住户，或填写联系人和联系电话" in response.get_data(as_text=True)
    enquiry = _repair(category="enquiry", caller_name="", caller_phone="")
    assert client.post_form("/tickets/new", enquiry).status_code == 302  # an enquiry needs none


def test_bad_input_gets_chinese_messages_beside_the_fields_and_keeps_what_was_typed(client, make, prop, login_as):
    make.unit(prop, "3", "1502")
    login_as(Role.LOBBY)
    response = client.post_form(
        "/tickets/new", _repair(unit_text="9-9999", caller_phone="12345", caller_name="李四", category="complaint")
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "本项目没有这个房号" in page
    assert "请输入正确的电话号码" in page
    assert "投诉请选择程度" in page
    assert 'value="李四"' in page and "厨房水龙头漏水" in page and 'value="9-9999"' in page
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0


def test_unit_or_public_area_is_required(client, prop, login_as):
    login_as(Role.LOBBY)
    response = client.post_form("/tickets/new", _repair(unit_text=""))
    assert "请填写房号" in response.get_data(as_text=True)
    response = client.post_form("/tickets/new", _repair(unit_text="", location="3号楼电梯厅"))
    assert response.status_code == 302


def test_an_enquiry_answered_at_once_is_closed(client, prop, login_as):
    login_as(Role.LOBBY)
    response = client.post_form(
        "/tickets/new",
        {"category": "enquiry", "location": "前台", "description": "物业费怎么交", "answer": "可在前台或线上缴纳", "source": "walk_in", "nature": "normal"},
    )
    assert response.status_code == 302
    ticket = db.session.scalar(sa.select(Ticket))
    assert ticket.status is TicketStatus.CLOSED and ticket.closed_at is not None
    assert [e.kind.value for e in ticket.events] == ["registered", "answered"]


def test_a_major_complaint_is_important(client, make, prop, login_as):
    make.unit(prop, "3", "1502")
    login_as(Role.LOBBY)
    client.post_form("/tickets/new", _repair(category="complaint", severity="major", description="电梯困人"))
    ticket = db.session.scalar(sa.select(Ticket))
    assert ticket.severity is Severity.MAJOR and ticket.nature is Nature.IMPORTANT


def test_photos_are_shrunk_and_stored_without_exif(client, make, prop, login_as):
    make.unit(prop, "3", "1502")
    login_as(Role.LOBBY)
    data = _repair()
    data["photos"] = [(io.BytesIO(photo_bytes()), "leak.jpg")]
    response = client.post_form("/tickets/new", data, content_type="multipart/form-data")
    assert response.status_code == 302
    attachment = db.session.scalar(sa.select(Attachment))
    assert max(attachment.width, attachment.height) == 1600
    served = client.get(f"/files/{attachment.id}")
    assert served.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(served.data)).getexif() == {}


def test_a_file_that_is_not_an_image_is_refused_in_chinese(client, make, prop, login_as):
    make.unit(prop, "3", "1502")
    login_as(Role.LOBBY)
    data = _repair()
    data["photos"] = [(io.BytesIO(b"%PDF-1.4 not a photo"), "report.pdf")]
    response = client.post_form("/tickets/new", data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "不是图片" in response.get_data(as_text=True)


def test_unit_lookup_offers_the_units_residents(client, make, prop, login_as):
    unit = make.unit(prop, "3", "1502")
    make.resident(unit, "张三", phone="13812345678")
    login_as(Role.LOBBY)
    body = client.get("/tickets/unit-residents?unit=3-1502", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "张三" in body and "138****5678" in body and "13812345678" not in body


def test_department_staff_cannot_register(client, prop, login_as):
    login_as(Role.DEPARTMENT)
    assert client.get("/tickets/new").status_code == 403


def test_a_ticket_of_another_property_is_404(client, make, prop, login_as):
    other = make.property("HD", "恒宇大厦")
    stranger = make.user("x", {other: [Role.LOBBY]})
    ticket = Ticket(
        property_id=other.id, number="HD-TK-20261101-0001", source="phone", category="repair",
        description="x", first_contact_id=stranger.id, received_at=datetime.now(timezone.utc),
    )
    db.session.add(ticket)
    db.session.commit()
    login_as(Role.SUPERVISOR)
    assert client.get(f"/tickets/{ticket.id}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(TicketEvent.id))) == 0


def test_the_form_lists_my_last_tickets_with_their_units_in_one_query(client, make, prop, login_as):
    login_as(Role.LOBBY)
    for room in ("1501", "1502", "1503"):
        make.resident(make.unit(prop, "3", room), "张三", phone="13812345678")
        assert client.post_form("/tickets/new", _repair(unit_text=f"3-{room}")).status_code == 302
    db.session.commit()
    db.session.expunge_all()
    with recorded_statements() as statements:
        page = client.get("/tickets/new").get_data(as_text=True)
    assert all(f"3-{room}" in page for room in ("1501", "1502", "1503"))
    assert not [s for s in statements if s.lstrip().startswith("SELECT units.")]
