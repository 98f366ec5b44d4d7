"""Approval through the approval flow: a supervisor, never the requester, approves or refuses with a
reason; the organiser's desk and the floor concierge both hear the outcome."""
import sqlalchemy as sa

from models import Notification, db
from models.approvals import Approval, ApprovalStatus
from models.room_service import WorkOrder
from models.rooms import BookingStatus, OccurrenceStatus

from .conftest import bookings, form_data, tomorrow


def notes_of(user) -> list[str]:
    db.session.rollback()
    return [n.text for n in db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                                                .order_by(Notification.id))]


def test_a_room_that_needs_approval_waits_and_the_approval_creates_the_work_order(client, prop, staff, hall,
                                                                                   post_booking):
    client.login("desk")
    response = post_booking(form_data(hall, tomorrow(prop), "14:00", "16:00", title="新品发布会", attendees="40"))
    assert response.status_code == 302
    assert "待主管审批" in client.get(response.headers["Location"]).get_data(as_text=True)
    [booking] = bookings()
    assert booking.status is BookingStatus.PENDING
    assert [o.status for o in booking.occurrences] == [OccurrenceStatus.PENDING]
    assert db.session.scalar(sa.select(sa.func.count(WorkOrder.id))) == 0
    approval = db.session.scalar(sa.select(Approval))
    assert approval.kind == "rooms.booking" and "多功能厅" in approval.summary and "新品发布会" in approval.summary
    assert any("待审批" in text for text in notes_of(staff["supervisor"]))
    # The slot is held while it waits.
    assert post_booking(form_data(hall, tomorrow(prop), "15:00", "16:00", title="抢占")).status_code == 422

    client.post_form("/logout")
    client.login("boss")
    page = client.get(f"/rooms/bookings/{booking.id}").get_data(as_text=True)
    assert "查看审批" in page
    assert client.post_form(f"/approvals/{approval.id}/decide", {"decision": "approve", "note": ""}).status_code == 302
    [booking] = bookings()
    assert booking.status is BookingStatus.CONFIRMED
    [o] = booking.occurrences
    assert o.status is OccurrenceStatus.CONFIRMED and o.work_order is not None
    assert any("已批准" in text and "新品发布会" in text for text in notes_of(staff["lobby"]))
    assert any("会务接待工作单" in text for text in notes_of(staff["concierge"]))
    page = client.get(f"/rooms/bookings/{booking.id}").get_data(as_text=True)
    assert "已批准" in page and "陈主管" in page


def test_a_refusal_gives_the_slot_back_and_both_desks_hear(client, prop, staff, hall, post_booking):
    client.login("desk")
    post_booking(form_data(hall, tomorrow(prop), "14:00", "16:00", title="新品发布会"))
    approval = db.session.scalar(sa.select(Approval))
    client.post_form("/logout")
    client.login("boss")
    assert client.post_form(f"/approvals/{approval.id}/decide", {"decision": "refuse", "note": ""}).status_code == 422
    assert client.post_form(f"/approvals/{approval.id}/decide",
                            {"decision": "refuse", "note": "当天会所保养"}).status_code == 302
    [booking] = bookings()
    assert booking.status is BookingStatus.REFUSED
    assert booking.occurrences[0].status is OccurrenceStatus.REFUSED and booking.occurrences[0].note == "当天会所保养"
    assert any("已驳回" in text for text in notes_of(staff["lobby"]))
    assert any("已驳回" in text for text in notes_of(staff["concierge"]))
    assert post_booking(form_data(hall, tomorrow(prop), "14:00", "16:00", title="另约")).status_code == 302


def test_a_supervisor_cannot_approve_their_own_booking(client, prop, staff, hall, post_booking):
    client.login("boss")
    post_booking(form_data(hall, tomorrow(prop)))
    approval = db.session.scalar(sa.select(Approval))
    response = client.post_form(f"/approvals/{approval.id}/decide", {"decision": "approve"})
    assert response.status_code == 422 and "不能审批自己提出的申请" in response.get_data(as_text=True)
    client.post_form("/logout")
    client.login("boss2")
    assert client.post_form(f"/approvals/{approval.id}/decide", {"decision": "approve"}).status_code == 302
    db.session.rollback()
    assert db.session.get(Approval, approval.id).status is ApprovalStatus.APPROVED
    assert bookings()[0].status is BookingStatus.CONFIRMED


def test_a_booking_cancelled_while_waiting_stays_cancelled_when_approved(client, prop, staff, hall, post_booking):
    client.login("desk")
    post_booking(form_data(hall, tomorrow(prop)))
    [booking] = bookings()
    assert client.post_form(f"/rooms/bookings/{booking.id}/cancel", {"reason": "客户改期"}).status_code == 302
    approval = db.session.scalar(sa.select(Approval))
    client.post_form("/logout")
    client.login("boss")
    client.post_form(f"/approvals/{approval.id}/decide", {"decision": "approve"})
    [booking] = bookings()
    assert booking.status is BookingStatus.CANCELLED and booking.occurrences[0].status is OccurrenceStatus.CANCELLED
    assert db.session.scalar(sa.select(sa.func.count(WorkOrder.id))) == 0
