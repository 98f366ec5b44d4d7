"""The ticket module's paper forms (seed 003 §4 records) as A4 PDFs."""
from flask import abort
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from models import db
from models.ticket_rules import CorrectiveAction
from models.tickets import Ticket

from ..shared.localtime import requested_day
from ..shared.permissions import current_property, get_or_404, require, scoped
from ..shared.printing import day_register_number, render_pdf
from . import bp
from .access import contact_shown


@bp.get("/<int:ticket_id>/record.pdf")
@require("tickets.view")
def record_pdf(ticket_id: int):
    """客户意见处理记录表: one ticket from receipt to return visit."""
    ticket = get_or_404(Ticket, ticket_id)
    return render_pdf("print/tickets/record.html", filename=_("客户意见处理记录表-%(n)s", n=ticket.number),
                      title=_("客户意见处理记录表"), number=ticket.number, ticket=ticket)


@bp.get("/<int:ticket_id>/work-order.pdf")
@require("tickets.view")
def work_order_pdf(ticket_id: int):
    """维修单: what the worker takes to the unit, signed by the worker and the owner."""
    ticket = get_or_404(Ticket, ticket_id)
    if not ticket.has_work_order:
        abort(404)
    return render_pdf("print/tickets/work_order.html", filename=_("维修单-%(n)s", n=ticket.number),
                      title=_("维修单"), number=ticket.number, ticket=ticket, caller_phone=contact_shown(ticket))


@bp.get("/register.pdf")
@require("tickets.view")
def register_pdf():
    """客户信息登记表: every ticket received on one day."""
    day = requested_day()
    start, end = current_property().day_range(day)
    tickets = db.session.scalars(
        scoped(Ticket).where(Ticket.received_at >= start, Ticket.received_at < end).order_by(Ticket.received_at)
        .options(joinedload(Ticket.unit), joinedload(Ticket.first_contact), joinedload(Ticket.department))
    ).all()
    return render_pdf("print/tickets/register.html", filename=_("客户信息登记表-%(d)s", d=day.isoformat()),
                      title=_("客户信息登记表"), number=day_register_number(day), tickets=tickets, day=day)


@bp.get("/capa/<int:capa_id>.pdf")
@require("tickets.capa")
def capa_pdf(capa_id: int):
    capa = get_or_404(CorrectiveAction, capa_id)
    tickets = db.session.scalars(scoped(Ticket).where(Ticket.id.in_(capa.ticket_ids)).order_by(Ticket.received_at)).all()
    return render_pdf("print/tickets/capa.html", filename=_("纠正与预防措施实施表-%(n)s", n=capa.number),
                      title=_("纠正与预防措施实施表"), number=capa.number, capa=capa, tickets=tickets)
