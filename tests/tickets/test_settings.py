from models import Role, db
from models.ticket_rules import TicketSettings
from models.calendar import WorkingCalendar

from ..sql import recorded_statements
from .helpers import register_repair


def _settings_form(**changes):
    defaults = {c.key: c.default.arg for c in TicketSettings.__table__.columns if c.default is not None}
    return {key: str(value) for key, value in {**defaults, **changes}.items()}


def test_admin_changes_sla_times_used_by_new_tickets(client, make, prop, login_as):
    login_as(Role.ADMIN, username="root")
    make.user("desk", {prop: [Role.LOBBY]})
    response = client.post_form("/tickets/settings", _settings_form(other_reply_days=2, other_resolve_days=5))
    assert response.status_code == 302
    assert TicketSettings.of(prop).other_resolve_days == 5
    client.post_form("/logout")
    client.login("desk")
    ticket = register_repair(client)
    calendar = WorkingCalendar.of(prop)
    assert calendar.between(ticket.received_at, ticket.resolve_due_at) == 5 * calendar.day_length


def test_a_new_ticket_reads_the_settings_loaded_with_the_log_in(client, prop, login_as):
    login_as(Role.LOBBY)
    with recorded_statements() as statements:
        register_repair(client)
    reads = [s for s in statements if "ticket_settings" in s]
    assert reads and all("login_sessions" in s for s in reads)  # each request's log-in, none of their own


def test_out_of_range_settings_are_refused_in_chinese(client, prop, login_as):
    login_as(Role.ADMIN)
    response = client.post_form("/tickets/settings", _settings_form(repair_visit_percent=90, rework_hours="abc"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "报修回访比例应在 30%–80% 之间" in page
    assert "不是有效的整数" in page or "整数" in page
    assert db.session.scalar(db.select(db.func.count(TicketSettings.id))) == 0


def test_only_admins_change_settings(client, prop, login_as):
    login_as(Role.SUPERVISOR)
    assert client.get("/tickets/settings").status_code == 403
