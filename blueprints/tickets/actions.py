"""The steps on a ticket after registration: dispatch, accept, progress, pause/resume, done,
feedback to the customer, return visit, close. Each is a POST from the ticket's page."""
from __future__ import annotations


from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from models import Department, User, clock, db
from models.ticket_rules import TicketSettings
from models.tickets import Satisfaction, Ticket, TicketError, TicketVisit, VisitMethod
from models.calendar import WorkingCalendar

from ..shared.htmx import INVALID
from ..shared.permissions import current_property, get_or_404, require
from ..shared.photos import save_photos
from . import bp
from .access import may_feed_back, may_work_on
from .forms import ActionForm, DispatchForm, NoteForm, VisitForm, WorkNoteForm
from .views import render_detail


def _perform(ticket_id: int, form_cls, step, *, allowed=lambda ticket: True, done_message: str):
    ticket = get_or_404(Ticket, ticket_id)
    if not allowed(ticket):
        abort(403)
    form = form_cls(prefix=step.__name__)
    if form.validate_on_submit():
        try:
            ticket.check_version(form.seen_version())
            step(ticket, form)
            db.session.flush()
        except StaleDataError:
            db.session.rollback()
            form.form_errors.append(_("这张报事单刚被其他人更新过（见下方处理过程），请确认后再操作。"))
        except TicketError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(done_message, "success")
            return redirect(url_for("tickets.detail", ticket_id=ticket.id))
    db.session.expire_all()
    return render_detail(get_or_404(Ticket, ticket_id), open_form=form, status=INVALID)


@bp.post("/<int:ticket_id>/dispatch")
@require("tickets.dispatch")
def dispatch(ticket_id: int):
    def dispatch(ticket, form):
        department = db.session.get(Department, form.department_id.data)
        assignee = db.session.get(User, form.assignee_id.data) if form.assignee_id.data else None
        ticket.dispatch(department, assignee, current_user, form.note.data or "", clock.now())

    return _perform(ticket_id, DispatchForm, dispatch, done_message=_("已派工"))


@bp.post("/<int:ticket_id>/accept")
@require("tickets.work")
def accept(ticket_id: int):
    def accept(ticket, form):
        ticket.accept(current_user, clock.now())

    return _perform(ticket_id, ActionForm, accept, allowed=may_work_on, done_message=_("已接单"))


@bp.post("/<int:ticket_id>/note")
@require("tickets.work")
def note(ticket_id: int):
    def note(ticket, form):
        ticket.record_progress(current_user, form.note.data, clock.now())
        save_photos(form.photos, ticket)

    return _perform(ticket_id, WorkNoteForm, note, allowed=may_work_on, done_message=_("已记录进展"))


@bp.post("/<int:ticket_id>/pause")
@require("tickets.work")
def pause(ticket_id: int):
    def pause(ticket, form):
        ticket.pause(current_user, form.note.data, clock.now())

    return _perform(ticket_id, NoteForm, pause, allowed=may_work_on, done_message=_("已暂停计时"))


@bp.post("/<int:ticket_id>/resume")
@require("tickets.work")
def resume(ticket_id: int):
    def resume(ticket, form):
        ticket.resume(current_user, WorkingCalendar.of(current_property()), clock.now())

    return _perform(ticket_id, ActionForm, resume, allowed=may_work_on, done_message=_("已恢复计时"))


@bp.post("/<int:ticket_id>/complete")
@require("tickets.work")
def complete(ticket_id: int):
    def complete(ticket, form):
        ticket.complete(current_user, form.note.data, clock.now())
        save_photos(form.photos, ticket)

    return _perform(ticket_id, WorkNoteForm, complete, allowed=may_work_on, done_message=_("已完成，待首接人反馈客户"))


@bp.post("/<int:ticket_id>/feed-back")
@require("tickets.feedback")
def feed_back(ticket_id: int):
    def feed_back(ticket, form):
        ticket.feed_back(current_user, form.note.data, clock.now())

    return _perform(ticket_id, NoteForm, feed_back, allowed=may_feed_back, done_message=_("已记录反馈"))


@bp.post("/<int:ticket_id>/visit")
@require("tickets.visit")
def visit(ticket_id: int):
    def visit(ticket, form):
        record = TicketVisit(
            property_id=ticket.property_id,
            method=VisitMethod(form.method.data),
            satisfaction=Satisfaction(form.satisfaction.data),
            remarks=form.remarks.data or "", visited_at=clock.now(), visitor=current_user,
        )
        ticket.record_visit(record, current_user, TicketSettings.of(current_property()).rework_hours)

    return _perform(ticket_id, VisitForm, visit, done_message=_("已记录回访"))


@bp.post("/<int:ticket_id>/close")
@require("tickets.feedback")
def close(ticket_id: int):
    def close(ticket, form):
        ticket.close(current_user, clock.now())

    return _perform(ticket_id, ActionForm, close, allowed=may_feed_back, done_message=_("已关闭"))
