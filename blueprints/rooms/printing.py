"""The printed forms: 会议室使用申请单, 会务接待工作单, 茶水出单统计表, and the day's room schedule for the lobby."""
import sqlalchemy as sa
from flask_babel import gettext as _

from models import clock, db
from models.room_service import Step, Vessel, WorkOrder
from models.rooms import Booking, Occurrence, Room, ServiceItem

from ..approvals.services import latest_for
from ..shared.localtime import requested_day
from ..shared.permissions import current_property, get_or_404, require
from ..shared.printing import render_pdf
from . import bp
from .calendar import SHOWN
from .services import release_after


@bp.get("/bookings/<int:booking_id>/request.pdf")
@require("rooms.view")
def request_pdf(booking_id: int):
    booking = get_or_404(Booking, booking_id)
    return render_pdf("print/rooms/request.html", filename=_("会议室使用申请单-%(n)s", n=booking.number),
                      title=_("会议室使用申请单"), number=booking.number, booking=booking, approval=latest_for(booking))


@bp.get("/work-orders/<int:order_id>/work-order.pdf")
@require("rooms.view")
def work_order_pdf(order_id: int):
    order = get_or_404(WorkOrder, order_id)
    return render_pdf("print/rooms/work_order.html", filename=_("会务接待工作单-%(n)s", n=order.number),
                      title=_("会务接待工作单"), number=order.number, order=order, o=order.occurrence,
                      booking=order.booking, steps=list(Step), items=list(ServiceItem), vessels=list(Vessel))


@bp.get("/work-orders/<int:order_id>/tea-sheet.pdf")
@require("rooms.view")
def tea_sheet_pdf(order_id: int):
    order = get_or_404(WorkOrder, order_id)
    return render_pdf("print/rooms/tea_sheet.html", filename=_("茶水出单统计表-%(n)s", n=order.number),
                      title=_("茶水出单统计表"), number=order.number, order=order, o=order.occurrence,
                      booking=order.booking, items=list(ServiceItem), vessels=list(Vessel))


@bp.get("/day.pdf")
@require("rooms.view")
def day_pdf():
    """The day's meetings room by room, for the lobby to direct guests."""
    prop, day = current_property(), requested_day()
    start, end = prop.day_range(day)
    now, wait = clock.now(), release_after()
    rooms = db.session.scalars(sa.select(Room).where(Room.property_id == prop.id).order_by(Room.name)).all()
    meetings = {room.id: [] for room in rooms}
    for o in db.session.scalars(
        sa.select(Occurrence).where(Occurrence.property_id == prop.id, Occurrence.status.in_(SHOWN),
                                    Occurrence.starts_at >= start, Occurrence.starts_at < end)
        .order_by(Occurrence.starts_at)
    ):
        meetings[o.room_id].append((o, o.shown_status(now, wait)))
    return render_pdf("print/rooms/day.html", filename=_("会议室日程-%(d)s", d=day.isoformat()),
                      title=_("会议室日程"), number=None, day=day,
                      rooms=[r for r in rooms if r.active or meetings[r.id]], meetings=meetings)
