"""Visitors still inside go on the shift handover."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from models import db
from models.visitors import Visitor

from ..shared.handover import HandoverItem
from ..shared.localtime import local


def visitors_inside(shift) -> list[HandoverItem]:
    visits = db.session.scalars(
        sa.select(Visitor).where(Visitor.property_id == shift.property_id, Visitor.signed_out_at.is_(None))
        .options(joinedload(Visitor.unit)).order_by(Visitor.signed_in_at)
    )
    return [
        HandoverItem(_("未离开访客"), _("%(name)s %(n)d 人 → %(where)s（%(t)s 进入）", name=v.name, n=v.party_size,
                                         where=v.visiting, t=local(v.signed_in_at, "%m-%d %H:%M")),
                     url_for("visitors.detail", visitor_id=v.id))
        for v in visits
    ]
