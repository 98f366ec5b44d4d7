"""An abnormal checkpoint becomes a dispatched ticket in one step, and a later round closes it (issue 7 item 5)."""
import io

import sqlalchemy as sa

from models import Attachment, Department, DepartmentKind, Role, db
from models.patrols import FindingStatus, Outcome, PatrolFinding
from models.tickets import Ticket, TicketCategory, TicketSource, TicketStatus

from .helpers import device_time, make_round, make_route, photo, post_result, results_of


def department(prop, kind) -> Department:
    return db.session.scalar(sa.select(Department).where(Department.property_id == prop.id, Department.kind == kind))


def report_lamp(client, round_, checkpoint, prop, key="x" * 32, kind=DepartmentKind.ENGINEERING, client_time=None,
                **extra):
    fields = {"note": "楼道灯不亮", "department": str(department(prop, kind).id), "category": "repair",
              "photos": (io.BytesIO(photo()), "lamp.jpg")}
    fields.update(extra)
    return post_result(client, round_, checkpoint, "abnormal", key=key,
                       client_time=client_time or device_time(10), **fields)


def test_an_abnormal_checkpoint_becomes_one_dispatched_ticket_linked_both_ways(client, prop, login_as):
    user = login_as(Role.CONCIERGE)
    route = make_route(prop)
    round_ = make_round(prop, route)
    checkpoint = route.checkpoints[1]
    found = device_time(10)
    for _ in range(2):  # sent, then replayed by the outbox: nothing new the second time
        response = report_lamp(client, round_, checkpoint, prop, kind=DepartmentKind.ENVIRONMENT, category="other",
                               client_time=found)
        assert response.status_code == 201
    assert response.json["replayed"] is True

    (result,) = results_of(round_)
    ticket = db.session.scalar(sa.select(Ticket))
    finding = db.session.scalar(sa.select(PatrolFinding))
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1
    assert (result.outcome, result.note, result.done_at.isoformat()) == (Outcome.ABNORMAL, "楼道灯不亮", found)
    assert finding.result_id == result.id and finding.ticket_id == ticket.id and ticket.patrol_finding.id == finding.id
    assert ticket.source is TicketSource.PATROL and ticket.category is TicketCategory.OTHER
    assert ticket.status is TicketStatus.DISPATCHED and ticket.department.kind is DepartmentKind.ENVIRONMENT
    assert ticket.location == "1层 电梯厅" and ticket.description == "楼道灯不亮" and ticket.first_contact_id == user.id
    assert ticket.received_at.isoformat() == found
    assert [e.kind.value for e in ticket.events] == ["registered", "dispatched"]
    assert round_.number in ticket.events[0].note
    photos = db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()
    assert [(p.owner_table, p.owner_id) for p in photos] == [("patrol_results", result.id), ("tickets", ticket.id)]
    assert max(photos[0].width, photos[0].height) <= 1600

    # Both ways on the pages: the round shows the ticket and its status, the ticket the round.
    round_page = client.get(f"/patrols/rounds/{round_.id}").get_data(as_text=True)
    assert ticket.number in round_page and "环境部 · 已派工" in round_page
    assert round_.number in client.get(f"/tickets/{ticket.id}").get_data(as_text=True)


def test_a_department_must_be_chosen_for_an_abnormal_checkpoint(client, prop, login_as):
    login_as(Role.CONCIERGE)
    route = make_route(prop)
    round_ = make_round(prop, route)
    response = post_result(client, round_, route.checkpoints[0], "abnormal", note="地面积水", department="")
    assert response.status_code == 422 and "请选择派往的部门" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0


def test_a_later_round_shows_the_open_finding_and_its_ok_closes_it(client, prop, login_as):
    login_as(Role.CONCIERGE)
    route = make_route(prop)
    first_round = make_round(prop, route, hours_ago=1)
    checkpoint = route.checkpoints[0]
    report_lamp(client, first_round, checkpoint, prop)
    finding = db.session.scalar(sa.select(PatrolFinding))

    second_round = make_round(prop, route, hours_ago=0.5)
    page = client.get(f"/patrols/rounds/{second_round.id}").get_data(as_text=True)
    assert "待整改" in page and finding.ticket.number in page and "仍未整改" in page
    # Not repaired yet: noted on the ticket, no second ticket.
    assert post_result(client, second_round, checkpoint, "unresolved", note="灯还是不亮").status_code == 303
    db.session.refresh(finding)
    assert finding.status is FindingStatus.OPEN
    assert "仍未整改" in finding.ticket.events[-1].note and second_round.number in finding.ticket.events[-1].note
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1

    third_round = make_round(prop, route, hours_ago=0.2)
    assert post_result(client, third_round, checkpoint, "ok").status_code == 303
    db.session.refresh(finding)
    assert finding.status is FindingStatus.CLOSED and finding.closed_round_id == third_round.id
    assert finding.closed_at is not None
    assert "待整改" not in client.get(f"/patrols/rounds/{make_round(prop, route, hours_ago=0.1).id}").get_data(as_text=True)


def test_unresolved_needs_an_open_finding(client, prop, login_as):
    login_as(Role.CONCIERGE)
    route = make_route(prop)
    round_ = make_round(prop, route)
    response = post_result(client, round_, route.checkpoints[0], "unresolved")
    assert response.status_code == 422 and "此检查点没有待整改的问题" in response.get_data(as_text=True)


def test_a_photo_that_is_not_an_image_is_refused_in_chinese(client, prop, login_as):
    login_as(Role.CONCIERGE)
    route = make_route(prop)
    round_ = make_round(prop, route)
    response = report_lamp(client, round_, route.checkpoints[0], prop, photos=(io.BytesIO(b"%PDF-1.4 not a photo"), "scan.pdf"))
    assert response.status_code == 422 and "「scan.pdf」不是图片" in response.get_data(as_text=True)
    assert results_of(round_) == [] and db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0
