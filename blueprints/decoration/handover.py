"""Decoration violations on the shift handover: re-inspections due today or already overdue."""
from datetime import datetime, timezone

from flask import url_for
from flask_babel import gettext as _

from models import Property, db

from ..shared.handover import HandoverItem, handover_source
from .services import awaiting_reinspection


@handover_source
def reinspections_due(shift) -> list[HandoverItem]:
    prop = db.session.get(Property, shift.property_id)
    today = prop.local_day(shift.handed_over_at or datetime.now(timezone.utc))
    return [
        HandoverItem(
            _("待复验装修违章"),
            _("%(unit)s %(kind)s（%(n)s），%(when)s", unit=v.decoration.unit.archive_no, kind=v.kind.label, n=v.number,
              when=_("今日复验") if v.reinspect_on == today else _("%(d)s 应复验，已逾期", d=v.reinspect_on.isoformat())),
            url_for("decoration.violation", violation_id=v.id),
        )
        for v in awaiting_reinspection(shift.property_id, today)
    ]
