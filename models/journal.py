"""The lobby duty journal (值班日志): shifts with their opening checklist, events, release passes
(放行条) and the shift handover (交接班). Seed 002 大堂前台/楼层客服; seed 003 §2.5."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import PropertyScoped, Timestamped, UTCDateTime, db
from .clock import now
from .enums import LabelledEnum, enum_type
from .org import Unit
from .users import User


class Post(LabelledEnum):
    LOBBY = "lobby", _l("大堂前台")
    FLOOR = "floor", _l("楼层客服")
    CONTROL = "control", _l("中控室")


class ShiftStatus(LabelledEnum):
    OPEN = "open", _l("值班中")
    HANDING_OVER = "handing_over", _l("待接班确认")
    CLOSED = "closed", _l("已交接")


# The opening checklist of seed 002 (大堂前台工作流程 2a–2d; 楼层客服 1a–1d), one line per thing to look at.
CHECKLISTS: dict[Post, list[tuple[str, str]]] = {
    Post.LOBBY: [
        ("doors", _l("大门开关正常，门禁可用")),
        ("lights_fire", _l("照明灯具、消防器材完好")),
        ("climate", _l("空调舒适度、照明亮度、香薰浓度合适")),
        ("clean", _l("地面、墙面、天花清洁，绿植无枯萎")),
        ("lifts_gates", _l("客梯、道闸及大堂设施运行正常")),
    ],
    Post.FLOOR: [
        ("doors", _l("门窗开关正常")),
        ("lights_fire", _l("照明灯具、消防器材完好")),
        ("climate", _l("空调舒适度、照明亮度、香薰浓度合适")),
        ("clean", _l("地面、墙面、天花清洁，绿植无枯萎")),
        ("lifts", _l("客梯及楼层设施运行正常")),
    ],
    Post.CONTROL: [
        ("monitors", _l("监控画面、报警主机正常")),
        ("fire_panel", _l("消防控制盘无故障报警")),
        ("lifts", _l("电梯运行监视正常")),
        ("records", _l("上一班记录已阅")),
    ],
}


class CheckResult(LabelledEnum):
    OK = "ok", _l("正常")
    ABNORMAL = "abnormal", _l("异常")


class Shift(PropertyScoped, Timestamped, db.Model):
    __tablename__ = "shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    post: Mapped[Post] = mapped_column(enum_type(Post))
    status: Mapped[ShiftStatus] = mapped_column(enum_type(ShiftStatus), default=ShiftStatus.OPEN)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # Handover: what the next shift inherits, frozen when the outgoing staff hand over.
    handover_notes: Mapped[str] = mapped_column(sa.Text, default="")
    handover_items: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    incoming_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_shift_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shifts.id"))

    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
    incoming: Mapped[User | None] = relationship(foreign_keys=[incoming_id])
    checks: Mapped[list[ShiftCheck]] = relationship(
        back_populates="shift", order_by="ShiftCheck.position", cascade="all, delete-orphan"
    )
    events: Mapped[list[JournalEvent]] = relationship(
        back_populates="shift", order_by="JournalEvent.at", cascade="all, delete-orphan"
    )

    __table_args__ = (
        # One shift on duty per post at a time, on both databases.
        sa.Index(
            "uq_shifts_one_open_per_post", "property_id", "post", unique=True,
            postgresql_where=sa.text("status <> 'closed'"), sqlite_where=sa.text("status <> 'closed'"),
        ),
    )

    @property
    def checklist_done(self) -> bool:
        return all(check.result is not None for check in self.checks)

    def __str__(self) -> str:
        return self.number


class ShiftCheck(db.Model):
    __tablename__ = "shift_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shifts.id"), index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(30))
    label: Mapped[str] = mapped_column(sa.String(100))
    result: Mapped[CheckResult | None] = mapped_column(enum_type(CheckResult))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"))

    shift: Mapped[Shift] = relationship(back_populates="checks")

    __table_args__ = (sa.UniqueConstraint("shift_id", "key"),)


class EventKind(LabelledEnum):
    GENERAL = "general", _l("一般事项")
    FACILITY = "facility", _l("设施设备")
    SAFETY = "safety", _l("安全")
    CALL = "call", _l("来电")
    HELD_ITEM = "held_item", _l("代为保管")
    OTHER = "other", _l("其他")


class JournalEvent(PropertyScoped, db.Model):
    """One line of the duty journal. An edit keeps what was written first (`revisions`)."""

    __tablename__ = "journal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shifts.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    text: Mapped[str] = mapped_column(sa.Text)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)  # when it happened (device time)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)  # when it arrived
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # Items held for owners stay on the handover until someone marks them handed back.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revisions: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)

    shift: Mapped[Shift] = relationship(back_populates="events")
    unit: Mapped[Unit | None] = relationship()
    author: Mapped[User] = relationship()

    def revise(self, text: str, by: User, at: datetime) -> None:
        self.revisions = [*self.revisions, {"text": self.text, "replaced_at": at.isoformat(), "by": by.display_name}]
        self.text = text


class Authorisation(LabelledEnum):
    OWNER_PRESENT = "owner_present", _l("业主本人在场")
    PHONE = "phone", _l("电话确认")
    WRITTEN = "written", _l("书面授权")


class PassStatus(LabelledEnum):
    PENDING = "pending", _l("待主管批准")  # the unit is in arrears: a supervisor must approve first
    ISSUED = "issued", _l("未使用")
    USED = "used", _l("已放行")
    VOID = "void", _l("已作废")
    REFUSED = "refused", _l("未获批准")


class ReleasePass(PropertyScoped, Timestamped, db.Model):
    """放行条: goods leaving the estate, authorised by the owner, used once at the gate."""

    __tablename__ = "release_passes"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    items: Mapped[str] = mapped_column(sa.Text)
    carrier_name: Mapped[str] = mapped_column(sa.String(50))
    carrier_phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    plate: Mapped[str] = mapped_column(sa.String(20), default="")
    authorisation: Mapped[Authorisation] = mapped_column(enum_type(Authorisation))
    authorised_by: Mapped[str] = mapped_column(sa.String(50))  # the owner who agreed
    authorisation_note: Mapped[str] = mapped_column(sa.String(300), default="")
    unit_in_arrears: Mapped[bool] = mapped_column(default=False)
    # A unit in arrears: why the goods should leave all the same, and the supervisor who approved it.
    override_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    override_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    status: Mapped[PassStatus] = mapped_column(enum_type(PassStatus), default=PassStatus.ISSUED)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship()
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])
    used_by: Mapped[User | None] = relationship(foreign_keys=[used_by_id])
    override_by: Mapped[User | None] = relationship(foreign_keys=[override_by_id])

    __table_args__ = (
        sa.CheckConstraint("(status = 'used') = (used_at IS NOT NULL)", name="used_when_used"),
        sa.CheckConstraint("NOT unit_in_arrears OR status IN ('pending', 'refused') OR override_by_id IS NOT NULL",
                           name="arrears_need_override"),
    )
