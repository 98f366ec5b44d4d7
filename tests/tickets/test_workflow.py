from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from models import DepartmentKind, Notification, Role, db
from models.ticket_rules import CorrectiveAction, TicketSettings
from models.tickets import Ticket, TicketStatus
from blueprints.tickets.services import visit_draw
from models.calendar import WorkingCalendar

from .helpers import error_text, register_repair, step


@pytest.fixture
def engineering(prop):
    return next(d for d in prop.departments if d.kind is DepartmentKind.ENGINEERING)


@pytest.fixture
def people(make, prop, engineering):
    return {
        "lobby": make.user("lobby", {prop: [Role.LOBBY]}, display_name="王前台"),
        "supervisor": make.user("boss", {prop: [Role.SUPERVISOR]}, display_name="陈主管"),
        "engineer": make.user("eng", {prop: [Role.DEPARTMENT]}, department=engineering, display_name="赵工"),
    }


def as_user(client, username):
    client.post_form("/logout") if client.get("/csrf-token").status_code == 200 else None
    assert client.login(username).status_code == 302


def force_visit(ticket, required=True):
    ticket.visit_required = required
    db.session.commit()


def test_the_whole_flow_register_dispatch_work_feed_back_visit_close(client, people, engineering):
    as_user(client, "lobby")
    ticket = register_repair(client)
    force_visit(ticket)
    as_user(client, "boss")
    assert step(client, ticket, "dispatch", {"department_id": engineering.id, "assignee_id": people["engineer"].id}).status_code == 302
    as_user(client, "eng")
    assert step(client, ticket, "accept").status_code == 302
    assert step(client, ticket, "note", {"note": "已更换灯管"}).status_code == 302
    assert step(client, ticket, "complete", {"note": "修好了"}).status_code == 302
    as_user(client, "lobby")
    assert step(client, ticket, "feed_back", {"note": "已电话告知张先生"}).status_code == 302
    db.session.refresh(ticket)
    assert ticket.status is TicketStatus.FED_BACK  # chosen for a visit: not closed yet
    assert step(client, ticket, "visit", {"method": "phone", "satisfaction": "satisfied"}).status_code == 302
    db.session.refresh(ticket)
    assert ticket.status is TicketStatus.CLOSED
    kinds = [e.kind.value for e in ticket.events]
    assert kinds == ["registered", "dispatched", "accepted", "note", "done", "fed_back", "visited", "closed"]
    assert ticket.first_contact_id == people["lobby"].id  # ownership never moved
    assert ticket.resolved_at and ticket.replied_at and ticket.fed_back_at


def test_feedback_is_needed_before_close_and_a_drawn_visit_before_close(client, people, engineering):
    as_user(client, "lobby")
    ticket = register_repair(client)
    force_visit(ticket)
    as_user(client, "boss")
    step(client, ticket, "dispatch", {"department_id": engineering.id})
    response = step(client, ticket, "close")
    assert response.status_code == 422
    assert "请先向客户反馈处理结果" in error_text(response)
    step(client, ticket, "complete", {"note": "好了"})
    step(client, ticket, "feed_back", {"note": "告知"})
    response = step(client, ticket, "close")
    assert "回访后才能关闭" in error_text(response)
    db.session.refresh(ticket)
    assert ticket.status is TicketStatus.FED_BACK


def test_without_a_drawn_visit_feedback_closes_the_ticket(client, people, engineering):
    as_user(client, "lobby")
    ticket = register_repair(client)
    force_visit(ticket, False)
    as_user(client, "boss")
    step(client, ticket, "dispatch", {"department_id": engineering.id})
    step(client, ticket, "complete", {"note": "好了"})
    step(client, ticket, "feed_back", {"note": "告知"})
    db.session.refresh(ticket)
    assert ticket.status is TicketStatus.CLOSED


def test_an_unsatisfied_repair_reopens_as_rework_within_24_hours_keeping_the_met_deadline(client, people, engineering):
    as_user(client, "lobby")
    ticket = register_repair(client)
    force_visit(ticket)
    as_user(client, "boss")
    step(client, ticket, "dispatch", {"department_id": engineering.id})
    step(client, ticket, "complete", {"note": "好了"})
    db.session.refresh(ticket)
    first_resolution = ticket.resolved_at
    step(client, ticket, "feed_back", {"note": "告知"})
    response = step(client, ticket, "visit", {"method": "phone", "satisfaction": "unsatisfied", "remarks": ""})
    assert "请记录具体意见" in error_text(response)
    step(client, ticket, "visit", {"method": "phone", "satisfaction": "unsatisfied", "remarks": "灯还是闪"})
    db.session.refresh(ticket)
    assert ticket.status is TicketStatus.DISPATCHED and ticket.reopen_count == 1
    assert timedelta(hours=23) < ticket.rework_due_at - datetime.now(timezone.utc) <= timedelta(hours=24)
    step(client, ticket, "complete", {"note": "换了镇流器"})
    db.session.refresh(ticket)
    assert ticket.resolved_at == first_resolution  # reopening does not reset a met deadline


