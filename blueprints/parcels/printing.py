"""包裹签收登记表 of a day: what came in that day with its pick-up signatures, and what went out
that day of what came in earlier."""
import sqlalchemy as sa
from flask_babel import gettext as _

from models import db
from models.parcels import Parcel

from ..shared.localtime import requested_day
from ..shared.permissions import current_property, require, scoped
from ..shared.printing import render_pdf
from . import bp


@bp.get("/day.pdf")
@require("parcels.view")
def day_pdf():
    day = requested_day()
    start, end = current_property().day_range(day)
    received = db.session.scalars(
        scoped(Parcel).where(Parcel.received_at >= start, Parcel.received_at < end).order_by(Parcel.received_at, Parcel.id)
    ).all()
    handed_out = db.session.scalars(
        scoped(Parcel).where(
            Parcel.received_at < start,
            sa.or_(sa.and_(Parcel.picked_up_at >= start, Parcel.picked_up_at < end),
                   sa.and_(Parcel.returned_at >= start, Parcel.returned_at < end)),
        ).order_by(sa.func.coalesce(Parcel.picked_up_at, Parcel.returned_at), Parcel.id)
    ).all()
    return render_pdf("print/parcels/day.html", filename=_("包裹签收登记表-%(d)s", d=day.isoformat()),
                      title=_("包裹签收登记表"), number=None, day=day, received=received, handed_out=handed_out)
