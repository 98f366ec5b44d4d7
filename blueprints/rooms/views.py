"""The calendars, the booking request (会议室使用申请单), the booking's page and the list of bookings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from wtforms.fields.choices import SelectChoice

from models import Resident, clock, db
from models.rooms import (
    BLOCKING, Booking, BookingStatus, Layout, Occurrence, OrganiserKind, Repeat, Room, RoomsError,
)

from ..approvals.services import latest_for
from ..shared.htmx import INVALID, render
from ..shared.lists import Column, ListFilter, export_xlsx
from ..shared.localtime import requested_day
from ..shared.offline import client_time, offline_submit
from ..shared.permissions import can, current_property, get_or_404, require, scoped, staff
from ..shared.units import find_unit
from . import bp
from .calendar import active_rooms, day_grid, slot_length, week_grid, week_of
from .forms import BookingForm, ReasonForm, parse_dates
from .services import (
    BookingRefused, BookingRequest, book, cancel_booking, cancel_occurrence, may_cancel, plan, problems, release_after,
)


@bp.get("/")
@require("rooms.view")
def index():
    """All rooms on one day: tap a free slot to book it."""
    day = requested_day()
    prop = current_property()
    return render("rooms/calendar.html", "calendar", grid=day_grid(prop, day, clock.now()), day=day,
                  prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1), slot=slot_length())


@bp.get("/<int:room_id>/week")
@require("rooms.view")
def week(room_id: int):
    room = get_or_404(Room, room_id)
    day = requested_day()
    days = week_of(day)
    return render("rooms/week.html", "calendar", room=room, grid=week_grid(current_property(), room, day, clock.now()),
                  day=day, days=days, prev_day=days[0] - timedelta(days=7), next_day=days[0] + timedelta(days=7),
                  rooms=active_rooms(current_property().id), slot=slot_length())


def _staff_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("请选择")),
            *(SelectChoice(str(u.id), u.display_name) for u in staff(current_property().id))]


def _room_choices(rooms: list[Room]) -> list[SelectChoice]:
    return [SelectChoice(r.id, _("%(name)s（%(n)d 人）", name=r.name, n=r.capacity)) for r in rooms]


def booking_form(**kwargs) -> tuple[BookingForm, list[Room]]:
    rooms = active_rooms(current_property().id)
    form = BookingForm(**kwargs)
    form.room_id.choices = _room_choices(rooms)
    form.staff_id.choices = _staff_choices()
    return form, rooms


def _prefill() -> dict:
    """From a tapped slot (?room=&date=&start=): the room, day and an hour from the start."""
    data = {"day": requested_day(), "staff_id": current_user.id}
    room = db.session.get(Room, request.args.get("room", 0, type=int))
    if room is not None and room.property_id == current_property().id:
        data["room_id"] = room.id
    try:
        start = time.fromisoformat(request.args.get("start", ""))
    except ValueError:
        return data
    end = (datetime.combine(date.min, start) + timedelta(hours=1)).time()
    latest = room.closes_at if "room_id" in data else time(23, 55)
    data.update(start=start, end=min(end, latest) if end > start else latest)
    return data


def _resident(form: BookingForm) -> Resident | None:
    raw = form.resident_id.data or ""
    resident = db.session.get(Resident, int(raw)) if raw.isdigit() else None
    unit = form.unit.unit
    if resident is None or unit is None or resident.unit_id != unit.id:
        return None
    return resident


def request_from(form: BookingForm, room: Room) -> BookingRequest:
    kind = OrganiserKind(form.organiser_kind.data)
    return BookingRequest(
        room=room, day=form.day.data, start=form.start.data, end=form.end.data, title=form.title.data,
        attendees=form.attendees.data, organiser_kind=kind, repeat=Repeat(form.repeat.data),
        until=form.repeat_until.data, exceptions=form.exception_dates, skip_conflicts=form.skip_conflicts.data,
        unit=form.unit.unit, resident=_resident(form), company=form.company.data,
        staff=next((u for u in staff(current_property().id) if u.id == form.staff_id.data), None),
        contact_name=form.contact_name.data, contact_phone=form.contact_phone.data or "",
        layout=Layout(form.layout.data), equipment=form.equipment.data or [], services=form.services.data or [],
        notes=form.notes.data, capacity_reason=form.capacity_reason.data,
    )


@bp.route("/bookings/new", methods=["GET", "POST"])
@require("rooms.book")
@offline_submit
def new_booking():
    form, rooms = booking_form() if request.method == "POST" else booking_form(data=_prefill())
    if form.validate_on_submit():
        room = next(r for r in rooms if r.id == form.room_id.data)
        try:
            booking = book(current_property(), request_from(form, room), by=current_user, at=client_time(),
                           may_override_capacity=can("rooms.approve"))
        except BookingRefused as refused:
            for name, messages in refused.problems.items():
                form[name].errors = [*form[name].errors, *messages]
        else:
            booked = len(booking.booked)
            if booking.status is BookingStatus.PENDING:
                flash(_("已提交 %(n)s，共 %(k)d 场，待主管审批；审批结果会通知您和楼层客服", n=booking.number, k=booked),
                      "success")
            else:
                flash(_("已预订 %(n)s，共 %(k)d 场；楼层客服已收到会务接待工作单", n=booking.number, k=booked), "success")
            return redirect(url_for("rooms.booking", booking_id=booking.id))
    status = INVALID if request.method == "POST" else 200
    return render("rooms/booking_form.html", form=form, rooms=rooms, status=status)


@dataclass
class Availability:
    room: Room | None
    planned: list
    problems: dict
    over_capacity: bool


@bp.get("/availability")
@require("rooms.book")
def availability():
    """For the booking form, as the desk fills it in: whether the room is free then (every date of a
    repeat), and what the room's rules say. Reads only."""
    form, rooms = booking_form(formdata=request.args, meta={"csrf": False})
    room = next((r for r in rooms if r.id == form.room_id.data), None)
    result = Availability(room, [], {}, False)
    if room and form.day.data and form.start.data and form.end.data and form.end.data > form.start.data:
        try:
            exceptions = parse_dates(form.exceptions.data or "", form.day.data)
        except ValueError:
            exceptions = []
        kind = OrganiserKind(form.organiser_kind.data) if form.organiser_kind.data in OrganiserKind._value2member_map_ \
            else OrganiserKind.COMPANY
        repeat = Repeat(form.repeat.data) if form.repeat.data in Repeat._value2member_map_ else Repeat.NONE
        req = BookingRequest(
            room=room, day=form.day.data, start=form.start.data, end=form.end.data, title="",
            attendees=form.attendees.data or 1, organiser_kind=kind, repeat=repeat,
            until=form.repeat_until.data, exceptions=exceptions, skip_conflicts=form.skip_conflicts.data,
            equipment=request.args.getlist("equipment"), capacity_reason="-",
        )
        prop = current_property()
        result.planned = plan(prop, req)
        result.problems = problems(prop, req, result.planned, clock.now())
        result.over_capacity = req.attendees > room.capacity
    return render("rooms/_availability.html", result=result)


