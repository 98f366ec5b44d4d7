"""Parcels on the shift handover: what is still on the shelves, one line per unit."""

from flask import url_for
from flask_babel import gettext as _


from ..shared.handover import HandoverItem
from ..shared.localtime import local
from .services import waiting_by_unit


def waiting_parcels(shift) -> list[HandoverItem]:
    return [
        HandoverItem(
            _("待领包裹"),
            _("%(unit)s 待领 %(n)d 件%(shelves)s，最早 %(t)s 到", unit=w.unit.archive_no, n=w.pieces,
              shelves=_("（货架 %(s)s）", s="、".join(w.shelves)) if w.shelves else "",
              t=local(w.since, "%m-%d %H:%M")),
            url_for("parcels.index", q=w.unit.archive_no),
        )
        for w in waiting_by_unit(shift.property_id)
    ]