def test_a_second_person_working_from_an_old_page_is_told_what_changed(client, people, engineering):
    as_user(client, "lobby")
    ticket = register_repair(client)
    as_user(client, "boss")
    seen = ticket.version
    step(client, ticket, "dispatch", {"department_id": engineering.id, "note": "先派工程"})
    response = step(client, ticket, "dispatch", {"department_id": engineering.id, "note": "我也派"}, version=seen)
    assert response.status_code == 422
    assert "刚被其他人更新过" in error_text(response)
    assert "先派工程" in response.get_data(as_text=True)  # the change is shown
    db.session.refresh(ticket)
    assert [e.note for e in ticket.events if e.kind.value == "dispatched"] == ["先派工程"]


def test_department_staff_work_only_their_own_departments_tickets(client, make, prop, people, engineering):
    security = next(d for d in prop.departments if d.kind is DepartmentKind.SECURITY)
    as_user(client, "lobby")
    ticket = register_repair(client)
    as_user(client, "boss")
    step(client, ticket, "dispatch", {"department_id": security.id})
    as_user(client, "eng")
    assert step(client, ticket, "accept").status_code == 403
    assert step(client, ticket, "dispatch", {"department_id": engineering.id}).status_code == 403


def test_only_the_first_contact_or_a_supervisor_feeds_back(client, make, prop, people, engineering):
    make.user("other", {prop: [Role.LOBBY]})
    as_user(client, "lobby")
    ticket = register_repair(client)
    as_user(client, "boss")
    step(client, ticket, "dispatch", {"department_id": engineering.id})
    step(client, ticket, "complete", {"note": "好了"})
    as_user(client, "other")
    assert step(client, ticket, "feed_back", {"note": "x"}).status_code == 403


def test_pausing_moves_the_deadline_by_the_working_time_waited(client, people, engineering):
    as_user(client, "lobby")
    ticket = register_repair(client)
    as_user(client, "boss")
    step(client, ticket, "dispatch", {"department_id": engineering.id})
    step(client, ticket, "pause", {"note": "业主不在家，约明天"})
    db.session.refresh(ticket)
    due_before = ticket.resolve_due_at
    ticket.paused_since = ticket.paused_since - timedelta(days=7)  # a week of waiting
    db.session.commit()
    response = step(client, ticket, "complete", {"note": "x"})
    assert "请先恢复计时" in error_text(response)
    step(client, ticket, "resume")
    db.session.refresh(ticket)
    assert ticket.resolve_due_at > due_before + timedelta(days=4)  # ~5 working days later
    assert ticket.paused_since is None


def test_the_return_visit_draw_is_repeatable_and_matches_the_rates():
    draws = [visit_draw(f"HY-TK-20261101-{n:04d}") for n in range(1, 2001)]
    assert draws == [visit_draw(f"HY-TK-20261101-{n:04d}") for n in range(1, 2001)]
    share = sum(d < 30 for d in draws) / len(draws)
    assert 0.26 < share < 0.34


def test_complaints_are_always_visited_and_others_follow_the_property_rate(client, make, prop, people):
    settings = TicketSettings.of(prop)
    settings.other_visit_percent = 0
    db.session.add(settings)
    db.session.commit()
    make.unit(prop, "3", "1502")
    as_user(client, "lobby")
    complaint = register_repair(client, category="complaint", severity="minor", unit="3-1502", location="")
    help_ = register_repair(client, category="help")
    assert complaint.visit_required and not help_.visit_required


def test_an_important_ticket_notifies_supervisors_and_the_lead(client, make, prop, people):
    lead = make.user("lead", {prop: [Role.SUPERVISOR]})
    management = next(d for d in prop.departments if d.kind is DepartmentKind.MANAGEMENT)
    management.lead_id = lead.id
    db.session.commit()
    make.unit(prop, "3", "1502")
    as_user(client, "lobby")
    ticket = register_repair(client, category="complaint", severity="major", unit="3-1502", location="", description="电梯困人")
    notified = set(db.session.scalars(sa.select(Notification.user_id)))
    assert notified == {people["supervisor"].id, lead.id}
    assert ticket.number in db.session.scalar(sa.select(Notification.text))


def test_a_third_repair_of_the_same_unit_raises_a_corrective_action(client, make, prop, people, clock):
    make.unit(prop, "3", "1502")
    as_user(client, "lobby")
    for n in range(2):
        register_repair(client, unit="3-1502", location="", description=f"漏水 {n}")
        clock.shift(timedelta(hours=5))  # another day's call, not a likely duplicate of this one
    assert db.session.scalar(sa.select(sa.func.count(CorrectiveAction.id))) == 0
    third = register_repair(client, unit="3-1502", location="", description="又漏水")
    clock.shift(timedelta(hours=5))
    capa = db.session.scalar(sa.select(CorrectiveAction))
    assert capa is not None and len(capa.ticket_ids) == 3 and third.id in capa.ticket_ids
    register_repair(client, unit="3-1502", location="", description="第四次")
    assert db.session.scalar(sa.select(sa.func.count(CorrectiveAction.id))) == 1  # the open one grows
    as_user(client, "boss")
    page = client.get(f"/tickets/capa/{capa.id}").get_data(as_text=True)
    assert "第 3 次报修" in page


