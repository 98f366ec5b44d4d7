"""The ticket list's filters and search, as one SELECT, and the list's pages of it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy.orm import joinedload

from models import Role, Unit, clock, db
from models.org import PINYIN_INITIALS
from models.ticket_rules import TicketSettings
from models.tickets import Ticket, TicketCategory, TicketStatus, WORK_STATUSES

from ..shared.lists import ListFilter, UncountedPage
from ..shared.permissions import current_property, scoped
from ..shared.units import unit_ids_matching


WHOLE_NUMBER = re.compile(r"[A-Za-z0-9]+-[A-Za-z]+-\d{8}-\d{4,}")  # HY-TK-20261122-0007 (models/numbering.py)


@dataclass
class TicketFilter(ListFilter):
    status: str = ""
    category: str = ""
    department: int | None = None
    owner: int | None = None  # the first-contact owner (首接人)
    unit: str = ""
    mine: bool = False  # 我的首接: what I still owe a customer
    queue: bool = False  # my department's work
    overdue: bool = False
    visits: bool = False  # 待回访: fed back, drawn for a return visit, not yet visited
    date_from: date | None = None
    date_to: date | None = None

    params = {"date_from": "from", "date_to": "to"}

    def select(self) -> sa.Select:
        return self.apply(scoped(Ticket).order_by(Ticket.received_at.desc(), Ticket.id.desc()))

    def where(self, stmt: sa.Select) -> sa.Select:
        if self.status == "open":
            stmt = stmt.where(Ticket.status != TicketStatus.CLOSED)
        elif self.status in TicketStatus._value2member_map_:
            stmt = stmt.where(Ticket.status == TicketStatus(self.status))
        if self.category in TicketCategory._value2member_map_:
            stmt = stmt.where(Ticket.category == TicketCategory(self.category))
        if self.department:
            stmt = stmt.where(Ticket.department_id == self.department)
        if self.owner:
            stmt = stmt.where(Ticket.first_contact_id == self.owner)
        if self.unit:
            stmt = stmt.where(Ticket.unit_id.in_(sa.select(Unit.id).where(Unit.archive_no.icontains(self.unit, autoescape=True))))
        if self.mine:
            stmt = stmt.where(
                Ticket.first_contact_id == current_user.id,
                Ticket.status.not_in([TicketStatus.FED_BACK, TicketStatus.CLOSED]),
            )
        if self.queue:
            departments = [r.department_id for r in current_user.roles
                           if r.role is Role.DEPARTMENT and r.property_id == current_property().id]
            stmt = stmt.where(Ticket.department_id.in_(departments), Ticket.status.in_(WORK_STATUSES))
        if self.overdue:
            stmt = stmt.where(overdue_condition(clock.now()))
        if self.visits:  # the longest waiting first
            stmt = stmt.where(Ticket.status == TicketStatus.FED_BACK, Ticket.visit_required).order_by(None).order_by(
                Ticket.fed_back_at, Ticket.id)
        if self.date_from:
            stmt = stmt.where(Ticket.received_at >= current_property().day_range(self.date_from)[0])
        if self.date_to:
            stmt = stmt.where(Ticket.received_at < current_property().day_range(self.date_to)[1])
        if self.q:
            stmt = stmt.where(self._text_condition())
        return stmt

    def shown(self) -> sa.Select:
        """The SELECT with what the list shows of a ticket loaded in the same query."""
        return self.select().options(
            joinedload(Ticket.unit), joinedload(Ticket.first_contact, innerjoin=True), joinedload(Ticket.department)
        )

    def page(self, number: int, per_page: int) -> UncountedPage:
        return UncountedPage.of(self.shown(), number, per_page)

    def _text_condition(self):
        q = self.q
        if re.fullmatch(r"\d{4}", q):
            # Four digits are a caller's phone tail or a room: both indexed, no scan of the text.
            rooms = db.session.scalars(
                sa.select(Unit.id).where(Unit.property_id == current_property().id, Unit.room == q)
            ).all()
            phone = Ticket.caller_phone_last4 == q
            # Without a room of that number, no OR: with one (even an empty IN), PostgreSQL reads the list
            # backwards for a rare tail (~300 ms at 1 M tickets) instead of the tail's index (0.2 ms).
            return sa.or_(phone, Ticket.unit_id.in_(rooms)) if rooms else phone
        conditions = [
            # A whole number through the unique index: in the trigram index, the parts every number
            # shares (HY-TK-2026…) list nearly every ticket.
            Ticket.number == q.upper() if WHOLE_NUMBER.fullmatch(q) else Ticket.number.icontains(q, autoescape=True),
            Ticket.description.icontains(q, autoescape=True),
            Ticket.caller_name.icontains(q, autoescape=True),
        ]
        if PINYIN_INITIALS.fullmatch(q):
            conditions.append(Ticket.caller_initials.startswith(q.lower(), autoescape=True))
        if re.fullmatch(r"[A-Za-z]*-?\d+[-\s]\w+", q) and (units := unit_ids_matching(q)):
            conditions.append(Ticket.unit_id.in_(units))
        return sa.or_(*conditions)


def visit_dues(prop, calendar, tickets) -> dict[int, datetime]:
    """When each ticket still owed a return visit must have it: the property's working days after the
    feedback (seed 003 客户回访管理规定: within 10 working days by default)."""
    owed = [t for t in tickets if t.status is TicketStatus.FED_BACK and t.visit_required]
    if not owed:
        return {}
    within = TicketSettings.of(prop).visit_within_days
    return {t.id: calendar.add_workdays(t.fed_back_at, within) for t in owed}


def overdue_condition(now: datetime):
    """Past the deadline the clock runs against (see Ticket.current_due), and not paused."""
    working = Ticket.status.in_([TicketStatus.RECEIVED, *WORK_STATUSES])
    return sa.and_(
        working,
        Ticket.paused_since.is_(None),
        sa.or_(
            sa.and_(Ticket.rework_due_at.is_not(None), Ticket.rework_due_at < now),
            sa.and_(Ticket.rework_due_at.is_(None), Ticket.replied_at.is_(None), Ticket.reply_due_at < now),
            sa.and_(Ticket.rework_due_at.is_(None), Ticket.replied_at.is_not(None), Ticket.resolve_due_at < now),
        ),
    )
