"""Meeting rooms (会议室) and their bookings.

Seed 002 楼层客服 (fill in the 会议室使用申请单 and have the supervisor approve it, open the room and have it
cleaned beforehand, set it up as asked, receive and guide the guests). The meeting service itself (seed
001 会务接待操作流程: the work order, tea, service rounds, crockery) is in models/room_service.py.

A booking (the request, 会议室使用申请单) is a series of occurrences, one row per meeting: a repeating
booking has as many rows as dates, an exception is a row that is skipped or cancelled. Each row blocks
its room from `blocked_from` (start less the room's set-up time) to `blocked_until` (end plus its
cleaning time); two rows that block the same room at once can never both be active: an exclusion
constraint on PostgreSQL, triggers on SQLite (both made by migration 0011), and the booking service
checks first so that the user is told which bookings are in the way.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import PropertyScoped, Timestamped, UTCDateTime, db
from .enums import LabelledEnum, enum_type
from .org import Building, Resident, Unit, mask_phone
from .users import User

if TYPE_CHECKING:
    from .room_service import WorkOrder

WEEKDAY_LABELS = [_l("周一"), _l("周二"), _l("周三"), _l("周四"), _l("周五"), _l("周六"), _l("周日")]
EVERY_DAY = "1234567"
WORKDAYS = "12345"


class RoomsError(ValueError):
    """A step the rules of rooms and bookings refuse; the message is for the user, in Chinese.
    `field` names the form field the message belongs beside, when it is about one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class Equipment(LabelledEnum):
    PROJECTOR = "projector", _l("投影仪")
    SCREEN = "screen", _l("显示屏")
    VIDEO = "video", _l("视频会议")
    MICROPHONE = "microphone", _l("话筒")
    SOUND = "sound", _l("音响")
    WHITEBOARD = "whiteboard", _l("白板")


class OrganiserKind(LabelledEnum):
    COMPANY = "company", _l("业户单位")
    RESIDENT = "resident", _l("住户")
    STAFF = "staff", _l("内部")


class Repeat(LabelledEnum):
    NONE = "none", _l("不重复")
    DAILY = "daily", _l("每天")
    WEEKLY = "weekly", _l("每周")
    MONTHLY = "monthly", _l("每月")


class Layout(LabelledEnum):
    BOARDROOM = "boardroom", _l("会议式（围坐）")
    CLASSROOM = "classroom", _l("课桌式")
    THEATRE = "theatre", _l("剧院式")
    U_SHAPE = "u_shape", _l("U 形")
    BANQUET = "banquet", _l("圆桌式")
    AS_IS = "as_is", _l("保持现状")


class ServiceItem(LabelledEnum):
    """What the concierge serves (seed 001: 茶、饮料、果盘、纸巾; tea and towels on seating)."""

    TEA = "tea", _l("茶水")
    WATER = "water", _l("矿泉水")
    FRUIT = "fruit", _l("果盘")
    TOWEL = "towel", _l("香巾")


SERVICE_UNITS = {ServiceItem.TEA: _l("杯"), ServiceItem.WATER: _l("瓶"), ServiceItem.FRUIT: _l("盘"),
                 ServiceItem.TOWEL: _l("条")}


class BookingStatus(LabelledEnum):
    PENDING = "pending", _l("待审批")
    CONFIRMED = "confirmed", _l("已确认")
    REFUSED = "refused", _l("已驳回")
    CANCELLED = "cancelled", _l("已取消")


class OccurrenceStatus(LabelledEnum):
    PENDING = "pending", _l("待审批")
    CONFIRMED = "confirmed", _l("待使用")
    IN_USE = "in_use", _l("使用中")
    CLOSED = "closed", _l("已结束")
    RELEASED = "released", _l("未签到已释放")
    CANCELLED = "cancelled", _l("已取消")
    REFUSED = "refused", _l("已驳回")
    SKIPPED = "skipped", _l("不预订")
    LAPSED = "lapsed", _l("逾期未审批")


# The occurrences that hold their room: the exclusion constraint and the triggers name the same ones.
BLOCKING = (OccurrenceStatus.PENDING, OccurrenceStatus.CONFIRMED, OccurrenceStatus.IN_USE, OccurrenceStatus.CLOSED)
BLOCKING_SQL = "status IN ('pending', 'confirmed', 'in_use', 'closed')"


def floor_label(floor: str) -> str:
    return f"{floor}{_('层')}" if floor.isdigit() else floor