def test_ticket_lists_show_the_sla_clock(client, people, engineering):
    as_user(client, "lobby")
    ticket = register_repair(client)
    ticket.reply_due_at = datetime.now(timezone.utc) - timedelta(hours=1)
    db.session.commit()
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "超时" in page and 'class="tag danger"' in page
    db.session.refresh(ticket)
    assert db.session.get(Ticket, ticket.id).current_due() == ticket.reply_due_at


def test_list_filters_mine_queue_overdue_and_search(client, make, prop, people, engineering):
    unit = make.unit(prop, "3", "1502")
    make.resident(unit, "张三", phone="13812345678")
    as_user(client, "lobby")
    mine = register_repair(client, unit="3-1502", location="", description="阳台漏水", caller_phone="13987654321")
    other = register_repair(client, description="大堂地面湿滑")
    as_user(client, "boss")
    step(client, mine, "dispatch", {"department_id": engineering.id})
    other.reply_due_at = datetime.now(timezone.utc) - timedelta(minutes=5)
    db.session.commit()

    def numbers(**args):
        page = client.get("/tickets/", query_string=args).get_data(as_text=True)
        return {t.number for t in (mine, other) if t.number in page}

    assert numbers(q="阳台") == {mine.number}
    assert numbers(q="4321") == {mine.number}
    assert numbers(q="1502") == {mine.number}  # four digits: a phone tail or a room
    assert numbers(q="3-1502") == {mine.number}
    assert numbers(q=other.number) == {other.number}
    assert numbers(overdue="1") == {other.number}
    assert numbers(department=engineering.id) == {mine.number}
    assert numbers(status="received") == {other.number}
    assert numbers(owner=people["lobby"].id) == {mine.number, other.number}
    assert numbers(owner=people["supervisor"].id) == set()
    assert numbers(q="%") == set()
    as_user(client, "eng")
    assert numbers(queue="1") == {mine.number}
    as_user(client, "lobby")
    assert numbers(mine="1") == {mine.number, other.number}


def test_the_live_search_returns_the_list_fragment(client, people):
    as_user(client, "lobby")
    register_repair(client, description="电梯异响")
    response = client.get("/tickets/?q=电梯", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="results">') and "电梯异响" in body and "工作小时" in body


def test_tickets_owed_a_return_visit_are_listed_with_their_deadline(client, prop, people, engineering, clock):
    as_user(client, "lobby")
    waiting, visited, not_drawn = (register_repair(client, description=d) for d in ("大堂灯不亮", "电梯异响", "门禁失灵"))
    as_user(client, "boss")
    for ticket, drawn in ((waiting, True), (visited, True), (not_drawn, False)):
        force_visit(ticket, drawn)
        step(client, ticket, "dispatch", {"department_id": engineering.id})
        step(client, ticket, "complete", {"note": "好了"})
        step(client, ticket, "feed_back", {"note": "已告知业主"})
    step(client, visited, "visit", {"method": "phone", "satisfaction": "satisfied"})
    db.session.refresh(waiting)
    due = WorkingCalendar.of(prop).add_workdays(waiting.fed_back_at, TicketSettings.of(prop).visit_within_days)
    due_text = due.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%m-%d %H:%M")

    page = client.get("/tickets/?visits=1").get_data(as_text=True)
    assert waiting.number in page and visited.number not in page and not_drawn.number not in page
    assert f"待回访，{due_text} 前" in page
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/tickets/{waiting.id}"' in dashboard and f"待回访，{due_text} 前" in dashboard

    clock.shift(timedelta(days=20))  # ten working days are past whatever the calendar
    assert f"回访逾期（应于 {due_text} 前）" in client.get("/tickets/?visits=1").get_data(as_text=True)


def test_before_the_job_is_accepted_the_department_sees_only_accept(client, people, engineering):
    as_user(client, "lobby")
    ticket = register_repair(client)
    as_user(client, "boss")
    step(client, ticket, "dispatch", {"department_id": engineering.id})
    as_user(client, "eng")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert 'id="step-accept"' in page
    assert not any(f'id="step-{s}"' in page for s in ("note", "pause", "complete"))
    step(client, ticket, "accept")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert all(f'id="step-{s}"' in page for s in ("note", "pause", "complete")) and 'id="step-accept"' not in page


def test_department_staff_open_the_list_on_their_queue(client, people):
    as_user(client, "eng")
    response = client.get("/tickets/")
    assert response.status_code == 302 and response.headers["Location"] == "/tickets/?queue=1"
    assert client.get("/tickets/?status=open").status_code == 200  # a filter of their own is kept
    as_user(client, "lobby")
    assert client.get("/tickets/").status_code == 200
