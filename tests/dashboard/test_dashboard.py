"""The dashboard: each role meets the panels its modules declare for it, with the demo's work in them."""
import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from blueprints.shared.modules import first_rows_together
from models import CalendarDay, Property, Resident, Role, Unit, User, UserRole, db
from models.notifications import notify
from models.tickets import Ticket, TicketCategory, TicketSource

from ..sql import recorded_statements

DESK = ["当前班次", "件包裹待领", "人在场内", "件首接待反馈"]
PANELS = {
    "lobby": ["业户查询", "审批", "我的首接", *DESK],  # 审批: the demo's pass asked for a unit in arrears
    "concierge": ["业户查询", "我的首接", *DESK, "今日巡查"],
    "supervisor": ["业户查询", "我的首接", *DESK, "已超时", "待回访", "审批"],
    "engineer": ["部门待办"],
    "admin": ["业户查询", *DESK, "系统管理", "权限一览"],
}
ALL = {title for titles in PANELS.values() for title in titles}



@pytest.mark.parametrize("username", PANELS)
def test_each_role_sees_its_panels_and_no_others(client, demo, username):
    client.login(username, "frontdesk")
    page = client.get("/dashboard").get_data(as_text=True)
    assert [title for title in PANELS[username] if title not in page] == []
    assert [title for title in ALL - set(PANELS[username]) if f">{title}<" in page] == []


