"""Meeting service (会务接待): the floor concierge's work order for one meeting, from opening the room to the
service record.

Seed 001 会务接待操作流程 («会务\\贵宾接待工作单»; tea and towels within five minutes of the guests being
seated; the «茶水出单统计表» counting what was served and the crockery; a service round every fifteen
minutes; clearing up and a record afterwards). The rooms, bookings and their occurrences are in models/rooms.py.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import PropertyScoped, Timestamped, UTCDateTime, db
from .enums import LabelledEnum, enum_type
from .rooms import Booking, Occurrence, OccurrenceStatus, ServiceItem
from .tickets import Ticket
from .users import User

# Seed 001 会务接待操作流程: tea and towels within five minutes of the guests being seated, then a service
# round into the room every fifteen minutes.
TEA_WITHIN = timedelta(minutes=5)
ROUND_EVERY = timedelta(minutes=15)


class Vessel(LabelledEnum):
    """Crockery counted out to the room and back (seed 001: 回收茶水杯、果盘、烟灰缸)."""

    CUP = "cup", _l("茶杯")
    GLASS = "glass", _l("水杯")
    PLATE = "plate", _l("果盘")
    TOWEL_TRAY = "towel_tray", _l("毛巾碟")
    ASHTRAY = "ashtray", _l("烟灰缸")


class WorkOrderStatus(LabelledEnum):
    WAITING = "waiting", _l("待接待")
    IN_SERVICE = "in_service", _l("服务中")
    CLOSED = "closed", _l("已完成")
    CANCELLED = "cancelled", _l("已取消")


class Step(LabelledEnum):
    """The steps of the 会务接待工作单 before, during and after the meeting, ticked on the tablet."""

    OPEN = "open", _l("开门通风")
    CLEAN = "clean", _l("会场卫生已清理")
    SET_UP = "set_up", _l("按申请布置会场、检查设备")
    TEA = "tea", _l("上茶水、香巾")
    CLEAR = "clear", _l("清理会场、回收器皿")


class WorkOrder(PropertyScoped, Timestamped, db.Model):
    """会务接待工作单: the floor concierge's service of one meeting, from opening the room to the record."""

    __tablename__ = "room_work_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    occurrence_id: Mapped[int] = mapped_column(sa.ForeignKey("room_occurrences.id"), unique=True)
    status: Mapped[WorkOrderStatus] = mapped_column(enum_type(WorkOrderStatus), default=WorkOrderStatus.WAITING)
    cleaning_ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"))
    # The service record (服务记录) on closing: what was damaged or missing, whether the room was cleaned
    # afterwards, and what went well or not (总结接待工作的体会与不足).
    damage: Mapped[str] = mapped_column(sa.String(500), default="")
    cleaned_after: Mapped[bool] = mapped_column(default=False)
    record: Mapped[str] = mapped_column(sa.Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    occurrence: Mapped[Occurrence] = relationship(back_populates="work_order")
    cleaning_ticket: Mapped[Ticket | None] = relationship()
    closed_by: Mapped[User | None] = relationship()
    steps: Mapped[list[WorkStep]] = relationship(back_populates="work_order", order_by="WorkStep.done_at")
    rounds: Mapped[list[ServiceRound]] = relationship(back_populates="work_order", order_by="ServiceRound.n")
    served: Mapped[list[ServedItem]] = relationship(back_populates="work_order", order_by="ServedItem.id")
    crockery: Mapped[list[Crockery]] = relationship(back_populates="work_order", order_by="Crockery.id")

    __table_args__ = (
        sa.Index("ix_room_work_orders_property_status", "property_id", "status"),
        sa.CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_when_closed"),
    )

    @property
    def booking(self) -> Booking:
        return self.occurrence.booking

    def step(self, step: Step) -> WorkStep | None:
        return next((s for s in self.steps if s.step is step), None)

    @property
    def tea_due_at(self) -> datetime | None:
        checked_in = self.occurrence.checked_in_at
        return checked_in + TEA_WITHIN if checked_in else None

    @property
    def tea_late_minutes(self) -> int:
        """How late the tea was, past the five minutes after seating (0 when on time or not yet served)."""
        tea = self.step(Step.TEA)
        if not tea or not self.tea_due_at or tea.done_at <= self.tea_due_at:
            return 0
        return int((tea.done_at - self.tea_due_at).total_seconds() // 60)

    @property
    def next_round_at(self) -> datetime | None:
        """When the next service round is due: fifteen minutes after the last one (or the tea, or the
        seating), while the meeting is in the room; None once it is cleared or over."""
        occurrence = self.occurrence
        if occurrence.status is not OccurrenceStatus.IN_USE or self.step(Step.CLEAR):
            return None
        tea = self.step(Step.TEA)
        last = self.rounds[-1].done_at if self.rounds else (tea.done_at if tea else occurrence.checked_in_at)
        due = last + ROUND_EVERY
        return due if due < occurrence.ends_at else None

    def served_count(self, item: ServiceItem) -> int:
        return next((s.quantity for s in self.served if s.item is item), 0)

    def vessel(self, vessel: Vessel) -> Crockery | None:
        return next((c for c in self.crockery if c.vessel is vessel), None)

    @property
    def crockery_missing(self) -> list[Crockery]:
        return [c for c in self.crockery if c.returned < c.issued]

    def __str__(self) -> str:
        return self.number


class WorkStep(db.Model):
    """A step of the work order done, once: by whom and when (device time)."""

    __tablename__ = "room_work_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("room_work_orders.id"))
    step: Mapped[Step] = mapped_column(enum_type(Step))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    work_order: Mapped[WorkOrder] = relationship(back_populates="steps")
    done_by: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("work_order_id", "step"),)


class ServiceRound(db.Model):
    """A service round into the meeting (加茶水、换烟灰缸), the n-th of the meeting."""

    __tablename__ = "room_service_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("room_work_orders.id"))
    n: Mapped[int]
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    work_order: Mapped[WorkOrder] = relationship(back_populates="rounds")
    done_by: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("work_order_id", "n"), sa.CheckConstraint("n >= 1", name="n_positive"))

    @property
    def late_minutes(self) -> int:
        return max(0, int((self.done_at - self.due_at).total_seconds() // 60))


class ServedItem(db.Model):
    """茶水出单统计表, what was served: the count of one item for the meeting."""

    __tablename__ = "room_served_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("room_work_orders.id"))
    item: Mapped[ServiceItem] = mapped_column(enum_type(ServiceItem))
    quantity: Mapped[int] = mapped_column(default=0)

    work_order: Mapped[WorkOrder] = relationship(back_populates="served")

    __table_args__ = (
        sa.UniqueConstraint("work_order_id", "item"),
        sa.CheckConstraint("quantity BETWEEN 0 AND 9999", name="quantity_range"),
    )


class Crockery(db.Model):
    """茶水出单统计表, the crockery: how many of one vessel went into the room and came back."""

    __tablename__ = "room_crockery"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("room_work_orders.id"))
    vessel: Mapped[Vessel] = mapped_column(enum_type(Vessel))
    issued: Mapped[int] = mapped_column(default=0)  # taken into the room
    returned: Mapped[int] = mapped_column(default=0)  # collected back whole

    work_order: Mapped[WorkOrder] = relationship(back_populates="crockery")

    __table_args__ = (
        sa.UniqueConstraint("work_order_id", "vessel"),
        sa.CheckConstraint("issued BETWEEN 0 AND 9999", name="issued_range"),
        sa.CheckConstraint("returned BETWEEN 0 AND issued", name="returned_not_more_than_issued"),
    )

    @property
    def missing(self) -> int:
        return self.issued - self.returned
