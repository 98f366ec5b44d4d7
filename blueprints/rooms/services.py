"""Bookings: the dates a request makes, the rules a room sets, conflicts, approval, check-in and release.

A request becomes one occurrence per date (as indico's room booking does); dates that are not booked —
exceptions asked for, days the room is closed, dates that collide and the requester chose to skip — are
kept as skipped occurrences, so the booking's page says what happened to each date. Conflicts are
looked for in the same transaction as the insert: on SQLite the request holds the write lock from its
first statement (app.py), on PostgreSQL the exclusion constraint decides between requests that looked
at the same moment, and the loser is told which booking got in first.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _

from models import Property, Resident, Role, Unit, User, clock, db
from models.approvals import Approval, ApprovalStatus
from models.notifications import notify
from models.numbering import next_number
from models.room_service import WorkOrder, WorkOrderStatus
from models.rooms import (
    BLOCKING, WEEKDAY_LABELS, Booking, BookingStatus, Equipment, Layout, Occurrence, OccurrenceStatus, OrganiserKind,
    Repeat, Room, RoomsError,
)

from ..approvals.services import request_approval
from ..shared.localtime import local
from ..shared.permissions import staff

APPROVAL_KIND = "rooms.booking"
# A booking may start this long ago (the form filled in as the meeting begins), no longer.
START_GRACE = timedelta(minutes=5)
# Repeats run for a year at most: a longer series is a standing arrangement, not a booking.
LONGEST_SERIES = timedelta(days=366)


class BookingRefused(RoomsError):
    """The request breaks some rules: the messages by form field (several at once)."""

    def __init__(self, problems: dict[str, list[str]]):
        super().__init__("；".join(m for messages in problems.values() for m in messages))
        self.problems = problems


def release_after() -> timedelta:
    """How long after its start a meeting nobody checked in to is given back (ROOMS_RELEASE_MINUTES)."""
    return timedelta(minutes=current_app.config["ROOMS_RELEASE_MINUTES"])


@dataclass
class BookingRequest:
    """What the 会议室使用申请单 asks for, checked by `problems` and made by `book`."""

    room: Room
    day: date
    start: time
    end: time
    title: str
    attendees: int
    organiser_kind: OrganiserKind
    repeat: Repeat = Repeat.NONE
    until: date | None = None
    exceptions: list[date] = field(default_factory=list)
    skip_conflicts: bool = False
    unit: Unit | None = None
    resident: Resident | None = None
    company: str = ""
    staff: User | None = None
    contact_name: str = ""
    contact_phone: str = ""
    layout: Layout = Layout.BOARDROOM
    equipment: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    notes: str = ""
    capacity_reason: str = ""


@dataclass
class Planned:
    """One date of a request: its times, the room's buffers around them, and why it is not booked."""

    day: date
    starts_at: datetime
    ends_at: datetime
    blocked_from: datetime
    blocked_until: datetime
    skip: str = ""
    conflicts: list[Occurrence] = field(default_factory=list)

    @property
    def booked(self) -> bool:
        return not self.skip and not self.conflicts