def test_the_desk_panel_counts_what_is_waiting_and_refreshes_alone(client, demo):
    client.login("lobby", "frontdesk")
    panel = client.get("/journal/desk", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert panel.startswith('<section class="card panel desk" id="desk-panel"')
    assert '<span class="stat">7</span>件包裹待领' in panel  # the demo's parcels on the shelves
    assert '<span class="stat">5</span>条包裹通知待发' in panel  # and the residents still to be told
    assert '<span class="stat">1</span>人在场内' in panel  # and its visitor
    assert "来访登记" in panel and "包裹登记" in panel and "登记报事" in panel


def test_the_dashboard_asks_the_numbers_of_all_its_cards_in_one_statement(client, demo):
    client.login("lobby", "frontdesk")
    with recorded_statements() as statements:
        page = client.get("/dashboard").get_data(as_text=True)
    counts = [s for s in statements if "count(" in s and "login_sessions" not in s]
    assert len(counts) == 1 and "FROM units" in counts[0] and "FROM parcels" in counts[0]
    here = db.session.scalar(sa.select(sa.func.min(UserRole.property_id)).join(User).where(User.username == "lobby"))
    units, residents = (db.session.scalar(sa.select(sa.func.count(model.id)).where(model.property_id == here))
                        for model in (Unit, Resident))
    assert f"在管 {units} 户，登记住户 {residents} 人" in page
    assert '<span class="stat">7</span>件包裹待领' in page and '<span class="stat">1</span>人在场内' in page


def test_the_concierge_sees_todays_rounds_from_the_schedules(client, demo):
    client.login("concierge", "frontdesk")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "公共区域日常巡查" in page and "夜间安全巡查" in page


def test_the_supervisor_sees_the_overdue_and_the_visits_owed(client, demo):
    client.login("supervisor", "frontdesk")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "楼上漏水，卫生间顶棚渗水" in page  # fed back, drawn for a visit


def test_the_department_sees_its_queue(client, demo):
    client.login("engineer", "frontdesk")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "客厅插座没电" in page and "电梯按钮失灵" in page
    assert re.search(r"HY-TK-\d{8}-\d{4} 报修", page)  # whole numbers, as the paper and the list print them


def test_the_lobby_has_one_way_to_each_form(client, demo):
    client.login("lobby", "frontdesk")
    page = client.get("/dashboard").get_data(as_text=True)
    assert page.count(">登记报事<") == 1 and page.count(">来访登记<") == 1


def test_admins_are_warned_in_december_of_a_year_without_holidays(client, demo, clock):
    clock.move_to(datetime.fromisoformat("2026-12-10T10:00:00+08:00"))
    client.login("admin", "frontdesk")
    assert "尚未录入 2027 年的节假日" in client.get("/dashboard").get_data(as_text=True)
    garden = db.session.scalar(sa.select(Property).where(Property.code == "HY"))
    db.session.add(CalendarDay(property_id=garden.id, day=datetime(2027, 1, 1).date(), is_workday=False, name="元旦"))
    db.session.commit()
    assert "尚未录入" not in client.get("/dashboard").get_data(as_text=True)


def _bell(client, path="/tickets/") -> str:
    page = client.get(path).get_data(as_text=True)
    return " ".join(re.search(r'<a class="bell[^"]*"[^>]*>(.*?)</a>', page, re.S).group(1).split())


def test_the_header_counts_the_unread_notifications_of_the_property_worked_in(client, make, prop):
    other = make.property("HD", "恒宇大厦")
    user = make.user("chen", {prop: [Role.SUPERVISOR], other: [Role.SUPERVISOR]})
    notify([user.id], prop.id, "甲")
    notify([user.id], other.id, "乙")
    notify([user.id], other.id, "丙")
    db.session.commit()
    client.login("chen")
    assert _bell(client) == '通知 <span class="count">1</span>'
    client.post_form("/switch-property", {"property_id": other.id})
    assert _bell(client) == '通知 <span class="count">2</span>'
    client.post_form("/notifications/read", {})
    assert _bell(client, "/notifications") == "通知"
    client.post_form("/switch-property", {"property_id": prop.id})
    assert _bell(client) == '通知 <span class="count">1</span>'
    # The session still names a property whose roles were taken away: the user works in their other one.
    client.post_form("/switch-property", {"property_id": other.id})
    db.session.execute(sa.delete(UserRole).where(UserRole.user_id == user.id, UserRole.property_id == other.id))
    db.session.commit()
    assert _bell(client) == '通知 <span class="count">1</span>'


def test_a_desk_count_past_99_shows_as_99_plus(client, make, prop, login_as):
    desk = login_as(Role.LOBBY)
    received = datetime(2026, 11, 18, 1, 0, tzinfo=timezone.utc)
    for n in range(1, 101):
        db.session.add(Ticket(property_id=prop.id, number=f"HY-TK-20261118-{n:04d}", source=TicketSource.PHONE,
                              category=TicketCategory.REPAIR, description="报修", first_contact=desk,
                              received_at=received))
        if n in (99, 100):
            db.session.commit()
            panel = client.get("/journal/desk", headers={"HX-Request": "true"}).get_data(as_text=True)
            assert f'<span class="stat">{"99" if n == 99 else "99+"}</span>件首接待反馈' in panel


def test_lists_of_one_kind_come_in_one_statement_in_their_own_order_and_limits(app, make, prop):
    desk = make.user("desk", {prop: [Role.LOBBY]})
    received = datetime(2026, 11, 18, 1, 0, tzinfo=timezone.utc)
    for n, category in enumerate([TicketCategory.REPAIR, TicketCategory.ENQUIRY] * 6, start=1):
        db.session.add(Ticket(property_id=prop.id, number=f"HY-TK-20261118-{n:04d}", source=TicketSource.PHONE,
                              category=category, description=f"第{n}件", first_contact=desk,
                              received_at=received.replace(minute=n % 4)))  # ties on the time: the id decides
    db.session.commit()
    lists = {
        "newest": sa.select(Ticket).order_by(Ticket.received_at.desc(), Ticket.id.desc()).limit(5),
        "oldest repairs": sa.select(Ticket).where(Ticket.category == TicketCategory.REPAIR)
        .order_by(Ticket.received_at, Ticket.id).limit(4),
        "none": sa.select(Ticket).where(Ticket.category == TicketCategory.COMPLAINT).limit(3),
    }
    alone = {name: [t.number for t in db.session.scalars(select)] for name, select in lists.items()}
    with recorded_statements() as statements:
        first, second = first_rows_together([{"newest": lists["newest"]},
                                             {"oldest repairs": lists["oldest repairs"], "none": lists["none"]}])
    assert len(statements) == 1
    assert {name: [t.number for t in rows] for name, rows in (first | second).items()} == alone
    assert set(alone["newest"]) & set(alone["oldest repairs"])  # a ticket in both lists is in both


def test_the_supervisors_ticket_cards_and_approvals_come_one_statement_each(client, demo):
    client.login("supervisor", "frontdesk")
    with recorded_statements() as statements:
        page = client.get("/dashboard").get_data(as_text=True)
    assert "已超时" in page and "楼上漏水，卫生间顶棚渗水" in page
    assert len([s for s in statements if s.startswith("SELECT tickets.")]) == 1
    assert len([s for s in statements if s.startswith("SELECT approvals.")]) == 1
