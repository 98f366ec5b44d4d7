"""The meeting service (会务接待) on the concierge's tablet: the steps of the work order, the cleaning
request to the environment department, service rounds, the tea sheet and the closing record."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from models import Department, DepartmentKind, Property, User, db
from models.room_service import (
    ROUND_EVERY, Crockery, ServedItem, ServiceRound, Step, Vessel, WorkOrder, WorkOrderStatus, WorkStep,
)
from models.rooms import OccurrenceStatus, RoomsError, ServiceItem
from models.tickets import Ticket, TicketCategory, TicketSource

from ..shared.localtime import local
from ..tickets.services import create_ticket

# Two taps on the round button a moment apart are one round.
ROUND_DOUBLE_TAP = timedelta(minutes=2)
# Steps that wait for the guests to be in the room.
AFTER_CHECK_IN = (Step.TEA, Step.CLEAR)


def ensure_open(order: WorkOrder) -> None:
    if order.status is WorkOrderStatus.CLOSED:
        raise RoomsError(_("工作单已于 %(t)s 完成", t=local(order.closed_at, "%m-%d %H:%M")))
    if order.status is WorkOrderStatus.CANCELLED:
        raise RoomsError(_("这一场会议%(status)s，工作单已取消", status=order.occurrence.status.label))


def done_step(order: WorkOrder, step: Step, *, by: User, at: datetime) -> WorkStep:
    """Tick a step once; a second tap (or a colleague's) is told who did it."""
    ensure_open(order)
    if step in AFTER_CHECK_IN and order.occurrence.status is not OccurrenceStatus.IN_USE:
        raise RoomsError(_("请先签到（接待参会人员入座）再%(step)s", step=step.label))
    if earlier := order.step(step):
        raise RoomsError(_("“%(step)s”已于 %(t)s 由 %(who)s 完成", step=step.label, t=local(earlier.done_at, "%H:%M"),
                           who=earlier.done_by.display_name))
    # By id, not through order.steps: the row enters the session inside the savepoint only.
    done = WorkStep(work_order_id=order.id, step=step, done_at=at, done_by=by)
    try:
        with db.session.begin_nested():
            db.session.add(done)
    except sa.exc.IntegrityError:
        raise RoomsError(_("“%(step)s”刚刚已由同事完成", step=step.label)) from None
    db.session.expire(order, ["steps"])
    return done


def environment_department(property_id: int) -> Department | None:
    return db.session.scalar(sa.select(Department).where(Department.property_id == property_id,
                                                         Department.kind == DepartmentKind.ENVIRONMENT)
                             .order_by(Department.id).limit(1))


def request_cleaning(order: WorkOrder, prop: Property, *, by: User, at: datetime) -> Ticket:
    """Ask the environment department to clean and air the room before the meeting (seed 001: half an
    hour ahead), as a ticket dispatched to it at once, linked to the work order."""
    ensure_open(order)
    if order.cleaning_ticket is not None:
        raise RoomsError(_("已于 %(t)s 通知保洁：%(n)s", t=local(order.cleaning_ticket.received_at, "%H:%M"),
                           n=order.cleaning_ticket.number))
    o, booking = order.occurrence, order.booking
    room = o.room
    ticket = create_ticket(
        prop, by, at, source=TicketSource.VERBAL, category=TicketCategory.OTHER,
        location=" ".join(p for p in (room.location, room.name) if p)[:100],
        description=_("会议室会前保洁：%(room)s %(when)s「%(title)s」%(n)d 人。请在 %(by)s 前完成地面、桌面清洁和通风，"
                      "检查灯光、空调。", room=room.name, when=f"{local(o.starts_at, '%m-%d %H:%M')}–{local(o.ends_at, '%H:%M')}",
                      title=booking.title, n=booking.attendees, by=local(o.starts_at - room.setup / 2, "%H:%M")),
        note=_("会务接待工作单 %(n)s", n=order.number),
    )
    if department := environment_department(prop.id):
        ticket.dispatch(department, None, by, _("会务接待工作单 %(n)s 会前保洁", n=order.number), at)
    order.cleaning_ticket = ticket
    db.session.flush()
    return ticket


def record_round(order: WorkOrder, *, by: User, at: datetime, note: str) -> ServiceRound:
    """A service round into the meeting (seed 001: every fifteen minutes, 加茶水、换烟灰缸)."""
    ensure_open(order)
    o = order.occurrence
    if o.status is not OccurrenceStatus.IN_USE:
        raise RoomsError(_("会议签到后才开始服务巡视"))
    if order.step(Step.CLEAR):
        raise RoomsError(_("会场已清理，会议已结束"))
    if order.rounds and at - order.rounds[-1].done_at < ROUND_DOUBLE_TAP:
        last = order.rounds[-1]
        raise RoomsError(_("第 %(n)d 次服务刚于 %(t)s 记录过", n=last.n, t=local(last.done_at, "%H:%M")))
    tea = order.step(Step.TEA)
    base = order.rounds[-1].done_at if order.rounds else (tea.done_at if tea else o.checked_in_at)
    done = ServiceRound(work_order_id=order.id, n=len(order.rounds) + 1, due_at=base + ROUND_EVERY, done_at=at,
                        done_by=by, note=note.strip()[:200])
    try:
        with db.session.begin_nested():
            db.session.add(done)
    except sa.exc.IntegrityError:
        raise RoomsError(_("这次服务巡视刚刚已由同事记录")) from None
    db.session.expire(order, ["rounds"])
    return done


def save_tea_sheet(order: WorkOrder, served: dict[ServiceItem, int], crockery: dict[Vessel, tuple[int, int]]) -> None:
    """The 茶水出单统计表 as it stands: the totals served, and the crockery taken in and collected back.
    Rows that were never used are not kept."""
    ensure_open(order)
    for item, quantity in served.items():
        row = next((s for s in order.served if s.item is item), None)
        if row is None and quantity:
            db.session.add(ServedItem(work_order=order, item=item, quantity=quantity))
        elif row is not None:
            row.quantity = quantity
    for vessel, (issued, returned) in crockery.items():
        if returned > issued:
            raise RoomsError(_("%(v)s收回 %(r)d 个，多于拿出的 %(i)d 个", v=vessel.label, r=returned, i=issued),
                             field=f"returned_{vessel.value}")
        row = order.vessel(vessel)
        if row is None and issued:
            db.session.add(Crockery(work_order=order, vessel=vessel, issued=issued, returned=returned))
        elif row is not None:
            row.issued, row.returned = issued, returned
    db.session.flush()


def close(order: WorkOrder, *, by: User, at: datetime, damage: str, cleaned_after: bool, record: str) -> None:
    """Close with the service record (服务记录): the room cleared, the crockery counted back (or what is
    missing said), and what went well or not."""
    ensure_open(order)
    o = order.occurrence
    if o.status is not OccurrenceStatus.IN_USE:
        raise RoomsError(_("会议尚未签到，不能结束；未到场的预订会在签到时限后自动释放"))
    if not order.step(Step.CLEAR):
        raise RoomsError(_("请先完成“%(step)s”", step=Step.CLEAR.label))
    if order.booking.services and not order.served:
        raise RoomsError(_("申请了%(items)s：请先填写茶水出单统计表", items="、".join(order.booking.service_labels)))
    if (missing := order.crockery_missing) and not damage.strip():
        raise RoomsError(_("器皿未全部收回（%(items)s），请在“损坏或遗失”中说明",
                           items="、".join(f"{c.vessel.label} {c.missing}" for c in missing)), field="damage")
    order.damage, order.cleaned_after, order.record = damage.strip()[:500], cleaned_after, record.strip()
    order.status, order.closed_at, order.closed_by = WorkOrderStatus.CLOSED, at, by
    o.status, o.ended_at = OccurrenceStatus.CLOSED, at
    db.session.flush()
