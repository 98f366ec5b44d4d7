"""会务接待工作单 on the concierge's tablet: the day's meetings, and one meeting's service from opening
the room to the record. Each step is a tap; the page refreshes itself every minute, so a service round
that falls due shows without anyone reloading."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import contains_eager, selectinload

from models import clock, db
from models.room_service import Step, Vessel, WorkOrder, WorkOrderStatus
from models.rooms import Occurrence, OccurrenceStatus, RoomsError, ServiceItem

from ..shared.forms import EmptyForm
from ..shared.htmx import INVALID, is_htmx, render
from ..shared.localtime import requested_day, today
from ..shared.offline import client_time
from ..shared.permissions import can, current_property, get_or_404, require
from . import bp
from .forms import CloseForm, RoundForm, TeaSheetForm
from .services import check_in, release_after, release_overdue
from .serving import close, done_step, record_round, request_cleaning, save_tea_sheet


def orders_on(property_id: int, day, *, with_left_open: bool = False) -> list[WorkOrder]:
    """The day's work orders in meeting order; with_left_open, after those of earlier days still in service
    (the evening's last meeting nobody closed). With what their lists show: the meeting, its room and
    booking, the steps and rounds (two more statements for any number of orders, not four an order)."""
    start, end = current_property().day_range(day)
    wanted = sa.and_(Occurrence.starts_at >= start, Occurrence.starts_at < end)
    if with_left_open:
        wanted = sa.or_(wanted, sa.and_(WorkOrder.status == WorkOrderStatus.IN_SERVICE, Occurrence.starts_at < start))
    meeting = contains_eager(WorkOrder.occurrence)
    return list(db.session.scalars(
        sa.select(WorkOrder).join(WorkOrder.occurrence).where(WorkOrder.property_id == property_id, wanted)
        .options(meeting.joinedload(Occurrence.room), meeting.joinedload(Occurrence.booking),
                 selectinload(WorkOrder.steps), selectinload(WorkOrder.rounds))
        .order_by(Occurrence.starts_at, WorkOrder.id)
    ))


@bp.get("/work-orders")
@require("rooms.view")
def work_orders():
    day = requested_day()
    orders = orders_on(current_property().id, day, with_left_open=day == today())
    return render("rooms/work_orders.html", "orders", day=day, orders=orders,
                  as_of=clock.now(), wait=release_after(), prev_day=day - timedelta(days=1),
                  next_day=day + timedelta(days=1))


def tea_form(order: WorkOrder) -> TeaSheetForm:
    data = {f"served_{item.value}": order.served_count(item) for item in ServiceItem}
    for vessel in Vessel:
        row = order.vessel(vessel)
        data[f"issued_{vessel.value}"] = row.issued if row else 0
        data[f"returned_{vessel.value}"] = row.returned if row else 0
    return TeaSheetForm(formdata=None, data=data)


def render_order(order: WorkOrder, *, tea=None, close_form=None, status=200):
    now, o = clock.now(), order.occurrence
    wait = release_after()
    next_round = order.next_round_at
    # The reminder alone when it refreshes itself; the work order's live part after a tap.
    block = "reminder" if request.method == "GET" and request.args.get("part") == "reminder" else "live"
    return render(
        "rooms/work_order.html", block, order=order, o=o, booking=o.booking, room=o.room, as_of=now, wait=wait,
        shown=o.shown_status(now, wait), next_round=next_round, round_due=bool(next_round and now >= next_round),
        may_check_in=o.status is OccurrenceStatus.CONFIRMED and o.blocked_from <= now and not o.overdue(now, wait),
        tea=tea or tea_form(order), close_form=close_form or CloseForm(formdata=None), round_form=RoundForm(formdata=None),
        steps=list(Step), items=list(ServiceItem), vessels=list(Vessel), serve=can("rooms.serve"), htmx=is_htmx(),
        status=status,
    )


@bp.get("/work-orders/<int:order_id>")
@require("rooms.view")
def work_order(order_id: int):
    return render_order(get_or_404(WorkOrder, order_id))


def _locked(order_id: int) -> WorkOrder:
    """The work order and its meeting, locked until the request ends (the meeting first, as the release
    does), so two tablets, or a tablet and cron, cannot step on each other."""
    occurrence_id = db.first_or_404(sa.select(WorkOrder.occurrence_id).where(
        WorkOrder.id == order_id, WorkOrder.property_id == current_property().id))
    db.session.scalar(sa.select(Occurrence).where(Occurrence.id == occurrence_id).with_for_update()
                      .execution_options(populate_existing=True))
    return db.session.scalar(sa.select(WorkOrder).where(WorkOrder.id == order_id).with_for_update()
                             .execution_options(populate_existing=True))


def _back(order: WorkOrder, anchor: str = ""):
    return redirect(url_for("rooms.work_order", order_id=order.id, _anchor=anchor or None))


def _perform(order: WorkOrder, action, anchor: str = ""):
    """Run a one-tap step on the (locked) work order; its outcome is flashed on the page."""
    if EmptyForm().validate_on_submit():
        try:
            flash(action(order), "success")
        except RoomsError as error:
            flash(str(error), "error")
    else:
        flash(_("页面已过期，请刷新后重试"), "error")
    return _back(order, anchor)


@bp.post("/work-orders/<int:order_id>/check-in")
@require("rooms.serve")
def check_in_view(order_id: int):
    order = _locked(order_id)
    # A no-show past its deadline is given back first (and stays given back): the check-in is refused.
    release_overdue(current_property(), clock.now(), room_id=order.occurrence.room_id)

    def receive(order):
        check_in(order, by=current_user, at=client_time())
        return _("已签到：参会人员入座后 5 分钟内上茶水、香巾")
    return _perform(order, receive, "tea")


@bp.post("/work-orders/<int:order_id>/steps/<step>")
@require("rooms.serve")
def step(order_id: int, step: str):
    if step not in Step._value2member_map_:
        abort(404)
    chosen = Step(step)

    def tick(order):
        done_step(order, chosen, by=current_user, at=client_time())
        return _("已完成：%(step)s", step=chosen.label)
    return _perform(_locked(order_id), tick, chosen.value)


@bp.post("/work-orders/<int:order_id>/cleaning")
@require("rooms.serve")
def cleaning(order_id: int):
    def ask(order):
        ticket = request_cleaning(order, current_property(), by=current_user, at=client_time())
        return _("已通知环境部保洁：%(n)s", n=ticket.number)
    return _perform(_locked(order_id), ask, "clean")


@bp.post("/work-orders/<int:order_id>/rounds")
@require("rooms.serve")
def service_round(order_id: int):
    order = _locked(order_id)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            done = record_round(order, by=current_user, at=client_time(), note=form.note.data or "")
        except RoomsError as error:
            flash(str(error), "error")
        else:
            flash(_("已记录第 %(n)d 次服务巡视", n=done.n), "success")
    return _back(order, "rounds")


@bp.post("/work-orders/<int:order_id>/tea-sheet")
@require("rooms.serve")
def tea_sheet(order_id: int):
    order = _locked(order_id)
    form = TeaSheetForm()
    if form.validate_on_submit():
        served, crockery = form.counts()
        try:
            save_tea_sheet(order, served, crockery)
        except RoomsError as error:
            db.session.rollback()
            (form[error.field].errors.append(str(error)) if error.field else form.form_errors.append(str(error)))
        else:
            flash(_("茶水出单统计表已保存"), "success")
            return _back(order, "tea-sheet")
    return render_order(order, tea=form, status=INVALID)


@bp.post("/work-orders/<int:order_id>/close")
@require("rooms.serve")
def close_view(order_id: int):
    order = _locked(order_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            close(order, by=current_user, at=client_time(), damage=form.damage.data, cleaned_after=form.cleaned_after.data,
                  record=form.record.data)
        except RoomsError as error:
            (form[error.field].errors.append(str(error)) if error.field else form.form_errors.append(str(error)))
        else:
            flash(_("工作单 %(n)s 已完成", n=order.number), "success")
            return _back(order)
    return render_order(order, close_form=form, status=INVALID)