@bp.get("/unit-residents")
@require("rooms.book")
def unit_residents():
    """For the booking form: the residents of the unit typed, to pick the organiser with one tap."""
    unit = find_unit(request.args.get("unit", ""))
    residents = db.session.scalars(scoped(Resident).where(Resident.unit_id == unit.id)).all() if unit else []
    return render("rooms/_unit_residents.html", unit=unit, residents=residents, typed=request.args.get("unit", ""))


def _detail(booking: Booking, cancel_form=None, status=200):
    is_approver = can("rooms.approve")
    return render("rooms/booking.html", booking=booking, approval=latest_for(booking), as_of=clock.now(),
                  wait=release_after(), may_cancel=can("rooms.book") and may_cancel(booking, current_user, is_approver),
                  cancel_form=cancel_form or ReasonForm(formdata=None), status=status)


@bp.get("/bookings/<int:booking_id>")
@require("rooms.view")
def booking(booking_id: int):
    return _detail(get_or_404(Booking, booking_id))


def _locked_booking(booking_id: int) -> Booking:
    return db.first_or_404(scoped(Booking).where(Booking.id == booking_id).with_for_update()
                           .execution_options(populate_existing=True))


@bp.post("/bookings/<int:booking_id>/cancel")
@require("rooms.book")
def cancel(booking_id: int):
    booking = _locked_booking(booking_id)
    if not may_cancel(booking, current_user, can("rooms.approve")):
        abort(403)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            n = cancel_booking(booking, by=current_user, reason=form.reason.data, at=clock.now())
        except RoomsError as error:
            flash(str(error), "error")
        else:
            flash(_("已取消 %(b)s（%(n)d 场）", b=booking.number, n=n), "success")
        return redirect(url_for("rooms.booking", booking_id=booking.id))
    return _detail(booking, form, INVALID)


