"""Items held for owners (代为保管): intake with photo and place, hand-over against a signature."""
import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import clock, db
from models.attachments import attachments_of
from models.lostfound import HeldItem, HeldStatus, LeftBy, LostFoundError

from ..shared.htmx import INVALID, render
from ..shared.offline import client_time, offline_submit
from ..shared.permissions import current_property, get_or_404, require, scoped
from ..shared.photos import save_photos
from . import bp
from .forms import CollectForm, HeldForm
from .services import collect, hold, locked


@bp.get("/held")
@require("lostfound.view")
def held_index():
    status = request.args.get("status", "held")
    stmt = scoped(HeldItem).order_by(HeldItem.received_at.desc(), HeldItem.id.desc())
    if status in {s.value for s in HeldStatus}:
        stmt = stmt.where(HeldItem.status == HeldStatus(status))
    page = db.paginate(stmt, per_page=30, error_out=False)
    return render("lostfound/held_index.html", page=page, shown=status)


@bp.route("/held/new", methods=["GET", "POST"])
@require("lostfound.work")
@offline_submit
def held_new():
    form = HeldForm()
    if request.method == "GET" and request.args.get("unit") and not form.unit.data:
        form.unit.data = request.args["unit"]
    if form.validate_on_submit():
        item = hold(current_property(), by=current_user, at=client_time(), description=form.description.data,
                    for_name=form.for_name.data, for_phone=form.for_phone.data or "", unit=form.unit.unit,
                    left_by_kind=LeftBy(form.left_by_kind.data), left_by_name=form.left_by_name.data,
                    storage_place=form.storage_place.data)
        save_photos(form.photos, item)
        flash(_("已登记代为保管 %(n)s：%(what)s，交 %(who)s，存放 %(where)s", n=item.number, what=item.description,
                who=item.for_name, where=item.storage_place), "success")
        return redirect(url_for("lostfound.held_detail", held_id=item.id))
    return render("lostfound/held_new.html", form=form, status=INVALID if request.method == "POST" else 200)


def render_held(item: HeldItem, *, form=None, status=200):
    form = form or CollectForm(formdata=None, data={"collector_name": item.for_name})
    return render("lostfound/held_detail.html", item=item, form=form, photos=attachments_of(item), status=status)


@bp.get("/held/<int:held_id>")
@require("lostfound.view")
def held_detail(held_id: int):
    return render_held(get_or_404(HeldItem, held_id))


@bp.post("/held/<int:held_id>/collect")
@require("lostfound.work")
def held_collect(held_id: int):
    item = locked(HeldItem, held_id)
    try:
        item.ensure_held()
    except LostFoundError as error:
        flash(str(error), "error")
        return redirect(url_for("lostfound.held_detail", held_id=item.id))
    form = CollectForm()
    if form.validate_on_submit():
        try:
            collect(item, name=form.collector_name.data, id_tail=form.collector_id_tail.data or "",
                    signature=form.signature, by=current_user, at=clock.now())
        except LostFoundError as error:
            form.collector_id_tail.errors.append(str(error))
        else:
            flash(_("%(n)s 已由 %(who)s 领取", n=item.number, who=item.collector_name), "success")
            return redirect(url_for("lostfound.held_detail", held_id=item.id))
    return render_held(item, form=form, status=INVALID)


def open_held(property_id: int) -> list[HeldItem]:
    return list(db.session.scalars(sa.select(HeldItem).where(
        HeldItem.property_id == property_id, HeldItem.status == HeldStatus.HELD).order_by(HeldItem.received_at)))
