"""Ticket operations that span records: registration (numbers, SLA, visit draw, repeats, alerts)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from models import Department, DepartmentKind, Property, User, db
from models.ticket_rules import CapaStatus, CorrectiveAction, TicketSettings
from models.tickets import Nature, Severity, Ticket, TicketCategory, TicketEventKind, TicketSource, TicketStatus
from models.calendar import WorkingCalendar
from models.notifications import notify
from models.numbering import next_number

from ..shared.permissions import supervisor_ids
from ..shared.photos import save_photos
from .forms import TicketForm

REPEATS_FOR_CAPA = 3


def deadlines(calendar: WorkingCalendar, settings: TicketSettings, ticket: Ticket, start: datetime):
    reply, resolve = settings.reply_and_resolve(ticket)
    reply_due = calendar.add(start, reply) if isinstance(reply, timedelta) else calendar.add_workdays(start, reply)
    return reply_due, calendar.add_workdays(start, resolve)


def visit_draw(number: str) -> int:
    """A number 0–99 fixed by the ticket number: the sample can be recomputed and audited."""
    return int.from_bytes(hashlib.sha256(number.encode()).digest()[:4], "big") % 100


def create_ticket(
    prop: Property,
    user: User,
    received_at: datetime,
    *,
    source: TicketSource,
    category: TicketCategory,
    description: str,
    severity: Severity | None = None,
    nature: Nature = Nature.NORMAL,
    unit=None,
    location: str = "",
    caller_name: str = "",
    caller_phone: str = "",
    note: str = "",
) -> Ticket:
    """A new ticket with its number, deadlines and return-visit draw; alerts and repeats handled.

    The one way tickets are made: by the register form, from a journal check, from a patrol finding.
    """
    calendar = WorkingCalendar.of(prop)
    settings = TicketSettings.of(prop)
    number = next_number(prop, "TK", received_at)
    ticket = Ticket(
        property_id=prop.id,
        number=number,
        source=source,
        category=category,
        severity=severity,
        nature=Nature.IMPORTANT if severity in (Severity.MAJOR, Severity.IMPORTANT) else nature,
        unit=unit,
        location=location,
        caller_name=caller_name,
        caller_phone=caller_phone,
        description=description.strip(),
        first_contact=user,
        received_at=received_at,
        status=TicketStatus.RECEIVED,
        visit_required=visit_draw(number) < settings.visit_percent(category),
    )
    ticket.reply_due_at, ticket.resolve_due_at = deadlines(calendar, settings, ticket, received_at)
    db.session.add(ticket)
    ticket.log(TicketEventKind.REGISTERED, user, at=received_at, note=note)
    db.session.flush()
    if ticket.nature is Nature.IMPORTANT:
        alert_important(ticket)
    raise_capa_on_repeats(ticket, settings)
    return ticket


def register(form: TicketForm, prop: Property, user: User, received_at: datetime) -> Ticket:
    caller_name, caller_phone = form.caller
    ticket = create_ticket(
        prop,
        user,
        received_at,
        source=TicketSource(form.source.data),
        category=TicketCategory(form.category.data),
        severity=Severity(form.severity.data) if form.severity.data else None,
        nature=Nature(form.nature.data),
        unit=form.unit.unit,
        location=form.location.data or "",
        caller_name=caller_name,
        caller_phone=caller_phone,
        description=form.description.data,
    )
    if form.answer.data:
        ticket.answer_at_once(form.answer.data.strip(), user, received_at)
    save_photos(form.photos, ticket)
    return ticket


def add_to_existing(form: TicketForm, ticket: Ticket, user: User, received_at: datetime) -> Ticket:
    """「是同一件事」: the call goes on the ticket already registered, with its photos; the person working
    on it is told."""
    caller, phone = form.caller
    ticket.add_repeat_call(user, received_at, caller=caller, phone=phone, description=form.description.data)
    save_photos(form.photos, ticket)
    if ticket.assignee_id and ticket.assignee_id != user.id:
        notify([ticket.assignee_id], ticket.property_id, _("%(number)s 业户再次来电：%(text)s", number=ticket.number,
               text=form.description.data[:100]), url_for("tickets.detail", ticket_id=ticket.id))
    return ticket


def alert_important(ticket: Ticket) -> None:
    """Important tickets reach the property lead and the supervisors at once (seed 003 §2.3.1)."""
    leads = db.session.scalars(
        sa.select(Department.lead_id).where(
            Department.property_id == ticket.property_id,
            Department.kind == DepartmentKind.MANAGEMENT,
            Department.lead_id.is_not(None),
        )
    ).all()
    text = _("重要报事 %(number)s：%(category)s %(place)s —— %(text)s", number=ticket.number,
             category=ticket.category.label, place=ticket.place, text=ticket.description[:60])
    notify([*supervisor_ids(ticket.property_id), *leads], ticket.property_id, text, url_for("tickets.detail", ticket_id=ticket.id))


def raise_capa_on_repeats(ticket: Ticket, settings: TicketSettings) -> CorrectiveAction | None:
    """The same unit complaining, or needing the same repair, a third time within the window → a
    corrective & preventive action record (纠正与预防措施实施表, seed 003 客户回访管理规定 §3.4)."""
    if ticket.unit_id is None or ticket.category not in (TicketCategory.COMPLAINT, TicketCategory.REPAIR):
        return None
    since = ticket.received_at - timedelta(days=settings.repeat_window_days)
    repeats = db.session.scalars(
        sa.select(Ticket.id).where(
            Ticket.unit_id == ticket.unit_id, Ticket.category == ticket.category, Ticket.received_at >= since
        ).order_by(Ticket.id)
    ).all()
    if len(repeats) < REPEATS_FOR_CAPA:
        return None
    already = db.session.scalar(
        sa.select(CorrectiveAction).where(
            CorrectiveAction.unit_id == ticket.unit_id,
            CorrectiveAction.category == ticket.category,
            CorrectiveAction.status == CapaStatus.OPEN,
        )
    )
    if already is not None:
        already.ticket_ids = sorted(set(already.ticket_ids) | set(repeats))
        return already
    prop = db.session.get(Property, ticket.property_id)
    capa = CorrectiveAction(
        property_id=ticket.property_id,
        number=next_number(prop, "CA", ticket.received_at),
        unit_id=ticket.unit_id,
        category=ticket.category,
        ticket_ids=list(repeats),
        problem=_("%(unit)s 在 %(days)d 天内第 %(n)d 次%(category)s：%(text)s", unit=ticket.place,
                  days=settings.repeat_window_days, n=len(repeats), category=ticket.category.label,
                  text=ticket.description[:100]),
    )
    db.session.add(capa)
    db.session.flush()
    notify(supervisor_ids(ticket.property_id), ticket.property_id, _("需制定纠正与预防措施：%(p)s", p=capa.problem),
           url_for("tickets.capa_detail", capa_id=capa.id))
    return capa