class Room(PropertyScoped, Timestamped, db.Model):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    building_id: Mapped[int | None] = mapped_column(sa.ForeignKey("buildings.id"))
    floor: Mapped[str] = mapped_column(sa.String(10), default="")  # 2, B1, 会所二层
    capacity: Mapped[int]
    equipment: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # Equipment values
    opens_at: Mapped[time] = mapped_column(sa.Time, default=time(8, 30))
    closes_at: Mapped[time] = mapped_column(sa.Time, default=time(18, 0))
    open_days: Mapped[str] = mapped_column(sa.String(7), default=WORKDAYS)  # the ISO weekdays it opens, "12345"
    bookers: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # OrganiserKind values it accepts
    needs_approval: Mapped[bool] = mapped_column(default=False)
    # Blocked before each meeting to open, clean and set up (seed 001: half an hour), and after it to clear up.
    setup_minutes: Mapped[int] = mapped_column(default=30)
    cleanup_minutes: Mapped[int] = mapped_column(default=15)
    active: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    building: Mapped[Building | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("property_id", "name"),
        sa.CheckConstraint("capacity BETWEEN 1 AND 2000", name="capacity_range"),
        sa.CheckConstraint("opens_at < closes_at", name="hours_order"),
        sa.CheckConstraint("open_days <> ''", name="some_weekday"),
        sa.CheckConstraint("setup_minutes BETWEEN 0 AND 240", name="setup_range"),
        sa.CheckConstraint("cleanup_minutes BETWEEN 0 AND 240", name="cleanup_range"),
    )

    @property
    def location(self) -> str:
        """1号楼 2层: where the room is, as the calendar and the forms show it."""
        return " ".join(p for p in (self.building.name if self.building else "", floor_label(self.floor)) if p)

    @property
    def setup(self) -> timedelta:
        return timedelta(minutes=self.setup_minutes)

    @property
    def cleanup(self) -> timedelta:
        return timedelta(minutes=self.cleanup_minutes)

    def opens_on(self, day: date) -> bool:
        return str(day.isoweekday()) in self.open_days

    def accepts(self, kind: OrganiserKind) -> bool:
        return kind.value in self.bookers

    @property
    def equipment_labels(self) -> list[str]:
        return [str(Equipment(e).label) for e in self.equipment]

    @property
    def bookers_label(self) -> str:
        return "、".join(str(OrganiserKind(k).label) for k in self.bookers)

    @property
    def days_label(self) -> str:
        if self.open_days == EVERY_DAY:
            return _("每天")
        if self.open_days == WORKDAYS:
            return _("工作日")
        return "、".join(str(WEEKDAY_LABELS[int(d) - 1]) for d in self.open_days)

    @property
    def hours_label(self) -> str:
        return f"{self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def __str__(self) -> str:
        return self.name


