"""Decoration patrols (装修巡查, seed 000 §二 2.0 and 14.0; seed 001 装修治理): the units under
decoration, the violations found on the daily patrol, each with a numbered 违章通知书 and a deadline
(限期整改), and the re-inspections (复验) that close or escalate them."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import PropertyScoped, Timestamped, UTCDateTime, arrived_late, db
from .clock import now
from .enums import LabelledEnum, enum_type, in_every_language
from .org import Unit, mask_phone
from .users import User

# What the contractor field says when the owners do the works themselves.
OWNER_BUILT = _l("业主自装")
# What the lobby writes on the 《装修时间表》 unless the registration says otherwise.
DEFAULT_WORK_HOURS = _l("工作日 08:00–12:00、14:00–18:00；周末及法定节假日不得进行产生噪音的作业")


class DecorationStatus(LabelledEnum):
    IN_PROGRESS = "in_progress", _l("施工中")
    FINISHED = "finished", _l("已完工待验收")
    ACCEPTED = "accepted", _l("已验收")


class ViolationKind(LabelledEnum):
    NO_PERMIT = "no_permit", _l("未出示装修许可证/未办理手续")
    BLOCKED_PASSAGE = "blocked_passage", _l("堵塞公共通道")
    OPEN_FLAME = "open_flame", _l("动火作业无审批/违规动火")
    OUTSIDE_HOURS = "outside_hours", _l("超时施工")
    STRUCTURE = "structure", _l("破坏承重结构")
    DEBRIS = "debris", _l("乱扔装修垃圾")
    NOISE = "noise", _l("噪音扰民")
    OTHER = "other", _l("其他")


# The rule each kind of violation breaks, as printed on the notice (seed 001 装修治理; 《装修管理协议》).
RULES: dict[ViolationKind, str] = {
    ViolationKind.NO_PERMIT: _l("装修须先在物业服务中心办理装修手续，施工现场张贴《装修许可证》，施工人员凭出入证进场，并随时接受查验。"),
    ViolationKind.BLOCKED_PASSAGE: _l("装修材料、工具和垃圾不得堆放在楼道、电梯厅等公共通道；施工时关闭通向公共通道的门窗。"),
    ViolationKind.OPEN_FLAME: _l("装修现场禁用明火，禁止乱拉电线；确需动火的须事先办理动火审批，特种作业人员持证上岗，现场配备灭火器。"),
    ViolationKind.OUTSIDE_HOURS: _l("须在《装修时间表》规定的时间内施工。"),
    ViolationKind.STRUCTURE: _l("禁止拆改承重墙、梁、柱、楼板等承重结构，禁止变动建筑主体（《住宅室内装饰装修管理办法》）。"),
    ViolationKind.DEBRIS: _l("装修垃圾须袋装，在指定时间搬运到指定地点，不得乱扔乱倒。"),
    ViolationKind.NOISE: _l("产生噪音的作业只能在规定时间内进行，不得影响其他业主休息。"),
    ViolationKind.OTHER: _l("《装修管理协议》及《装修手册》的有关规定。"),
}

# Found on a patrol, these go to the supervisors at once: they endanger the building or its people.
SERIOUS = frozenset({ViolationKind.OPEN_FLAME, ViolationKind.STRUCTURE})


class ViolationStatus(LabelledEnum):
    OPEN = "open", _l("待整改")
    RECTIFIED = "rectified", _l("已整改")
    ESCALATED = "escalated", _l("未整改·已上报")


class DecorationError(ValueError):
    """A step the decoration rules refuse; the message is for the user, in Chinese."""


class Decoration(PropertyScoped, Timestamped, db.Model):
    """One unit's decoration as registered at the lobby (装修办理): who works there, and when."""

    __tablename__ = "decorations"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    owner_name: Mapped[str] = mapped_column(sa.String(50))
    owner_phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    contractor: Mapped[str] = mapped_column(sa.String(100))  # the decoration company
    contractor_contact: Mapped[str] = mapped_column(sa.String(50))
    contractor_phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    # Empty for works found going on without the procedure (recorded as a violation of its own).
    permit_no: Mapped[str] = mapped_column(sa.String(30), default="")
    works: Mapped[str] = mapped_column(sa.Text)
    work_hours: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]  # planned
    status: Mapped[DecorationStatus] = mapped_column(enum_type(DecorationStatus), default=DecorationStatus.IN_PROGRESS)
    registered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship()
    registered_by: Mapped[User] = relationship()
    violations: Mapped[list[Violation]] = relationship(back_populates="decoration", order_by="Violation.found_at")

    __table_args__ = (
        sa.CheckConstraint("starts_on <= ends_on", name="dates_in_order"),
        # One registration per unit until its works are accepted, on both databases.
        sa.Index(
            "uq_decorations_one_open_per_unit", "unit_id", unique=True,
            postgresql_where=sa.text("status <> 'accepted'"), sqlite_where=sa.text("status <> 'accepted'"),
        ),
        sa.Index(
            "uq_decorations_permit_no", "property_id", "permit_no", unique=True,
            postgresql_where=sa.text("permit_no <> ''"), sqlite_where=sa.text("permit_no <> ''"),
        ),
        sa.Index("ix_decorations_property_status", "property_id", "status"),
    )

    @property
    def addressees(self) -> str:
        """Whom a notice is addressed to: the owner, and the contractor unless the owners build themselves."""
        owner = _("%(name)s（业主）", name=self.owner_name)
        if self.contractor == self.owner_name or self.contractor in in_every_language(OWNER_BUILT):
            return owner
        return f"{owner}、{_('%(name)s（施工单位）', name=self.contractor)}"

    @property
    def owner_phone_masked(self) -> str:
        return mask_phone(self.owner_phone)

    def overrunning(self, today: date) -> bool:
        """Still under way after its planned end (超期)."""
        return self.status is DecorationStatus.IN_PROGRESS and self.ends_on < today

    @property
    def open(self) -> bool:
        """Patrolled, and violations may be recorded, until the works are accepted."""
        return self.status is not DecorationStatus.ACCEPTED

    def __str__(self) -> str:
        return f"{self.unit.archive_no} {self.owner_name}"


