"""Tickets on the shift handover: first-contacted during the shift and not yet fed back (首接负责制:
the next shift keeps following them up)."""

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from models import clock, db
from models.tickets import Ticket, TicketStatus

from ..shared.handover import HandoverItem


def open_first_contacts(shift) -> list[HandoverItem]:
    until = shift.handed_over_at or clock.now()
    tickets = db.session.scalars(
        sa.select(Ticket)
        .where(Ticket.property_id == shift.property_id, Ticket.first_contact_id == shift.staff_id,
               Ticket.received_at >= shift.opened_at, Ticket.received_at <= until,
               Ticket.status.not_in([TicketStatus.FED_BACK, TicketStatus.CLOSED]))
        .order_by(Ticket.received_at)
    )
    return [
        HandoverItem(_("未反馈客户的报事"), f"{t.number} {t.category.label} {t.place} {t.description[:40]}（{t.status.label}）",
                     url_for("tickets.detail", ticket_id=t.id))
        for t in tickets
    ]