def repeat_dates(first: date, repeat: Repeat, until: date | None) -> list[date]:
    """The dates of a series: every day, the same weekday, or the same day of the month (a month
    without that day, a 31st in November, is left out), from `first` to `until`."""
    if repeat is Repeat.NONE or until is None:
        return [first]
    until = min(until, first + LONGEST_SERIES)
    if repeat in (Repeat.DAILY, Repeat.WEEKLY):
        step = timedelta(days=1 if repeat is Repeat.DAILY else 7)
        return [first + step * n for n in range((until - first) // step + 1)]
    dates, year, month = [], first.year, first.month
    while True:
        if first.day <= calendar.monthrange(year, month)[1]:
            day = date(year, month, first.day)
            if day > until:
                return dates
            dates.append(day)
        elif date(year, month, 1) > until:
            return dates
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def plan(prop: Property, req: BookingRequest) -> list[Planned]:
    """Every date of the request with its times; dates asked off, and later dates the room is closed on,
    are marked skipped (the first date must be an open one: `problems` says so)."""
    room, zone = req.room, prop.zone
    planned = []
    for day in repeat_dates(req.day, req.repeat, req.until):
        starts_at = datetime.combine(day, req.start, zone)
        ends_at = datetime.combine(day, req.end, zone)
        item = Planned(day, starts_at, ends_at, starts_at - room.setup, ends_at + room.cleanup)
        if day in req.exceptions:
            item.skip = _("除外日期")
        elif day != req.day and not room.opens_on(day):
            item.skip = _("会议室%(weekday)s不开放", weekday=WEEKDAY_LABELS[day.weekday()])
        planned.append(item)
    return planned


def holding(room_id: int, start: datetime, end: datetime, now: datetime, *, exclude_booking: int | None = None
            ) -> list[Occurrence]:
    """The occurrences that hold the room at some time between `start` and `end` (no-shows past the
    release deadline no longer do, whether or not they have been released yet)."""
    stmt = (sa.select(Occurrence).where(Occurrence.room_id == room_id, Occurrence.status.in_(BLOCKING),
                                        Occurrence.blocked_from < end, Occurrence.blocked_until > start)
            .order_by(Occurrence.blocked_from))
    if exclude_booking is not None:
        stmt = stmt.where(Occurrence.booking_id != exclude_booking)
    wait = release_after()
    return [o for o in db.session.scalars(stmt) if o.holds_room(now, wait)]


def find_conflicts(req: BookingRequest, planned: list[Planned], now: datetime) -> None:
    """Fill in, for each date to be booked, the occurrences already holding the room then (buffers of
    both included): one query over the whole series, compared here."""
    wanted = [p for p in planned if not p.skip]
    if not wanted:
        return
    existing = holding(req.room.id, min(p.blocked_from for p in wanted), max(p.blocked_until for p in wanted), now)
    for p in wanted:
        p.conflicts = [o for o in existing if o.blocked_from < p.blocked_until and o.blocked_until > p.blocked_from]


def conflict_line(p: Planned) -> str:
    return _("%(day)s %(times)s 与 %(others)s 冲突", day=f"{p.day:%m-%d}（{WEEKDAY_LABELS[p.day.weekday()]}）",
             times=f"{local(p.starts_at, '%H:%M')}–{local(p.ends_at, '%H:%M')}",
             others="、".join(describe(o) for o in p.conflicts))


def describe(o: Occurrence) -> str:
    """HY-HD-20261118-0001「周例会」10:00–11:00（占用 09:30–11:15）: a booking in the way."""
    return _("%(number)s「%(title)s」%(times)s（含准备和清场 %(blocked)s）", number=o.booking.number,
             title=o.booking.title, times=f"{local(o.starts_at, '%H:%M')}–{local(o.ends_at, '%H:%M')}",
             blocked=f"{local(o.blocked_from, '%H:%M')}–{local(o.blocked_until, '%H:%M')}")


def problems(prop: Property, req: BookingRequest, planned: list[Planned], now: datetime) -> dict[str, list[str]]:
    """What is wrong with the request, by form field; empty when it can be booked. Conflicts are
    looked up here: `planned` comes back with them filled in."""
    room, found = req.room, {}

    def add(name: str, message: str) -> None:
        found.setdefault(name, []).append(message)

    if not room.active:
        add("room_id", _("该会议室已停用，请选择其他会议室"))
    if req.end <= req.start:
        add("end", _("结束时间应晚于开始时间"))
    if datetime.combine(req.day, req.start, prop.zone) < now - START_GRACE:
        add("start", _("开始时间已过，请选择以后的时间"))
    if req.start < room.opens_at or req.start >= room.closes_at:
        add("start", _("超出会议室开放时间 %(hours)s", hours=room.hours_label))
    if req.end > room.closes_at or req.end <= room.opens_at:
        add("end", _("超出会议室开放时间 %(hours)s", hours=room.hours_label))
    if not room.opens_on(req.day):
        add("day", _("该会议室%(weekday)s不开放（开放：%(days)s）", weekday=WEEKDAY_LABELS[req.day.weekday()],
                     days=room.days_label))
    if req.repeat is not Repeat.NONE:
        if req.until is None:
            add("repeat_until", _("重复预订请填写截止日期"))
        elif req.until <= req.day:
            add("repeat_until", _("截止日期应晚于首次日期"))
        elif req.until > req.day + LONGEST_SERIES:
            add("repeat_until", _("重复预订最长一年，请在一年内截止"))
    dates = {p.day for p in planned}
    if stray := [d for d in req.exceptions if d not in dates]:
        add("exceptions", _("这些日期不在重复日期中：%(days)s", days="、".join(f"{d:%m-%d}" for d in stray)))
    if not room.accepts(req.organiser_kind):
        add("organiser_kind", _("该会议室只接受%(kinds)s预订", kinds=room.bookers_label))
    if missing := [str(Equipment(e).label) for e in req.equipment if e not in room.equipment]:
        add("equipment", _("该会议室没有：%(items)s", items="、".join(missing)))
    if req.attendees > room.capacity and not req.capacity_reason.strip():
        add("attendees", _("参会 %(n)d 人，超过该会议室容量 %(cap)d 人。确需使用请在“超员说明”中写明理由："
                           "主管可直接确认，其他人提交主管审批", n=req.attendees, cap=room.capacity))
    if found:
        return found
    find_conflicts(req, planned, now)
    colliding = [p for p in planned if p.conflicts]
    if colliding and not (req.skip_conflicts and req.repeat is not Repeat.NONE):
        if req.repeat is Repeat.NONE:
            add("start", _("该时段已被预订（本会议室会前准备 %(setup)d 分钟、会后清场 %(cleanup)d 分钟）：",
                           setup=room.setup_minutes, cleanup=room.cleanup_minutes))
        else:
            add("start", _("重复预订中有 %(n)d 次与已有预订冲突；勾选“跳过与已有预订冲突的日期”可预订其余 %(rest)d 次：",
                           n=len(colliding), rest=sum(1 for p in planned if p.booked)))
        for p in colliding:
            add("start", conflict_line(p))
    elif not any(p.booked for p in planned):
        add("day", _("没有可以预订的日期：请检查除外日期和冲突"))
    return found


def needs_approval(req: BookingRequest, may_override_capacity: bool) -> bool:
    over = req.attendees > req.room.capacity
    return req.room.needs_approval or (over and not may_override_capacity)


def book(prop: Property, req: BookingRequest, *, by: User, at: datetime, may_override_capacity: bool,
         now: datetime | None = None) -> Booking:
    """Make the booking with its occurrences, or refuse it with the reasons (nothing written then, but
    the release of the room's no-shows, which stands anyway). A room that needs approval, or more
    attendees than seats without a supervisor's say, waits for a supervisor; otherwise it is confirmed
    and the floor concierge gets the work orders.

    `at` is when the desk asked (the device's time of a request sent from the outbox); the room is
    judged as it is `now`, when the request arrives (the demo books its history as of then)."""
    now = now or max(at, clock.now())
    release_overdue(prop, now, room_id=req.room.id)
    planned = plan(prop, req)
    if found := problems(prop, req, planned, now):
        raise BookingRefused(found)
    waiting = needs_approval(req, may_override_capacity)
    over = req.attendees > req.room.capacity
    booking = Booking(
        property_id=prop.id, number=next_number(prop, "HD", at), room=req.room,
        organiser_kind=req.organiser_kind, unit=req.unit if req.organiser_kind is not OrganiserKind.STAFF else None,
        resident=req.resident if req.organiser_kind is OrganiserKind.RESIDENT else None,
        company=req.company if req.organiser_kind is OrganiserKind.COMPANY else "",
        staff=req.staff if req.organiser_kind is OrganiserKind.STAFF else None,
        contact_name=req.contact_name, contact_phone=req.contact_phone, title=req.title, attendees=req.attendees,
        repeat=req.repeat, repeat_until=req.until if req.repeat is not Repeat.NONE else None, layout=req.layout,
        equipment=list(req.equipment), services=list(req.services), notes=req.notes,
        capacity_reason=req.capacity_reason.strip() if over else "",
        capacity_override_by=by if over and may_override_capacity else None,
        status=BookingStatus.PENDING if waiting else BookingStatus.CONFIRMED, requested_by=by, requested_at=at,
    )
    active = OccurrenceStatus.PENDING if waiting else OccurrenceStatus.CONFIRMED
    for p in planned:
        skipped = not p.booked
        note = p.skip or (_("与 %(n)s 冲突，跳过", n="、".join(o.booking.number for o in p.conflicts)) if skipped else "")
        booking.occurrences.append(Occurrence(
            property_id=prop.id, room=req.room, starts_at=p.starts_at, ends_at=p.ends_at,
            blocked_from=p.blocked_from, blocked_until=p.blocked_until,
            status=OccurrenceStatus.SKIPPED if skipped else active, note=note,
        ))
    try:
        with db.session.begin_nested():
            db.session.add(booking)
    except sa.exc.IntegrityError:
        # Another request booked the room between our look and our insert (the constraint decided):
        # say which booking it was.
        planned = plan(prop, req)
        find_conflicts(req, planned, now)
        lines = [conflict_line(p) for p in planned if p.conflicts and not p.skip]
        raise BookingRefused({"start": [_("该时段刚刚被其他人预订："), *lines] if lines else
                              [_("该时段刚刚被其他人预订，请刷新日历后重新选择")]}) from None
    if waiting:
        request_approval(APPROVAL_KIND, booking, by=by, at=at, summary=approval_summary(booking),
                         reason=booking.capacity_reason if over else booking.notes[:200])
    else:
        confirm(booking, now)
    return booking


def approval_summary(booking: Booking) -> str:
    booked = booking.booked
    first = booked[0]
    text = _("%(room)s %(when)s %(org)s「%(title)s」%(n)d 人", room=booking.room.name,
             when=f"{local(first.starts_at, '%m-%d %H:%M')}–{local(first.ends_at, '%H:%M')}",
             org=booking.organiser, title=booking.title, n=booking.attendees)
    if len(booked) > 1:
        text += _("（%(repeat)s，共 %(n)d 次）", repeat=booking.repeat.label, n=len(booked))
    if booking.over_capacity:
        text += _("，超过容量 %(cap)d 人", cap=booking.room.capacity)
    return text


def concierge_ids(property_id: int) -> list[int]:
    """The floor concierges: who serves the meetings."""
    return [u.id for u in staff(property_id, {Role.CONCIERGE})]


def confirm(booking: Booking, at: datetime) -> list[WorkOrder]:
    """The booking holds: each date still to come gets its 会务接待工作单, and the concierges are told.
    A date whose time has passed while it waited for approval is marked lapsed instead."""
    booking.status = BookingStatus.CONFIRMED
    prop = db.session.get(Property, booking.property_id)
    orders = []
    wait = release_after()
    for o in booking.occurrences:
        if o.status not in (OccurrenceStatus.PENDING, OccurrenceStatus.CONFIRMED) or o.work_order is not None:
            continue
        if o.overdue(at, wait):
            o.status = OccurrenceStatus.LAPSED
            continue
        o.status = OccurrenceStatus.CONFIRMED
        order = WorkOrder(property_id=booking.property_id, number=next_number(prop, "HW", o.starts_at),
                          occurrence=o, status=WorkOrderStatus.WAITING)
        db.session.add(order)
        orders.append(order)
    db.session.flush()
    if orders:
        first = orders[0].occurrence
        notify(concierge_ids(booking.property_id), booking.property_id,
               _("会务接待工作单：%(room)s %(when)s %(org)s「%(title)s」%(n)d 人%(more)s", room=booking.room.name,
                 when=local(first.starts_at, "%m-%d %H:%M"), org=booking.organiser, title=booking.title,
                 n=booking.attendees, more=_("（共 %(n)d 场）", n=len(orders)) if len(orders) > 1 else ""),
               url_for("rooms.work_order", order_id=orders[0].id))
    return orders


def booking_decided(approval: Approval) -> None:
    """A supervisor's decision on a booking: approved, it is confirmed (and any excess of attendees is
    theirs to answer for); refused, its dates are given back. The concierges hear either way."""
    booking = db.session.get(Booking, approval.subject_id)
    if booking.status is not BookingStatus.PENDING:
        return  # cancelled while it waited
    if approval.status is ApprovalStatus.APPROVED:
        if booking.over_capacity and booking.capacity_override_by_id is None:
            booking.capacity_override_by = approval.decided_by
        confirm(booking, approval.decided_at)
        return
    booking.status = BookingStatus.REFUSED
    for o in booking.occurrences:
        if o.status is OccurrenceStatus.PENDING:
            o.status, o.note = OccurrenceStatus.REFUSED, approval.decision_note[:200]
    notify(concierge_ids(booking.property_id), booking.property_id,
           _("会议室预订已驳回：%(s)s", s=approval.summary), url_for("rooms.booking", booking_id=booking.id))


def may_cancel(booking: Booking, user: User, is_approver: bool) -> bool:
    """The desk that asked for it, or a supervisor."""
    return booking.requested_by_id == user.id or is_approver


def _cancel(o: Occurrence, note: str) -> bool:
    if o.status not in (OccurrenceStatus.PENDING, OccurrenceStatus.CONFIRMED):
        return False
    o.status, o.note = OccurrenceStatus.CANCELLED, note[:200]
    if o.work_order is not None:
        o.work_order.status = WorkOrderStatus.CANCELLED
    return True


def cancel_booking(booking: Booking, *, by: User, reason: str, at: datetime) -> int:
    """Cancel every date still to come (meetings already held or in the room stay on record)."""
    if booking.status not in (BookingStatus.PENDING, BookingStatus.CONFIRMED):
        raise RoomsError(_("该预订%(status)s，不能取消", status=booking.status.label))
    served = [o for o in booking.occurrences if o.work_order is not None and o.status is OccurrenceStatus.CONFIRMED]
    cancelled = sum(_cancel(o, reason) for o in booking.occurrences)
    booking.status, booking.cancelled_at, booking.cancelled_by, booking.cancel_reason = (
        BookingStatus.CANCELLED, at, by, reason[:200])
    if served:
        notify(concierge_ids(booking.property_id), booking.property_id,
               _("会议室预订已取消：%(b)s（%(n)d 场）", b=str(booking), n=len(served)),
               url_for("rooms.booking", booking_id=booking.id))
    db.session.flush()
    return cancelled


def cancel_occurrence(o: Occurrence, *, by: User, reason: str, at: datetime) -> None:
    """One date of a series off (an exception after booking); the last date off cancels the booking."""
    if not _cancel(o, reason):
        raise RoomsError(_("这一场%(status)s，不能取消", status=o.status.label))
    booking = o.booking
    if o.work_order is not None:
        notify(concierge_ids(o.property_id), o.property_id,
               _("会议取消：%(room)s %(when)s「%(title)s」", room=o.room.name, when=local(o.starts_at, "%m-%d %H:%M"),
                 title=booking.title), url_for("rooms.booking", booking_id=booking.id))
    if not any(x.status in BLOCKING for x in booking.occurrences):
        booking.status, booking.cancelled_at, booking.cancelled_by, booking.cancel_reason = (
            BookingStatus.CANCELLED, at, by, reason[:200])
    db.session.flush()


def release_overdue(prop: Property, now: datetime, *, room_id: int | None = None) -> list[Occurrence]:
    """Give back the rooms of meetings nobody checked in to within the release time (the organiser's
    desk is told), and mark dates still waiting for approval past that time lapsed. Idempotent: cron
    (`flask rooms-release`) and every booking of a room run it, whichever comes first."""
    deadline = now - release_after()
    stmt = (sa.select(Occurrence)
            .where(Occurrence.property_id == prop.id, Occurrence.starts_at <= deadline,
                   Occurrence.status.in_([OccurrenceStatus.CONFIRMED, OccurrenceStatus.PENDING]))
            .order_by(Occurrence.starts_at, Occurrence.id).with_for_update())
    if room_id is not None:
        stmt = stmt.where(Occurrence.room_id == room_id)
    released = []
    for o in db.session.scalars(stmt):
        if o.status is OccurrenceStatus.PENDING:
            o.status = OccurrenceStatus.LAPSED
            continue
        o.status, o.released_at = OccurrenceStatus.RELEASED, now
        o.note = _("开始后 %(m)d 分钟内未签到，已释放", m=int(release_after().total_seconds() // 60))
        if o.work_order is not None:
            o.work_order.status = WorkOrderStatus.CANCELLED
        booking = o.booking
        desk = {booking.requested_by_id} | ({booking.staff_id} if booking.staff_id else set())
        notify(desk, prop.id, _("未签到已释放：%(room)s %(when)s %(org)s「%(title)s」", room=o.room.name,
                                when=f"{local(o.starts_at, '%m-%d %H:%M')}–{local(o.ends_at, '%H:%M')}",
                                org=booking.organiser, title=booking.title),
               url_for("rooms.booking", booking_id=booking.id))
        released.append(o)
    db.session.flush()
    return released


def check_in(order: WorkOrder, *, by: User, at: datetime) -> None:
    """The concierge receives the guests: the meeting is in the room. The caller has released the
    room's overdue meetings first, so a no-show past its deadline is refused here."""
    o = order.occurrence
    if o.status is OccurrenceStatus.IN_USE:
        raise RoomsError(_("已于 %(t)s 由 %(who)s 签到", t=local(o.checked_in_at, "%H:%M"),
                           who=o.checked_in_by.display_name))
    if o.status is OccurrenceStatus.RELEASED:
        raise RoomsError(_("开始后 %(m)d 分钟内未签到，预订已释放，会议室已可另约",
                           m=int(release_after().total_seconds() // 60)))
    if o.status is not OccurrenceStatus.CONFIRMED:
        raise RoomsError(_("这一场%(status)s，不能签到", status=o.status.label))
    if at < o.blocked_from:
        raise RoomsError(_("会议 %(start)s 开始，%(from)s 起才能签到", start=local(o.starts_at, "%H:%M"),
                           **{"from": local(o.blocked_from, "%H:%M")}))
    o.status, o.checked_in_at, o.checked_in_by = OccurrenceStatus.IN_USE, at, by
    order.status = WorkOrderStatus.IN_SERVICE
    db.session.flush()
