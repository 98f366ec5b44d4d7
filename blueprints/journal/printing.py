"""The journal's paper forms: 交接班记录表, 值班日志 of a day."""
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from models import db
from models.attachments import attachments_of
from models.journal import JournalEvent, Shift

from ..shared.localtime import requested_day
from ..shared.permissions import current_property, get_or_404, require, scoped
from ..shared.printing import day_register_number, render_pdf
from . import bp


@bp.get("/shifts/<int:shift_id>/handover.pdf")
@require("journal.print")
def handover_pdf(shift_id: int):
    shift = get_or_404(Shift, shift_id)
    return render_pdf("print/journal/handover.html", filename=_("交接班记录表-%(n)s", n=shift.number),
                      title=_("交接班记录表"), number=shift.number, shift=shift,
                      photos={e.id: attachments_of(e) for e in shift.events})


@bp.get("/day.pdf")
@require("journal.print")
def day_pdf():
    day = requested_day()
    start, end = current_property().day_range(day)
    shifts = db.session.scalars(
        scoped(Shift).where(Shift.opened_at < end,
                            sa.or_(Shift.handed_over_at.is_(None), Shift.handed_over_at >= start))
        .order_by(Shift.opened_at).options(joinedload(Shift.staff), joinedload(Shift.incoming))
    ).all()
    events = db.session.scalars(
        scoped(JournalEvent).where(JournalEvent.at >= start, JournalEvent.at < end).order_by(JournalEvent.at)
        .options(joinedload(JournalEvent.unit), joinedload(JournalEvent.author))
    ).all()
    return render_pdf("print/journal/day.html", filename=_("值班日志-%(d)s", d=day.isoformat()),
                      title=_("值班日志"), number=day_register_number(day), day=day, shifts=shifts, events=events)
