"""The floor: the fastest honest version of the ticket list's first page this stack can serve.

Flask, the same signed session cookie (`frontdesk_session`, the same secret) and the same open-log-in
check as the app's user loader; then the first page's rows from one SQL statement (no ORM), rendered by
one Jinja template into the same HTML as the real page, with no translation lookups. What stays the same
from one request to the next is taken as it is: the page around the rows (`FLOOR_PAGE`, the real page as
the bench fetched it for the same user, its CSRF token swapped for a fresh one per request), the labels,
and the property's working calendar (read once). The SLA clocks are worked out per row with the app's own
calendar code, as the real page does. `bench/__main__.py` checks that both pages match before it loads them.

    FLOOR_PAGE=page.html DATABASE_URL=… FLASK_SECRET_KEY=… python -m gunicorn 'bench.floor:create_app()'
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, abort, session
from flask_wtf.csrf import generate_csrf
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from models.base import UTCDateTime
from models.calendar import WorkingCalendar

ROOT = Path(__file__).resolve().parent.parent
PER_PAGE = 30

USER = sa.text("""
    SELECT u.id, r.property_id,
           (SELECT count(*) FROM notifications n
             WHERE n.user_id = u.id AND n.property_id = r.property_id AND n.read_at IS NULL) AS unread
      FROM login_sessions s JOIN users u ON u.id = s.user_id JOIN user_roles r ON r.user_id = u.id
     WHERE s.token = :token AND s.ended_at IS NULL AND u.active
     ORDER BY r.property_id LIMIT 1
""")
ROWS = sa.text("""
    SELECT t.id, t.number, t.received_at, t.category, t.severity, t.location, un.archive_no, t.description,
           fc.display_name AS owner, d.name AS department, t.status, t.paused_since, t.rework_due_at,
           t.replied_at, t.reply_due_at, t.resolve_due_at, t.fed_back_at, t.visit_required
      FROM tickets t JOIN users fc ON fc.id = t.first_contact_id
           LEFT JOIN units un ON un.id = t.unit_id LEFT JOIN departments d ON d.id = t.department_id
     WHERE t.property_id = :property
     ORDER BY t.received_at DESC, t.id DESC LIMIT :limit
""").columns(**dict.fromkeys(
    ["received_at", "paused_since", "rework_due_at", "replied_at", "reply_due_at", "resolve_due_at", "fed_back_at"],
    UTCDateTime))

ROW = """{% from "tickets/_clock.html" import sla, visit %}
  {% for t in rows %}
    <tr><td class="key"><a href="/tickets/{{ t.id }}">{{ t.number }}</a></td><td data-label="受理">{{ t.received_at|local }}</td>
      <td>{{ categories[t.category] }}{% if t.severity %}·{{ severities[t.severity] }}{% endif %}</td><td class="key">{{ t.archive_no or t.location }}</td>
      <td class="wide">{{ t.description|truncate(30) }}</td><td data-label="首接">{{ t.owner }}</td><td>{{ t.department or "" }}</td>
      <td>{{ statuses[t.status] }}</td><td>{% if t.id in visits %}{{ visit(visits[t.id], as_of) }}{% else %}{{ sla(clocks[t.id]) }}{% endif %}</td></tr>
  {% endfor %}
  """
PAGE = """{% for part in before %}{{ part }}{% if not loop.last %}{{ csrf }}{% endif %}{% endfor %}""" + ROW + \
    """{% for part in after %}{{ part }}{% if not loop.last %}{{ csrf }}{% endif %}{% endfor %}"""


def split_page(html: str, token: str) -> tuple[list[Markup], list[Markup]]:
    """The real page around its rows (<tbody>…</tbody>), each side cut where its CSRF token stood."""
    head, rest = html.split("<tbody>", 1)
    _, tail = rest.split("</tbody>", 1)
    return [Markup(p) for p in (head + "<tbody>").split(token)], [Markup(p) for p in ("</tbody>" + tail).split(token)]


class Clock:
    """What templates/tickets/_clock.html reads of a ticket's SLA clock (models/tickets.py Ticket.clock)."""

    def __init__(self, due, left, state):
        self.due, self.left, self.state = due, left, state


