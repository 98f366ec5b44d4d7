
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from models import Unit, clock, db
from models.parcels import Carrier, Parcel, ParcelError, ParcelKind, ParcelStatus
from models.resident_messages import OPEN_STATUSES, NotifiedVia, ResidentMessage

from ..shared.htmx import INVALID, render
from ..shared.messaging import MessageError, mark_notified
from ..shared.lists import Column, UncountedPage, export_xlsx
from ..shared.offline import client_time, offline_submit
from ..shared.permissions import current_property, get_or_404, require, scoped
from . import bp
from .forms import DeskPickUpForm, IntakeForm, NotifiedForm, PickUpForm, ReturnForm
from .services import (
    ParcelFilter, collections, hand_out, lock, receive, send_back as send_parcel_back, unclaimed_cutoff,
    unclaimed_days, waiting_summary, waiting_with,
)


@bp.get("/")
@require("parcels.view")
def index():
    filters = ParcelFilter.from_args(request.args)
    page = UncountedPage.of(filters.select(), request.args.get("page", 1, type=int), per_page=30)
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
    return export_xlsx(_("包裹列表"), EXPORT_COLUMNS, ParcelFilter.from_args(request.args).select())


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
        .options(joinedload(Parcel.unit))
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
        send_parcel_back(parcel, form.reason.data, by=current_user, at=clock.now())
        flash(_("%(number)s 已退回快递公司", number=parcel.number), "success")
        return redirect(url_for("parcels.detail", parcel_id=parcel.id))
    return render_detail(parcel, return_form=form, status=INVALID)


# --- The pick-up at the desk: find, (choose,) sign, confirm ---------------------------------------------

def _unit_arg(raw) -> int | None:
    return int(raw) if str(raw or "").isdigit() else None


def render_desk_pick_up(q: str, unit_id: int | None, *, form: DeskPickUpForm | None = None, status=200):
    found = collections(current_property().id, q, unit_id)
    chosen = found[0] if len(found) == 1 else None
    if chosen and form is None:
        form = DeskPickUpForm(formdata=None, data={
            "unit_id": chosen.unit.id, "parcels": [p.id for p in chosen.parcels], "collector_name": chosen.collector,
        })
    if chosen:
        form.parcels.choices = [(p.id, p.number) for p in chosen.parcels]
    return render("parcels/pick_up.html", "found", q=q, found=found, chosen=chosen, form=form,
                  unclaimed_before=unclaimed_cutoff(), status=status)


@bp.get("/pick-up")
@require("parcels.work")
def desk_pick_up():
    """One search box finds the household; all its waiting parcels come ticked; sign and confirm."""
    return render_desk_pick_up(request.args.get("q", ""), _unit_arg(request.args.get("unit")))


@bp.post("/pick-up")
@require("parcels.work")
def desk_hand_out():
    unit = db.first_or_404(scoped(Unit).where(Unit.id == (_unit_arg(request.form.get("unit_id")) or 0)))
    q = request.form.get("q", "")
    form = DeskPickUpForm()
    form.parcels.choices = [(p.id, p.number) for found in collections(current_property().id, unit_id=unit.id)
                            for p in found.parcels]
    if not form.parcels.choices:  # collected meanwhile at another desk
        flash(_("%(unit)s 已没有待领包裹", unit=unit.archive_no), "error")
        return redirect(url_for("parcels.desk_pick_up"))
    ticked = {int(v) for v in request.form.getlist("parcels") if v.isdigit()}
    if ticked - {parcel_id for parcel_id, _number in form.parcels.choices}:
        flash(_("所选包裹已不在 %(unit)s 的待领清单中，请核对后重新签收", unit=unit.archive_no), "error")
        return redirect(url_for("parcels.desk_pick_up", unit=unit.id))
    if form.validate_on_submit():
        parcels = lock(current_property().id, form.parcels.data)
        try:
            hand_out(parcels, collector_name=form.collector_name.data, id_hint=form.collector_id_hint.data or "",
                     signature=form.signature, by=current_user, at=clock.now())
        except ParcelError as error:
            flash(str(error), "error")
            return redirect(url_for("parcels.desk_pick_up", unit=unit.id))
        flash(_("已发放 %(pieces)d 件给 %(name)s（%(unit)s）：%(numbers)s", pieces=sum(p.count for p in parcels),
                name=form.collector_name.data, unit=unit.archive_no, numbers="、".join(p.number for p in parcels)),
              "success")
        return redirect(url_for("parcels.desk_pick_up"))
    return render_desk_pick_up(q, unit.id, form=form, status=INVALID)


# --- Residents to tell: the desk's 待通知 list ----------------------------------------------------------

@bp.get("/notices")
@require("parcels.notices")
def notices():
    prop = current_property()
    start, end = prop.day_range(prop.local_day(clock.now()))
    waiting = db.session.scalars(
        scoped(ResidentMessage).where(ResidentMessage.status.in_(OPEN_STATUSES))
        .order_by(ResidentMessage.created_at, ResidentMessage.id).options(joinedload(ResidentMessage.unit))
    ).all()
    handled = db.session.scalars(
        scoped(ResidentMessage).where(ResidentMessage.status.not_in(OPEN_STATUSES),
                                      ResidentMessage.handled_at >= start, ResidentMessage.handled_at < end)
        .order_by(ResidentMessage.handled_at.desc(), ResidentMessage.id.desc())
        .options(joinedload(ResidentMessage.unit))
    ).all()
    return render("parcels/notices.html", waiting=waiting, handled=handled, form=NotifiedForm(formdata=None))


@bp.post("/notices/<int:message_id>/notified")
@require("parcels.notices")
def notified(message_id: int):
    message = db.first_or_404(scoped(ResidentMessage).where(ResidentMessage.id == message_id).with_for_update())
    form = NotifiedForm()
    if form.validate_on_submit():
        try:
            mark_notified(message, via=NotifiedVia(form.via.data), by=current_user, at=clock.now())
        except MessageError as error:
            flash(str(error), "error")
        else:
            flash(_("已标记 %(unit)s %(name)s 为已通知（%(via)s）", unit=message.unit.archive_no,
                    name=message.recipient_name, via=message.via.label), "success")
    else:
        flash(_("请选择通知方式"), "error")
    return redirect(url_for("parcels.notices"))