@bp.post("/occurrences/<int:occurrence_id>/cancel")
@require("rooms.book")
def cancel_one(occurrence_id: int):
    occurrence = db.first_or_404(scoped(Occurrence).where(Occurrence.id == occurrence_id).with_for_update()
                                 .execution_options(populate_existing=True))
    booking = occurrence.booking
    if not may_cancel(booking, current_user, can("rooms.approve")):
        abort(403)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            cancel_occurrence(occurrence, by=current_user, reason=form.reason.data, at=clock.now())
        except RoomsError as error:
            flash(str(error), "error")
        else:
            flash(_("已取消 %(day)s 这一场", day=occurrence.starts_at.astimezone(current_property().zone)
                    .strftime("%m-%d %H:%M")), "success")
    else:
        flash(_("请填写取消原因"), "error")
    return redirect(url_for("rooms.booking", booking_id=booking.id))


STATUS_FILTERS = ("open", "pending", "confirmed", "refused", "cancelled", "all")


@dataclass
class BookingFilter(ListFilter):
    status: str = "open"
    room: int | None = None

    def __post_init__(self):
        if self.status not in STATUS_FILTERS:
            self.status = "open"

    def select(self) -> sa.Select:
        first = (sa.select(sa.func.min(Occurrence.starts_at)).where(Occurrence.booking_id == Booking.id)
                 .correlate(Booking).scalar_subquery())
        order = first.desc() if self.status in ("all", "cancelled", "refused") else first
        return self.apply(scoped(Booking).order_by(order, Booking.id).options(
            joinedload(Booking.unit), joinedload(Booking.room), selectinload(Booking.occurrences)))

    def where(self, stmt: sa.Select) -> sa.Select:
        if self.status == "open":
            stmt = stmt.where(Booking.status.in_([BookingStatus.PENDING, BookingStatus.CONFIRMED]),
                              sa.exists().where(Occurrence.booking_id == Booking.id,
                                                Occurrence.status.in_(BLOCKING),
                                                Occurrence.ends_at > clock.now()))
        elif self.status != "all":
            stmt = stmt.where(Booking.status == BookingStatus(self.status))
        if self.room:
            stmt = stmt.where(Booking.room_id == self.room)
        if self.q:
            stmt = stmt.where(sa.or_(*(c.icontains(self.q, autoescape=True) for c in (
                Booking.number, Booking.title, Booking.company, Booking.contact_name))))
        return stmt


def _first(b: Booking):
    booked = b.booked or b.occurrences
    return booked[0].starts_at if booked else None


def _next(b: Booking):
    """The next meeting still to come (or in the room), else the first: what the list shows."""
    now = clock.now()
    return next((o.starts_at for o in b.booked if o.ends_at > now), _first(b))


EXPORT_COLUMNS = [
    Column(_l("编号"), lambda b: b.number),
    Column(_l("会议室"), lambda b: b.room.name),
    Column(_l("会议主题"), lambda b: b.title, width=26),
    Column(_l("申请方"), lambda b: b.organiser, width=26),
    Column(_l("联系人"), lambda b: b.contact_name),
    Column(_l("参会人数"), lambda b: b.attendees, numeric=True, width=10),
    Column(_l("首次时间"), _first),
    Column(_l("重复"), lambda b: b.repeat_label, width=24),
    Column(_l("场次"), lambda b: len(b.booked), numeric=True, width=8),
    Column(_l("服务项目"), lambda b: "、".join(b.service_labels)),
    Column(_l("状态"), lambda b: b.status.label, width=10),
    Column(_l("申请人"), lambda b: b.requested_by.display_name),
    Column(_l("申请时间"), lambda b: b.requested_at),
]


@bp.get("/bookings")
@require("rooms.view")
def bookings():
    filters = BookingFilter.from_args(request.args)
    page = db.paginate(filters.select(), per_page=30, error_out=False)
    return render("rooms/bookings.html", "results", page=page, filters=filters,
                  rooms=db.session.scalars(scoped(Room).order_by(Room.name)).all(), when=_next,
                  statuses=[("open", _("未结束")), ("pending", BookingStatus.PENDING.label),
                            ("confirmed", BookingStatus.CONFIRMED.label), ("refused", BookingStatus.REFUSED.label),
                            ("cancelled", BookingStatus.CANCELLED.label), ("all", _("全部"))])


@bp.get("/bookings.xlsx")
@require("rooms.view")
def export():
    return export_xlsx(_("会议室预订"), EXPORT_COLUMNS, BookingFilter.from_args(request.args).select())