def sla_clock(t, calendar: WorkingCalendar, now: datetime) -> Clock | None:
    if t.status in ("done", "fed_back", "closed"):
        return None
    due = t.rework_due_at or (t.reply_due_at if t.replied_at is None else t.resolve_due_at)
    if t.paused_since is not None:
        return Clock(due, timedelta(), "paused")
    if now >= due:
        return Clock(due, -calendar.between(due, now), "overdue")
    started = t.rework_due_at - timedelta(hours=24) if t.rework_due_at else t.received_at
    total = calendar.between(started, due) or timedelta(seconds=1)
    left = calendar.between(now, due)
    return Clock(due, left, "warning" if left / total < 0.25 else "ok")


def create_app() -> Flask:
    from models.tickets import Severity, TicketCategory, TicketStatus

    app = Flask(__name__)
    app.config.update(SECRET_KEY=os.environ["FLASK_SECRET_KEY"], SESSION_COOKIE_NAME="frontdesk_session")
    engine = sa.create_engine(os.environ["DATABASE_URL"])
    page = Path(os.environ["FLOOR_PAGE"]).read_text()
    token = os.environ["FLOOR_TOKEN"]
    before, after = split_page(page, token)

    env = Environment(autoescape=True, loader=FileSystemLoader(ROOT / "templates"))
    env.globals["_"] = lambda text, **values: text % values if values else text  # the page's own language
    labels = {
        "categories": {c.value: str(c.label) for c in TicketCategory},
        "severities": {s.value: str(s.label) for s in Severity},
        "statuses": {s.value: str(s.label) for s in TicketStatus},
    }
    with engine.connect() as connection:
        prop = connection.execute(sa.text(
            "SELECT id, timezone, work_starts_at, work_ends_at FROM properties ORDER BY id LIMIT 1")).one()
        days = connection.execute(sa.text(
            "SELECT day, is_workday FROM calendar_days WHERE property_id = :p"), {"p": prop.id}).all()
        within = connection.scalar(sa.text(
            "SELECT visit_within_days FROM ticket_settings WHERE property_id = :p"), {"p": prop.id}) or 10
    # Read in gunicorn's master when it preloads (gunicorn.conf.py): no connection of it may pass to the workers.
    engine.dispose()
    zone = ZoneInfo(prop.timezone)
    env.filters["local"] = lambda value, fmt="%Y-%m-%d %H:%M": value.astimezone(zone).strftime(fmt) if value else ""
    calendar = WorkingCalendar(zone, _time(prop.work_starts_at), _time(prop.work_ends_at),
                               {_date(d): bool(w) for d, w in days})
    template = env.from_string(PAGE)

    @app.get("/tickets/")
    def tickets():
        with engine.connect() as connection:
            user = connection.execute(USER, {"token": session.get("_user_id")}).first()
            if user is None:
                abort(401)
            rows = connection.execute(ROWS, {"property": user.property_id, "limit": PER_PAGE + 1}).all()[:PER_PAGE]
        now = datetime.now(timezone.utc)
        visits = {t.id: calendar.add_workdays(t.fed_back_at, within) for t in rows
                  if t.status == "fed_back" and t.visit_required}
        return template.render(
            before=before, after=after, csrf=generate_csrf(), rows=rows, as_of=now, visits=visits,
            clocks={t.id: sla_clock(t, calendar, now) for t in rows}, **labels,
        )

    return app


def _time(value):
    return value if not isinstance(value, str) else datetime.strptime(value[:5], "%H:%M").time()


def _date(value):
    return value if not isinstance(value, str) else datetime.strptime(value, "%Y-%m-%d").date()
