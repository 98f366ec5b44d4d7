"""The journal's own items on the handover: things held for owners, not yet collected."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from models import db
from models.journal import EventKind, JournalEvent

from ..shared.handover import HandoverItem


def held_items(shift) -> list[HandoverItem]:
    events = db.session.scalars(
        sa.select(JournalEvent)
        .where(JournalEvent.property_id == shift.property_id, JournalEvent.kind == EventKind.HELD_ITEM,
               JournalEvent.resolved_at.is_(None))
        .order_by(JournalEvent.at)
    )
    return [
        HandoverItem(_("代为保管物品"), f"{e.unit.archive_no + ' ' if e.unit else ''}{e.text}",
                     url_for("journal.shift", shift_id=e.shift_id, _anchor=f"event-{e.id}"))
        for e in events
    ]