class Violation(PropertyScoped, db.Model):
    """违章: found on a patrol, notified in writing with a deadline, re-inspected until rectified."""

    __tablename__ = "decoration_violations"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)  # the notice's number
    decoration_id: Mapped[int] = mapped_column(sa.ForeignKey("decorations.id"), index=True)
    kind: Mapped[ViolationKind] = mapped_column(enum_type(ViolationKind))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it was seen (device time)
    found_on: Mapped[date]  # the property's local day of found_at, which the deadline counts from
    found_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    deadline: Mapped[date]  # 整改期限: rectified by the end of this day
    reinspect_on: Mapped[date | None]  # 复验日期; none once rectified, or escalated without a new deadline
    status: Mapped[ViolationStatus] = mapped_column(enum_type(ViolationStatus), default=ViolationStatus.OPEN)
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)  # when it reached the server

    decoration: Mapped[Decoration] = relationship(back_populates="violations")
    found_by: Mapped[User] = relationship()
    reinspections: Mapped[list[Reinspection]] = relationship(
        back_populates="violation", order_by="Reinspection.round", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("deadline >= found_on", name="deadline_not_before_finding"),
        sa.CheckConstraint("reinspect_on IS NULL OR reinspect_on >= deadline", name="reinspection_not_before_deadline"),
        sa.CheckConstraint("status <> 'open' OR reinspect_on IS NOT NULL", name="open_has_reinspection"),
        sa.CheckConstraint("(status = 'rectified') = (rectified_at IS NOT NULL)", name="rectified_when_rectified"),
        sa.Index("ix_decoration_violations_due", "property_id", "status", "reinspect_on"),
    )

    @property
    def rule(self) -> str:
        if self.kind is ViolationKind.OUTSIDE_HOURS:
            return f"{RULES[self.kind]}{_('本户允许施工时间：%(hours)s', hours=self.decoration.work_hours)}"
        return str(RULES[self.kind])

    @property
    def synced_late(self) -> bool:
        return arrived_late(self.found_at, self.created_at)

    def past_deadline(self, today: date) -> bool:
        return not self.resolved and self.deadline < today

    @property
    def resolved(self) -> bool:
        """Rectified, as a re-inspection found; an escalated violation may still be re-inspected later."""
        return self.status is ViolationStatus.RECTIFIED

    def reinspect(self, *, rectified: bool, note: str, new_deadline: date | None, by: User, at: datetime) -> Reinspection:
        """Record one re-inspection (复验): rectified closes the violation; not rectified escalates it,
        with a new deadline (and re-inspection the day after) when one is given."""
        if self.resolved:
            raise DecorationError(_("%(n)s 已复验整改完毕", n=self.number))
        if not rectified and not note.strip():
            raise DecorationError(_("未整改请写明情况及上报处理意见"))
        if rectified and new_deadline:
            raise DecorationError(_("已整改的不需要新的整改期限"))
        if new_deadline and new_deadline <= self.deadline:
            raise DecorationError(_("新的整改期限应晚于原期限 %(d)s", d=self.deadline.isoformat()))
        step = Reinspection(
            property_id=self.property_id, violation=self, round=len(self.reinspections) + 1, inspected_at=at,
            inspector=by, rectified=rectified, note=note.strip(), deadline_checked=self.deadline,
            new_deadline=new_deadline,
        )
        if rectified:
            self.status, self.rectified_at, self.reinspect_on = ViolationStatus.RECTIFIED, at, None
        else:
            self.status = ViolationStatus.ESCALATED
            if new_deadline:
                self.deadline, self.reinspect_on = new_deadline, reinspection_day(new_deadline)
            else:
                self.reinspect_on = None
        return step

    def __str__(self) -> str:
        return self.number


def reinspection_day(deadline: date) -> date:
    """The works are re-inspected the day after the deadline, once the time given has run out."""
    return deadline + timedelta(days=1)


class Reinspection(PropertyScoped, db.Model):
    """One 复验 of a violation: its result, who checked and when, and what happens next."""

    __tablename__ = "decoration_reinspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    violation_id: Mapped[int] = mapped_column(sa.ForeignKey("decoration_violations.id"), index=True)
    round: Mapped[int]  # 1 for the first re-inspection, 2 after a second deadline, …
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    rectified: Mapped[bool]
    note: Mapped[str] = mapped_column(sa.Text, default="")  # what was seen; for escalations, what is done next
    deadline_checked: Mapped[date]
    new_deadline: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    violation: Mapped[Violation] = relationship(back_populates="reinspections")
    inspector: Mapped[User] = relationship()

    __table_args__ = (
        # A round is recorded once, even when two tablets send their result at the same time.
        sa.UniqueConstraint("violation_id", "round"),
        sa.CheckConstraint("round >= 1", name="round_positive"),
        sa.CheckConstraint("rectified OR note <> ''", name="escalation_has_note"),
        sa.CheckConstraint("NOT rectified OR new_deadline IS NULL", name="no_new_deadline_when_rectified"),
        sa.CheckConstraint("new_deadline IS NULL OR new_deadline > deadline_checked", name="new_deadline_later"),
    )
