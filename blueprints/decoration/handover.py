"""Decoration violations on the shift handover: re-inspections due today or already overdue."""

from flask import url_for
from flask_babel import gettext as _

from models import Property, clock, db

from ..shared.handover import HandoverItem
from .services import awaiting_reinspection


def reinspections_due(shift) -> list[HandoverItem]:
    prop = db.session.get(Property, shift.property_id)
    today = prop.local_day(shift.handed_over_at or clock.now())
    return [
        HandoverItem(
            _("待复验装修违章"),
            _("%(unit)s %(kind)s（%(n)s），%(when)s", unit=v.decoration.unit.archive_no, kind=v.kind.label, n=v.number,
              when=_("今日复验") if v.reinspect_on == today else _("%(d)s 应复验，已逾期", d=v.reinspect_on.isoformat())),
            url_for("decoration.violation", violation_id=v.id),
        )
        for v in awaiting_reinspection(shift.property_id, today)
    ]
