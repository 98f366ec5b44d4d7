"""纠正与预防措施: the records raised by repeated complaints or repairs, worked by supervisors."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from models import User, clock, db
from models.ticket_rules import CapaStatus, CorrectiveAction, TicketSettings
from models.tickets import Ticket

from ..shared.htmx import INVALID, render
from ..shared.permissions import current_property, get_or_404, require, scoped, staff
from . import bp
from .forms import CapaForm, SelectChoice, SettingsForm


@bp.get("/capa")
@require("tickets.capa")
def capa_list():
    actions = db.session.scalars(
        scoped(CorrectiveAction).order_by(CorrectiveAction.status, CorrectiveAction.id.desc())
    ).all()
    return render("tickets/capa_list.html", actions=actions)


@bp.route("/capa/<int:capa_id>", methods=["GET", "POST"])
@require("tickets.capa")
def capa_detail(capa_id: int):
    capa = get_or_404(CorrectiveAction, capa_id)
    form = CapaForm(obj=capa, data={"version": "", "verified": capa.status is CapaStatus.VERIFIED})
    form.owner_id.choices = [SelectChoice("", "—")] + [SelectChoice(u.id, u.display_name) for u in staff(current_property().id)]
    if form.validate_on_submit():
        capa.cause, capa.measures, capa.verification = form.cause.data, form.measures.data, form.verification.data
        capa.owner = db.session.get(User, form.owner_id.data) if form.owner_id.data else None
        capa.due_on = form.due_on.data
        if form.verified.data and capa.status is CapaStatus.OPEN:
            capa.status, capa.verified_at = CapaStatus.VERIFIED, clock.now()
        db.session.flush()
        flash(_("已保存"), "success")
        return redirect(url_for("tickets.capa_detail", capa_id=capa.id))
    tickets = db.session.scalars(
        scoped(Ticket).where(Ticket.id.in_(capa.ticket_ids)).order_by(Ticket.received_at)
    ).all()
    return render(
        "tickets/capa_detail.html", capa=capa, form=form, tickets=tickets,
        status=INVALID if request.method == "POST" else 200,
    )


@bp.route("/settings", methods=["GET", "POST"])
@require("tickets.settings")
def settings():
    """Per-property SLA times, return-visit rates and repeat window (defaults from seed 003)."""
    current = TicketSettings.of(current_property())
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        form.populate_obj(current)
        db.session.add(current)
        db.session.flush()
        flash(_("已保存报事设置；新登记的报事按新时限计算"), "success")
        return redirect(url_for("tickets.settings"))
    return render("tickets/settings.html", form=form, status=INVALID if request.method == "POST" else 200)
