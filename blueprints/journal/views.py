
import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from models import Role, User, clock, db
from models.attachments import attachments_of
from models.journal import CheckResult, JournalEvent, Post, Shift, ShiftCheck, ShiftStatus

from ..auth import throttle
from ..shared.forms import EmptyForm
from ..shared.handover import compile_handover
from ..shared.htmx import INVALID, is_htmx, render
from ..shared.offline import client_time, offline_submit
from ..shared.modules import platform
from ..shared.permissions import can, current_property, current_roles, get_or_404, require, scoped
from ..shared.photos import save_photos
from . import bp
from .forms import CheckForm, ConfirmForm, EventForm, HandOverForm, OpenShiftForm, ReviseEventForm
from .services import JournalError, all_ok, check_to_ticket, confirm_handover, hand_over, open_shift, record_check


@bp.get("/")
@require("journal.view")
def index():
    people = (joinedload(Shift.staff), joinedload(Shift.incoming))
    on_duty = db.session.scalars(
        scoped(Shift).where(Shift.status != ShiftStatus.CLOSED).order_by(Shift.post).options(*people)
    ).all()
    recent = db.session.scalars(scoped(Shift).order_by(Shift.opened_at.desc()).limit(30).options(*people)).all()
    return render("journal/index.html", on_duty=on_duty, recent=recent, form=OpenShiftForm(post=_own_post()), Post=Post)


def _own_post() -> str:
    """The post a user usually opens: a floor concierge's is the floor, everyone else's the lobby."""
    roles = current_roles()
    return (Post.FLOOR if Role.CONCIERGE in roles and Role.LOBBY not in roles else Post.LOBBY).value


@bp.post("/shifts")
@require("journal.work")
def open_shift_view():
    form = OpenShiftForm()
    if form.validate_on_submit():
        try:
            shift = open_shift(current_property(), Post(form.post.data), current_user, client_time())
        except JournalError as error:
            flash(str(error), "error")
        else:
            db.session.flush()
            return redirect(url_for("journal.shift", shift_id=shift.id))
    return redirect(url_for("journal.index"))


def _may_write(shift: Shift) -> bool:
    """The staff on duty write their own shift's journal; a supervisor may add to any."""
    return shift.staff_id == current_user.id or Role.SUPERVISOR in current_roles()


def render_shift(shift: Shift, *, event_form=None, handover_form=None, confirm_form=None, check_errors=None,
                 typed_notes=None, status=200):
    return render(
        "journal/shift.html",
        shift=shift,
        event_form=event_form or EventForm(formdata=None),
        handover_form=handover_form or HandOverForm(formdata=None),
        confirm_form=confirm_form or ConfirmForm(formdata=None),
        revise_form=ReviseEventForm(formdata=None),
        may_write=_may_write(shift),
        preview=compile_handover(shift) if shift.status is ShiftStatus.OPEN else shift.handover_items,
        photos={e.id: attachments_of(e) for e in shift.events},
        check_errors=check_errors or {},
        typed_notes=typed_notes or {},
        held_form=_held_form(),
        status=status,
    )


# Items held for owners are registered by lost-and-found (photo, place, signature on collection); the
# journal leads there when that module is installed. Older held-item events stay in the journal's history.
HELD_FORM = "lostfound.held_new"


def _held_form() -> str | None:
    if HELD_FORM in current_app.view_functions and HELD_FORM.split(".")[0] + ".work" in platform().permissions \
            and can(HELD_FORM.split(".")[0] + ".work"):
        return url_for(HELD_FORM)
    return None


@bp.get("/shifts/<int:shift_id>")
@require("journal.view")
def shift(shift_id: int):
    return render_shift(get_or_404(Shift, shift_id))


@bp.post("/shifts/<int:shift_id>/checks/<int:check_id>")
@require("journal.work")
def check(shift_id: int, check_id: int):
    shift = get_or_404(Shift, shift_id)
    item = db.first_or_404(sa.select(ShiftCheck).where(ShiftCheck.id == check_id, ShiftCheck.shift_id == shift.id))
    if not _may_write(shift):
        abort(403)
    form = CheckForm()
    error = None
    if form.validate_on_submit():
        try:
            record_check(item, CheckResult(form.result.data), form.note.data or "", client_time())
            db.session.flush()
        except JournalError as exc:
            error = str(exc)
    else:
        error = _("请选择正常或异常")
    status = INVALID if error else 200
    if is_htmx():  # the row, and (on the staff's own page) the hand-over's notice, gone with the last line
        blocks = ["check_row", "checklist_notice"] if shift.staff_id == current_user.id else ["check_row"]
        return render("journal/shift.html", blocks, shift=shift, check=item,
                      check_errors={item.id: error}, typed_notes={item.id: form.note.data}, may_write=True,
                      status=status)
    if not error:
        return redirect(url_for("journal.shift", shift_id=shift.id, _anchor=f"check-{item.id}"))
    return render_shift(shift, check_errors={item.id: error}, typed_notes={item.id: form.note.data}, status=status)


