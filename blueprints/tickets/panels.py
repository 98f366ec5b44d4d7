"""The tickets' cards on the dashboard and their count on the desk panel."""
import sqlalchemy as sa
from flask import g, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from models import clock
from models.calendar import WorkingCalendar
from models.tickets import Ticket

from ..shared.modules import DESK_CAP
from ..shared.permissions import current_property, scoped
from .search import TicketFilter, overdue_condition, visit_dues

SHOWN = 8


def _calendar() -> WorkingCalendar:
    """The property's calendar, read once for all of a dashboard's ticket cards."""
    if "tickets_calendar" not in g:
        g.tickets_calendar = WorkingCalendar.of(current_property())
    return g.tickets_calendar


def _panel(tickets: list[Ticket], *, title: str, link: str, empty: str, subtitle: str = "", visits: bool = False) -> dict:
    prop, now, calendar = current_property(), clock.now(), _calendar()
    return {
        "tickets": tickets, "title": title, "link": link, "empty": empty, "subtitle": subtitle,
        "clocks": {t.id: t.clock(calendar, now) for t in tickets},
        "visit_dues": visit_dues(prop, calendar, tickets) if visits else {}, "as_of": now,
    }


def _first(stmt: sa.Select) -> dict[str, sa.Select]:
    """A card's list, asked by the dashboard together with the other ticket cards' (Panel.lists)."""
    return {"tickets": stmt.options(joinedload(Ticket.unit)).limit(SHOWN)}


def mine_first() -> dict[str, sa.Select]:
    return _first(TicketFilter(mine=True).select())


def mine(rows: dict[str, list]) -> dict:
    return _panel(rows["tickets"], title=_("我的首接"), subtitle=_("尚未反馈客户"),
                  link=url_for("tickets.index", mine=1), empty=_("没有待反馈的事项"))


def overdue_first() -> dict[str, sa.Select]:
    return _first(scoped(Ticket).where(overdue_condition(clock.now())).order_by(Ticket.received_at, Ticket.id))


def overdue(rows: dict[str, list]) -> dict:
    return _panel(rows["tickets"], title=_("已超时"), link=url_for("tickets.index", overdue=1), empty=_("没有超时的报事"))


def visits_first() -> dict[str, sa.Select]:
    return _first(TicketFilter(visits=True).select())


def visits(rows: dict[str, list]) -> dict:
    return _panel(rows["tickets"], title=_("待回访"), link=url_for("tickets.index", visits=1),
                  empty=_("没有待回访的报事"), visits=True)


def queue_first() -> dict[str, sa.Select]:
    return _first(TicketFilter(queue=True).select())


def queue(rows: dict[str, list]) -> dict:
    return _panel(rows["tickets"], title=_("部门待办"), link=url_for("tickets.index", queue=1),
                  empty=_("没有待处理的工单"))


def owed() -> sa.Select:
    """My first contacts not yet fed back to the customer, up to one past the desk's cap: at a million
    tickets a colleague may owe thousands, which took 2.4 ms to count on every desk refresh."""
    mine = TicketFilter(mine=True).select().order_by(None).limit(DESK_CAP + 1)
    return sa.select(sa.func.count()).select_from(mine.subquery())
