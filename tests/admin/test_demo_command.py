"""`flask demo`: two properties with units, residents and one user per role; running it again changes nothing."""
from datetime import time, timedelta

import sqlalchemy as sa
from stdnum.cn import ric

from blueprints.shared.forms import id_number_problem
from models import Building, Department, Notification, Property, Resident, Role, Unit, User, UserRole, clock, db
from models.approvals import Approval
from models.decoration import Decoration, DecorationStatus
from models.journal import Post, ReleasePass, Shift, ShiftStatus
from models.keys import Key, KeyAuthorisation
from models.parcels import Parcel
from models.patrols import PatrolFinding, PatrolResult, PatrolRound, PatrolRoute, Presence, RoundStatus
from models.resident_messages import ResidentMessage
from models.rooms import Booking
from models.tickets import Ticket, TicketVisit
from models.visitors import Visitor

from .helpers import count, text

USERS = ["admin", "supervisor", "lobby", "concierge", "lobby2", "concierge2", "engineer"]


def run_demo(app):
    db.session.commit()  # the command works in its own session
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result


def units_of(code) -> int:
    prop = db.session.scalar(sa.select(Property).where(Property.code == code))
    return count(Unit, property_id=prop.id)


def test_demo_fills_two_properties(app):
    result = run_demo(app)
    assert "Demo data created." in result.output
    assert units_of("HY") == 200 and units_of("HD") == 20
    hy = db.session.scalar(sa.select(Property).where(Property.code == "HY"))
    assert [b.code for b in hy.buildings] == ["1", "2", "3", "4"]
    assert [d.name for d in hy.departments] == ["客服部", "工程部", "安管部", "环境部", "项目负责人"]
    assert count(Resident, property_id=hy.id) > 150
    sample = db.session.scalar(sa.select(Unit).where(Unit.archive_no == "HY-3-1502"))
    assert (sample.building.code, sample.room, sample.floor) == ("3", "1502", 15)


def test_demo_residents_have_valid_phones_and_id_numbers(app):
    run_demo(app)
    residents = db.session.scalars(sa.select(Resident)).all()
    assert all(id_number_problem(r.id_number) is None for r in residents)
    assert all(r.id_number[-1] == ric.calc_check_digit(r.id_number) for r in residents)
    assert all(len(r.phone) == 11 and r.phone.startswith("1") for r in residents)


def test_the_demo_users_log_in_with_the_demo_password(app):
    run_demo(app)
    for username in USERS:
        client = app.test_client()
        response = client.login(username, "frontdesk")
        assert response.status_code == 302, username
        assert client.get("/dashboard").status_code == 200


def test_the_demo_users_hold_their_roles(app):
    run_demo(app)
    hy, hd = (db.session.scalar(sa.select(Property).where(Property.code == c)) for c in ("HY", "HD"))
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    assert sorted(users) == sorted(USERS)
    assert users["admin"].roles_in(hy.id) == {Role.ADMIN} == users["admin"].roles_in(hd.id)
    assert users["supervisor"].roles_in(hd.id) == {Role.SUPERVISOR}
    assert users["lobby"].property_ids() == [hy.id]
    engineer_role = db.session.scalar(sa.select(UserRole).where(UserRole.user_id == users["engineer"].id))
    assert (engineer_role.role, engineer_role.department.name) == (Role.DEPARTMENT, "工程部")
    assert engineer_role.department.property_id == hy.id
    assert db.session.get(Department, engineer_role.department_id).lead_id == users["engineer"].id
    admin = app.test_client()
    admin.login("admin", "frontdesk")
    assert admin.get("/admin/").status_code == 200
    lobby = app.test_client()
    lobby.login("lobby", "frontdesk")
    assert lobby.get("/admin/").status_code == 403


def test_demo_is_idempotent(app):
    run_demo(app)
    before = {model: count(model) for model in (Property, Building, Unit, Resident, User, UserRole, Department)}
    result = run_demo(app)
    assert "Demo data is already there." in result.output
    assert {model: count(model) for model in before} == before
    assert "frontdesk" in result.output


def test_demo_has_patrol_routes_to_walk_and_a_decoration_to_patrol(app):
    run_demo(app)
    hy = db.session.scalar(sa.select(Property).where(Property.code == "HY"))
    routes = db.session.scalars(sa.select(PatrolRoute).where(PatrolRoute.property_id == hy.id)).all()
    assert [r.name for r in routes] == ["公共区域日常巡查", "夜间安全巡查"]
    assert [c.name for c in routes[0].checkpoints][:3] == ["1层 南门岗亭及大门", "1号楼 1层 大堂", "1号楼 1层 电梯厅"]
    codes = [c.code for r in routes for c in r.checkpoints]
    assert len(codes) == len(set(codes)) == 9
    assert [s.at for s in routes[0].schedules] == [time(9), time(15)]
    decoration = db.session.scalar(sa.select(Decoration))
    assert decoration.unit.archive_no == "HY-3-1502" and decoration.status is DecorationStatus.IN_PROGRESS