@bp.post("/shifts/<int:shift_id>/checks/all-ok")
@require("journal.work")
def all_checks_ok(shift_id: int):
    """全部正常: every line not answered yet is OK; the exceptions are marked one by one."""
    shift = get_or_404(Shift, shift_id)
    if not _may_write(shift):
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        all_ok(shift, client_time())
    except JournalError as error:
        flash(str(error), "error")
    return redirect(url_for("journal.shift", shift_id=shift.id, _anchor="checklist"))


@bp.post("/shifts/<int:shift_id>/checks/<int:check_id>/ticket")
@require("tickets.register")
def check_ticket(shift_id: int, check_id: int):
    shift = get_or_404(Shift, shift_id)
    item = db.first_or_404(sa.select(ShiftCheck).where(ShiftCheck.id == check_id, ShiftCheck.shift_id == shift.id))
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        ticket = check_to_ticket(item, current_property(), current_user, clock.now())
    except JournalError as error:
        flash(str(error), "error")
    else:
        db.session.flush()
        flash(_("已转为报事 %(number)s", number=ticket.number), "success")
    return redirect(url_for("journal.shift", shift_id=shift.id))


@bp.route("/shifts/<int:shift_id>/events", methods=["GET", "POST"])
@require("journal.work")
@offline_submit
def add_event(shift_id: int):
    shift = get_or_404(Shift, shift_id)
    if not _may_write(shift):
        abort(403)
    form = EventForm()
    if form.validate_on_submit():
        event = JournalEvent(
            property_id=shift.property_id, shift=shift, kind=form.kind.data, text=form.text.data.strip(),
            unit=form.unit.unit, at=client_time(), author=current_user,
        )
        db.session.add(event)
        db.session.flush()
        save_photos(form.photos, event)
        return redirect(url_for("journal.shift", shift_id=shift.id, _anchor=f"event-{event.id}"))
    if request.method == "GET":
        return redirect(url_for("journal.shift", shift_id=shift.id))
    return render_shift(shift, event_form=form, status=INVALID)


@bp.post("/events/<int:event_id>/revise")
@require("journal.work")
def revise_event(event_id: int):
    event = get_or_404(JournalEvent, event_id)
    if not _may_write(event.shift):
        abort(403)
    form = ReviseEventForm()
    if form.validate_on_submit():
        event.revise(form.text.data.strip(), current_user, clock.now())
        db.session.flush()
        flash(_("已修改；原内容保留在记录中"), "success")
    return redirect(url_for("journal.shift", shift_id=event.shift_id, _anchor=f"event-{event.id}"))


@bp.post("/events/<int:event_id>/resolve")
@require("journal.work")
def resolve_event(event_id: int):
    """An item held for an owner was collected: it leaves the handover list."""
    event = get_or_404(JournalEvent, event_id)
    if EmptyForm().validate_on_submit() and event.resolved_at is None:
        event.resolved_at = clock.now()
        db.session.flush()
    return redirect(request.referrer or url_for("journal.shift", shift_id=event.shift_id))


@bp.post("/shifts/<int:shift_id>/hand-over")
@require("journal.work")
def hand_over_view(shift_id: int):
    shift = get_or_404(Shift, shift_id)
    if shift.staff_id != current_user.id:
        abort(403)
    form = HandOverForm()
    if form.validate_on_submit():
        try:
            hand_over(shift, form.notes.data or "", clock.now())
            db.session.flush()
            return redirect(url_for("journal.shift", shift_id=shift.id, _anchor="handover"))
        except JournalError as error:
            form.notes.errors.append(str(error))
    return render_shift(shift, handover_form=form, status=INVALID)


@bp.post("/shifts/<int:shift_id>/confirm")
@require("journal.work")
def confirm(shift_id: int):
    """The incoming staff confirm on the same tablet, with their own password."""
    shift = get_or_404(Shift, shift_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        incoming = db.session.scalar(sa.select(User).where(User.username == form.username.data.strip()))
        if throttle.throttled(form.username.data):
            form.password.errors.append(throttle.wait_message())
        elif incoming is None or not incoming.active or not incoming.check_password(form.password.data):
            throttle.record_failure(form.username.data)
            form.password.errors.append(_("用户名或密码不正确"))
        elif current_property().id not in incoming.property_ids():
            form.username.errors.append(_("此人不在本项目任职"))
        else:
            try:
                confirm_handover(shift, incoming, current_property(), clock.now())
                db.session.flush()
                flash(_("交接完成：%(name)s 已接班", name=incoming.display_name), "success")
                return redirect(url_for("journal.shift", shift_id=shift.id))
            except JournalError as error:
                flash(str(error), "error")
    return render_shift(shift, confirm_form=form, status=INVALID)
