"""包裹签收登记表 of a day (what came in that day with its pick-up signatures, and what went out that day
of what came in earlier), and the receipt of one hand-out (领取凭证): exactly the parcels signed for."""
import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from models import db
from models.parcels import Parcel, ParcelStatus

from ..shared.localtime import requested_day
from ..shared.permissions import current_property, get_or_404, require, scoped
from ..shared.printing import day_register_number, render_pdf
from . import bp
from .services import handed_out_with


def _with_unit_and_people() -> list:
    """What a register row shows of a parcel, loaded with it."""
    return [joinedload(Parcel.unit), joinedload(Parcel.received_by), joinedload(Parcel.handed_over_by)]


@bp.get("/<int:parcel_id>/receipt.pdf")
@require("parcels.view")
def receipt_pdf(parcel_id: int):
    parcel = get_or_404(Parcel, parcel_id)
    if parcel.status is not ParcelStatus.PICKED_UP:
        abort(404)
    return render_pdf("print/parcels/receipt.html", filename=_("包裹领取凭证-%(n)s", n=parcel.number),
                      title=_("包裹领取凭证"), number=parcel.number, parcel=parcel, parcels=handed_out_with(parcel))


@bp.get("/day.pdf")
@require("parcels.view")
def day_pdf():
    day = requested_day()
    start, end = current_property().day_range(day)
    received = db.session.scalars(
        scoped(Parcel).where(Parcel.received_at >= start, Parcel.received_at < end).order_by(Parcel.received_at, Parcel.id)
        .options(*_with_unit_and_people())
    ).all()
    handed_out = db.session.scalars(
        scoped(Parcel).where(
            Parcel.received_at < start,
            sa.or_(sa.and_(Parcel.picked_up_at >= start, Parcel.picked_up_at < end),
                   sa.and_(Parcel.returned_at >= start, Parcel.returned_at < end)),
        ).order_by(sa.func.coalesce(Parcel.picked_up_at, Parcel.returned_at), Parcel.id).options(*_with_unit_and_people())
    ).all()
    return render_pdf("print/parcels/day.html", filename=_("包裹签收登记表-%(d)s", d=day.isoformat()),
                      title=_("包裹签收登记表"), number=day_register_number(day), day=day, received=received, handed_out=handed_out)