class Booking(PropertyScoped, Timestamped, db.Model):
    """会议室使用申请单: who asks for which room, when (once or repeating), for what, with which service."""

    __tablename__ = "room_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id"), index=True)
    organiser_kind: Mapped[OrganiserKind] = mapped_column(enum_type(OrganiserKind))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    resident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("residents.id"))
    company: Mapped[str] = mapped_column(sa.String(100), default="")
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    contact_name: Mapped[str] = mapped_column(sa.String(50), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    title: Mapped[str] = mapped_column(sa.String(100))
    attendees: Mapped[int]
    repeat: Mapped[Repeat] = mapped_column(enum_type(Repeat), default=Repeat.NONE)
    repeat_until: Mapped[date | None]
    layout: Mapped[Layout] = mapped_column(enum_type(Layout), default=Layout.BOARDROOM)
    equipment: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # Equipment values asked for
    services: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # ServiceItem values asked for
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # More attendees than the room seats: why, and the supervisor who let it through.
    capacity_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    capacity_override_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[BookingStatus] = mapped_column(enum_type(BookingStatus), default=BookingStatus.PENDING)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))  # the organiser's desk
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancel_reason: Mapped[str] = mapped_column(sa.String(200), default="")

    room: Mapped[Room] = relationship()
    unit: Mapped[Unit | None] = relationship()
    resident: Mapped[Resident | None] = relationship()
    staff: Mapped[User | None] = relationship(foreign_keys=[staff_id])
    capacity_override_by: Mapped[User | None] = relationship(foreign_keys=[capacity_override_by_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="booking", order_by="(Occurrence.starts_at, Occurrence.id)"
    )

    __table_args__ = (
        sa.Index("ix_room_bookings_property_status", "property_id", "status"),
        sa.CheckConstraint("attendees BETWEEN 1 AND 2000", name="attendees_range"),
        sa.CheckConstraint("(repeat = 'none') = (repeat_until IS NULL)", name="repeat_has_end"),
        sa.CheckConstraint("(organiser_kind = 'staff') = (staff_id IS NOT NULL)", name="staff_organiser"),
        sa.CheckConstraint("organiser_kind = 'staff' OR unit_id IS NOT NULL", name="unit_organiser"),
        sa.CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_when_cancelled"),
        sa.CheckConstraint("capacity_override_by_id IS NULL OR capacity_reason <> ''", name="override_has_reason"),
    )

    @property
    def organiser(self) -> str:
        """恒宇科技（HY-1-201）, 张三（HY-3-1502）, 客服部 王前台: who the meeting is for."""
        if self.organiser_kind is OrganiserKind.STAFF:
            return self.staff.display_name
        if self.organiser_kind is OrganiserKind.COMPANY:
            who = self.company
        else:
            who = self.resident.name if self.resident else self.contact_name
        return f"{who}（{self.unit.archive_no}）"

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def over_capacity(self) -> bool:
        return self.attendees > self.room.capacity

    @property
    def equipment_labels(self) -> list[str]:
        return [str(Equipment(e).label) for e in self.equipment]

    @property
    def service_labels(self) -> list[str]:
        return [str(ServiceItem(s).label) for s in self.services]

    @property
    def booked(self) -> list[Occurrence]:
        """The meetings it holds or held (not the dates skipped, cancelled or refused)."""
        return [o for o in self.occurrences if o.status in BLOCKING or o.status is OccurrenceStatus.RELEASED]

    @property
    def repeat_label(self) -> str:
        if self.repeat is Repeat.NONE:
            return str(self.repeat.label)
        return _("%(repeat)s，至 %(until)s", repeat=self.repeat.label, until=self.repeat_until.isoformat())

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Occurrence(PropertyScoped, Timestamped, db.Model):
    """One meeting of a booking, in its room, with the buffers it blocks around it."""

    __tablename__ = "room_occurrences"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("room_bookings.id"), index=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id"))  # the booking's, here for the constraint
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_from: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[OccurrenceStatus] = mapped_column(enum_type(OccurrenceStatus))
    note: Mapped[str] = mapped_column(sa.String(200), default="")  # why a date is skipped or cancelled
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    booking: Mapped[Booking] = relationship(back_populates="occurrences")
    room: Mapped[Room] = relationship()
    checked_in_by: Mapped[User | None] = relationship()
    work_order: Mapped[WorkOrder | None] = relationship(back_populates="occurrence", lazy="selectin")

    __table_args__ = (
        sa.Index("ix_room_occurrences_room_blocked", "room_id", "blocked_from"),
        sa.Index("ix_room_occurrences_property_starts", "property_id", "starts_at"),
        sa.CheckConstraint("starts_at < ends_at", name="times_order"),
        sa.CheckConstraint("blocked_from <= starts_at AND blocked_until >= ends_at", name="buffers_around"),
        sa.CheckConstraint("status NOT IN ('in_use', 'closed') OR checked_in_at IS NOT NULL", name="checked_in"),
        sa.CheckConstraint("(status = 'released') = (released_at IS NOT NULL)", name="released_when_released"),
        # No two active occurrences block the same room at once. On SQLite triggers keep the same rule
        # (migration 0011).
        ExcludeConstraint(
            (sa.column("room_id"), "="),
            (sa.func.tstzrange(sa.column("blocked_from"), sa.column("blocked_until")), "&&"),
            name="ex_room_occurrences_no_overlap", using="gist", where=sa.text(BLOCKING_SQL),
        ).ddl_if(dialect="postgresql"),
    )

    def release_deadline(self, release_after: timedelta) -> datetime:
        """Not checked in by then, the meeting is a no-show and its room is given back."""
        return self.starts_at + release_after

    def overdue(self, now: datetime, release_after: timedelta) -> bool:
        """Waiting for guests (or for approval) past the deadline: released (lapsed) when cron or the
        next booking of the room gets to it; pages show it so already."""
        return (self.status in (OccurrenceStatus.CONFIRMED, OccurrenceStatus.PENDING)
                and now >= self.release_deadline(release_after))

    def shown_status(self, now: datetime, release_after: timedelta) -> OccurrenceStatus:
        if self.overdue(now, release_after):
            return OccurrenceStatus.RELEASED if self.status is OccurrenceStatus.CONFIRMED else OccurrenceStatus.LAPSED
        return self.status

    def holds_room(self, now: datetime, release_after: timedelta) -> bool:
        return self.shown_status(now, release_after) in BLOCKING

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    def __str__(self) -> str:
        return f"{self.booking.number} {self.booking.title}"