def test_demo_has_a_few_days_of_work_at_the_desk(app):
    run_demo(app)
    statuses = sorted(t.status.value for t in db.session.scalars(sa.select(Ticket)))
    # with the tickets dispatched from the past week's two patrol findings
    assert statuses == sorted(["closed", "fed_back", "in_progress", "dispatched", "dispatched", "dispatched",
                               "received", "received", "closed"])
    assert count(TicketVisit) == 1 and count(Notification) > 0  # the important complaint alerted the supervisors
    assert count(Parcel, status="waiting") == 7 and count(Parcel, status="picked_up") == 2
    assert count(Visitor, signed_out_at=None) == 1
    # The residents still to be told of their parcels, one of them reminded; some told already.
    assert count(ResidentMessage, status="pending") == 5 and count(ResidentMessage, reason="parcel_reminder") == 1
    assert count(ResidentMessage, status="notified") == 2
    passes = {p.status.value for p in db.session.scalars(sa.select(ReleasePass))}
    assert passes == {"used", "pending"} and count(Approval, status="pending", kind="passes.arrears") == 1
    rounds = db.session.scalars(sa.select(PatrolRound).order_by(PatrolRound.scheduled_for)).all()
    assert [r.status.value for r in rounds][-3:] == ["done", "done", "missed"]  # yesterday's; today's are not made
    findings = db.session.scalars(sa.select(PatrolFinding).order_by(PatrolFinding.id)).all()
    assert [f.status.value for f in findings] == ["closed", "open"]  # closed by a later round's re-check


def test_the_demo_agrees_with_itself_the_decorating_owner_lives_there(app):
    run_demo(app)
    unit = db.session.scalar(sa.select(Unit).where(Unit.archive_no == "HY-3-1502"))
    assert [r.name for r in unit.residents] == ["周建国"]
    assert db.session.scalar(sa.select(Decoration)).owner_name == "周建国"
    # Whoever else the demo names as the owner of HY-3-1502 is that resident too.
    authorisation = db.session.scalar(
        sa.select(KeyAuthorisation).join(KeyAuthorisation.key).where(Key.unit_id == unit.id))
    assert authorisation.owner_name == "周建国"
    resident_bookings = db.session.scalars(sa.select(Booking).where(Booking.unit_id == unit.id)).all()
    assert resident_bookings and all(b.contact_name == "周建国" for b in resident_bookings)


def _local_days(prop, moments) -> set:
    return {prop.local_day(moment) for moment in moments}


def test_the_demo_has_a_week_of_shifts_and_rounds_behind_it(app):
    run_demo(app)
    hy = db.session.scalar(sa.select(Property).where(Property.code == "HY"))
    today = hy.local_day(clock.now())
    past_week = {today - timedelta(days=n) for n in range(1, 8)}
    shifts = db.session.scalars(sa.select(Shift).where(Shift.property_id == hy.id)).all()
    for post in (Post.LOBBY, Post.FLOOR):
        of_post = [s for s in shifts if s.post is post]
        assert past_week <= _local_days(hy, [s.opened_at for s in of_post]), post
        closed = [s for s in of_post if s.status is ShiftStatus.CLOSED]
        assert len(closed) >= 14 and all(s.checklist_done and s.events and s.incoming for s in closed), post
        assert all(s.incoming_id != s.staff_id for s in closed)
        assert [s.status for s in of_post].count(ShiftStatus.OPEN) == 1  # the shift under way
    rounds = db.session.scalars(sa.select(PatrolRound).where(PatrolRound.property_id == hy.id)).all()
    assert _local_days(hy, [r.scheduled_for for r in rounds]) == past_week
    assert {r.status for r in rounds} == {RoundStatus.DONE, RoundStatus.MISSED}
    assert any(r.started_late for r in rounds) and any(r.started_early for r in rounds)
    presences = set(db.session.scalars(sa.select(PatrolResult.presence)))
    assert presences == {Presence.SCANNED, Presence.TYPED}


def test_the_demo_s_week_shows_on_recent_shifts_supervision_and_the_handover_archive(app):
    run_demo(app)
    supervisor = app.test_client()
    supervisor.login("supervisor", "frontdesk")
    journal = text(supervisor.get("/journal/"))
    recent = journal.split("最近班次", 1)[1]
    assert recent.count("刘前台") >= 7 and recent.count("孙客服") >= 7
    supervision = supervisor.get("/patrols/supervision")
    assert supervision.status_code == 200
    page = text(supervision)
    assert "这段时间没有人巡查" not in page
    assert "李客服" in page and "孙客服" in page
    assert "漏巡" in page and "迟巡" in page and "提前巡查" in page and "手输" in page
    handed_over = db.session.scalar(sa.select(Shift).where(Shift.status == ShiftStatus.CLOSED).order_by(Shift.id))
    assert supervisor.get(f"/journal/shifts/{handed_over.id}/handover.pdf").status_code == 200
