
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import contains_eager

from models import clock, db
from models.parcels import Carrier, Parcel, ParcelError, ParcelKind, ParcelStatus

from ..shared.htmx import INVALID, render
from ..shared.lists import Column, export_xlsx
from ..shared.offline import client_time, offline_submit
from ..shared.permissions import current_property, get_or_404, require, scoped
from . import bp
from .forms import IntakeForm, PickUpForm, ReturnForm
from .services import (
    ParcelFilter, hand_out, lock, receive, unclaimed_cutoff, unclaimed_days, waiting_summary, waiting_with,
)


@bp.get("/")
@require("parcels.view")
def index():
    filters = ParcelFilter.from_args(request.args)
    page = db.paginate(filters.select(), per_page=30, error_out=False)
    return render(
        "parcels/index.html", "results", page=page, filters=filters, summary=waiting_summary(current_property().id),
        cutoff=unclaimed_cutoff(), days=unclaimed_days(), as_of=clock.now(),
    )


EXPORT_COLUMNS = [
    Column(_l("编号"), lambda p: p.number),
    Column(_l("到件时间"), lambda p: p.received_at),
    Column(_l("房号"), lambda p: p.unit.archive_no),
    Column(_l("收件人"), lambda p: p.recipient_name),
    Column(_l("快递公司"), lambda p: p.carrier.label),
    Column(_l("快递单号"), lambda p: p.tracking_no, width=22),
    Column(_l("类型"), lambda p: p.kind.label),
    Column(_l("件数"), lambda p: p.count, numeric=True, width=8),
    Column(_l("货架"), lambda p: p.shelf, width=10),
    Column(_l("状态"), lambda p: p.status.label),
    Column(_l("领取时间"), lambda p: p.picked_up_at),
    Column(_l("领取人"), lambda p: p.collector_name),
    Column(_l("退回时间"), lambda p: p.returned_at),
    Column(_l("退回原因"), lambda p: p.return_reason, width=30),
]


@bp.get("/export.xlsx")
@require("parcels.view")
def export():
    """The list as filtered, every page of it."""
    stmt = ParcelFilter.from_args(request.args).select().options(contains_eager(Parcel.unit))
    return export_xlsx(_("包裹列表"), EXPORT_COLUMNS, stmt)


@bp.route("/new", methods=["GET", "POST"])
@require("parcels.work")
@offline_submit
def new():
    """The lobby logs parcels one after another: a success comes back to an empty form."""
    form = IntakeForm()
    if form.validate_on_submit():
        try:
            parcel = receive(
                current_property(), unit=form.unit.unit, carrier=Carrier(form.carrier.data),
                tracking_no=form.tracking_no.data, kind=ParcelKind(form.kind.data), count=form.count.data,
                shelf=form.shelf.data, recipient_name=form.recipient_name.data,
                by=current_user, at=client_time(),
            )
        except ParcelError as error:
            form.tracking_no.errors.append(str(error))
        else:
            flash(_("已登记 %(number)s：%(whom)s，放在货架 %(shelf)s", number=parcel.number,
                    whom=" ".join(filter(None, [parcel.unit.archive_no, parcel.recipient_name])),
                    shelf=parcel.shelf or _("（未填）")), "success")
            return redirect(url_for("parcels.new"))
    recent = db.session.scalars(
        scoped(Parcel).where(Parcel.received_by_id == current_user.id).order_by(Parcel.id.desc()).limit(8)
    ).all()
    status = INVALID if request.method == "POST" else 200
    return render("parcels/new.html", form=form, recent=recent, status=status)


def render_detail(parcel: Parcel, *, pick_up_form=None, return_form=None, status=200):
    others = waiting_with(parcel) if parcel.status is ParcelStatus.WAITING else []
    if pick_up_form is None:
        pick_up_form = PickUpForm(formdata=None, data={
            "collector_name": parcel.recipient_name, "together": [],  # only the parcel the clerk chose
        })
    pick_up_form.together.choices = [(p.id, p.number) for p in others]
    return render(
        "parcels/detail.html", parcel=parcel, others=others, pick_up_form=pick_up_form,
        return_form=return_form or ReturnForm(formdata=None), unclaimed=parcel.received_at < unclaimed_cutoff(),
        status=status,
    )


@bp.get("/<int:parcel_id>")
@require("parcels.view")
def detail(parcel_id: int):
    return render_detail(get_or_404(Parcel, parcel_id))


def _locked(parcel_id: int) -> Parcel:
    """The parcel, locked until the request ends: two desks cannot hand out the same one."""
    return db.first_or_404(scoped(Parcel).where(Parcel.id == parcel_id).with_for_update())


def _refuse(error: ParcelError, parcel: Parcel):
    flash(str(error), "error")
    return redirect(url_for("parcels.detail", parcel_id=parcel.id))


@bp.post("/<int:parcel_id>/pick-up")
@require("parcels.work")
def pick_up(parcel_id: int):
    parcel = _locked(parcel_id)
    try:
        parcel.ensure_waiting()  # checked first: a second hand-out changes nothing, whatever was sent
    except ParcelError as error:
        return _refuse(error, parcel)
    form = PickUpForm()
    form.together.choices = [(p.id, p.number) for p in waiting_with(parcel)]
    if form.validate_on_submit():
        parcels = [parcel, *lock(parcel.property_id, form.together.data)]
        try:
            hand_out(parcels, collector_name=form.collector_name.data,
                     id_hint=form.collector_id_hint.data or "", signature=form.signature, by=current_user, at=clock.now())
        except ParcelError as error:
            return _refuse(error, parcel)
        db.session.flush()
        flash(_("已发放 %(pieces)d 件给 %(name)s：%(numbers)s", pieces=sum(p.count for p in parcels),
                name=parcel.collector_name, numbers="、".join(p.number for p in parcels)), "success")
        return redirect(url_for("parcels.detail", parcel_id=parcel.id))
    return render_detail(parcel, pick_up_form=form, status=INVALID)


@bp.post("/<int:parcel_id>/return")
@require("parcels.work")
def send_back(parcel_id: int):
    parcel = _locked(parcel_id)
    try:
        parcel.ensure_waiting()
    except ParcelError as error:
        return _refuse(error, parcel)
    form = ReturnForm()
    if form.validate_on_submit():
        parcel.send_back(form.reason.data, current_user, clock.now())
        db.session.flush()
        flash(_("%(number)s 已退回快递公司", number=parcel.number), "success")
        return redirect(url_for("parcels.detail", parcel_id=parcel.id))
    return render_detail(parcel, return_form=form, status=INVALID)
