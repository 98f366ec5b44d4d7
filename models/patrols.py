"""Patrol rounds (巡查): routes of checkpoints with QR labels, rounds scheduled per day and walked on a
tablet, and findings that become tickets until a later round finds the place OK again.

Seed 000 §二 7, 11, 12 (daily patrol of public facilities, signage, cleaning and greening; follow the
repairs up); seed 002 楼层客服; DESIGN.md §2 summarises.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import PropertyScoped, Timestamped, UTCDateTime, db
from .clock import now
from .enums import LabelledEnum, enum_type
from .org import Building
from .tickets import Ticket
from .users import User


class PatrolError(ValueError):
    """A step the patrol's rules refuse; the message is for the user, in Chinese."""


# A round started more than this before its window opens is started early (flagged on supervision).
EARLY_GRACE = timedelta(minutes=30)
# A round being walked with nothing recorded for this long was left (a tablet gone flat, a shift over): it no
# longer keeps the route's next round from starting. It stays 巡查中, for anyone to carry on or finish.
LEFT_AFTER = timedelta(hours=2)


class RouteKind(LabelledEnum):
    DAILY = "daily", _l("日常巡查")
    FIRE = "fire", _l("消防巡查")
    NIGHT = "night", _l("夜间巡查")
    SPECIAL = "special", _l("专项巡查")


# What a checkpoint is usually checked for (seed 000 §二 11: 公共设施、公共标识、清洁及绿化; fire
# equipment and lifts from the lobby checklist). A checkpoint keeps its own lines, these or others.
STANDARD_CHECKS = [
    _l("公共设施完好"),
    _l("公共标识清晰完好"),
    _l("清洁卫生"),
    _l("绿化养护"),
    _l("消防器材齐全有效"),
    _l("电梯运行正常"),
]

WEEKDAY_LABELS = [_l("周一"), _l("周二"), _l("周三"), _l("周四"), _l("周五"), _l("周六"), _l("周日")]
EVERY_DAY = "1234567"
WORKDAYS = "12345"


class PatrolRoute(PropertyScoped, Timestamped, db.Model):
    __tablename__ = "patrol_routes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    kind: Mapped[RouteKind] = mapped_column(enum_type(RouteKind), default=RouteKind.DAILY)
    active: Mapped[bool] = mapped_column(default=True)
    # One round of a route is walked at a time, unless the supervisor allows several (two walkers, two halves).
    concurrent_allowed: Mapped[bool] = mapped_column(default=False)

    checkpoints: Mapped[list[PatrolCheckpoint]] = relationship(
        back_populates="route", order_by="(PatrolCheckpoint.position, PatrolCheckpoint.id)"
    )
    schedules: Mapped[list[PatrolSchedule]] = relationship(
        back_populates="route", order_by="PatrolSchedule.at", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.UniqueConstraint("property_id", "name"),)

    @property
    def active_checkpoints(self) -> list[PatrolCheckpoint]:
        return [c for c in self.checkpoints if c.active]

    def __str__(self) -> str:
        return self.name


class Presence(LabelledEnum):
    """How a result shows the walker was at the checkpoint: the label's QR scanned (it carries the
    property's prefix, "HY-K7Q2"), the short code under it typed ("K7Q2"), or nothing."""

    SCANNED = "scanned", _l("已扫码")
    TYPED = "typed", _l("手输编码")
    NONE = "none", _l("未核验")


class PatrolCheckpoint(PropertyScoped, Timestamped, db.Model):
    """A place on a route, marked by a QR label carrying its short code."""

    __tablename__ = "patrol_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(sa.ForeignKey("patrol_routes.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    building_id: Mapped[int | None] = mapped_column(sa.ForeignKey("buildings.id"))
    floor: Mapped[str] = mapped_column(sa.String(10), default="")  # 1, B1, 屋面
    place: Mapped[str] = mapped_column(sa.String(100))
    # Printed under the QR code for typing; the QR code carries "<property code>-<code>".
    code: Mapped[str] = mapped_column(sa.String(12))
    checklist: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    # Where a label cannot be scanned (damaged, behind glass, no light), the supervisor lets the typed code
    # count as presence; elsewhere a typed code is recorded but does not prove the walker was there.
    typed_allowed: Mapped[bool] = mapped_column(default=False)

    route: Mapped[PatrolRoute] = relationship(back_populates="checkpoints")
    building: Mapped[Building | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("property_id", "code"),
        sa.CheckConstraint("code <> ''", name="code_not_empty"),
    )

    @property
    def name(self) -> str:
        """3号楼 1层 电梯厅: where the checkpoint is, as the label and the record print it."""
        floor = f"{self.floor}{_('层')}" if self.floor.isdigit() else self.floor
        return " ".join(p for p in (self.building.name if self.building else "", floor, self.place) if p)

    def __str__(self) -> str:
        return self.name


class PatrolSchedule(PropertyScoped, db.Model):
    """A time of day a route is walked, on some weekdays; each one makes a round on those days."""

    __tablename__ = "patrol_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(sa.ForeignKey("patrol_routes.id"), index=True)
    at: Mapped[time] = mapped_column(sa.Time)
    weekdays: Mapped[str] = mapped_column(sa.String(7), default=EVERY_DAY)  # ISO weekdays, "12345"
    # A round not started within this many minutes of its time counts as missed.
    window_minutes: Mapped[int] = mapped_column(default=120)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    active: Mapped[bool] = mapped_column(default=True)

    route: Mapped[PatrolRoute] = relationship(back_populates="schedules")
    assignee: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("route_id", "at"),
        sa.CheckConstraint("weekdays <> ''", name="some_weekday"),
        sa.CheckConstraint("window_minutes BETWEEN 15 AND 720", name="window_range"),
    )

    def runs_on(self, day: date) -> bool:
        return str(day.isoweekday()) in self.weekdays

    @property
    def days_label(self) -> str:
        if self.weekdays == EVERY_DAY:
            return _("每天")
        if self.weekdays == WORKDAYS:
            return _("周一至周五")
        return "、".join(str(WEEKDAY_LABELS[int(d) - 1]) for d in self.weekdays)


class RoundStatus(LabelledEnum):
    DUE = "due", _l("待巡查")
    IN_PROGRESS = "in_progress", _l("巡查中")
    DONE = "done", _l("已完成")
    MISSED = "missed", _l("漏巡")


class PatrolRound(PropertyScoped, Timestamped, db.Model):
    """One walk of a route: scheduled for a time, started and finished on the device."""

    __tablename__ = "patrol_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    route_id: Mapped[int] = mapped_column(sa.ForeignKey("patrol_routes.id"))
    schedule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("patrol_schedules.id"))  # None: ad hoc
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)
    due_by: Mapped[datetime] = mapped_column(UTCDateTime)  # the end of the window to start it in
    status: Mapped[RoundStatus] = mapped_column(enum_type(RoundStatus), default=RoundStatus.DUE)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # device time
    finished_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # device time
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    route: Mapped[PatrolRoute] = relationship()
    schedule: Mapped[PatrolSchedule | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])
    finished_by: Mapped[User | None] = relationship(foreign_keys=[finished_by_id])
    results: Mapped[list[PatrolResult]] = relationship(back_populates="round", order_by="PatrolResult.done_at")

    __table_args__ = (
        # One round per route and scheduled time: cron and the pages may both create it, once.
        sa.UniqueConstraint("route_id", "scheduled_for"),
        sa.Index("ix_patrol_rounds_property_scheduled", "property_id", "scheduled_for"),
        sa.CheckConstraint("scheduled_for < due_by", name="window_order"),
        sa.CheckConstraint("(status IN ('due', 'missed')) = (started_at IS NULL)", name="started_when_started"),
        sa.CheckConstraint("(status = 'done') = (finished_at IS NOT NULL)", name="finished_when_done"),
    )

    @property
    def checkpoints(self) -> list[PatrolCheckpoint]:
        """What this round walks: the route's active checkpoints, and any other it has a result for."""
        recorded = {r.checkpoint_id for r in self.results}
        return [c for c in self.route.checkpoints if c.active or c.id in recorded]

    def result_for(self, checkpoint: PatrolCheckpoint) -> PatrolResult | None:
        return next((r for r in self.results if r.checkpoint_id == checkpoint.id), None)

    def missing(self) -> list[PatrolCheckpoint]:
        recorded = {r.checkpoint_id for r in self.results}
        return [c for c in self.route.active_checkpoints if c.id not in recorded]

    def status_at(self, now: datetime) -> RoundStatus:
        """The status as it stands at `now`: a round past its window unstarted is missed even before the
        cron command has marked it so."""
        return RoundStatus.MISSED if self.status is RoundStatus.DUE and now > self.due_by else self.status

    def overdue(self, now: datetime) -> bool:
        """Past its window and not finished: late while being walked, about to be missed if not started."""
        return self.status in (RoundStatus.DUE, RoundStatus.IN_PROGRESS) and now > self.due_by

    @property
    def started_late(self) -> bool:
        return self.started_at is not None and self.started_at > self.due_by

    def early(self, at: datetime) -> bool:
        """Before its window opens (more than EARLY_GRACE ahead): a 15:00 round started at 03:52."""
        return at < self.scheduled_for - EARLY_GRACE

    @property
    def started_early(self) -> bool:
        return self.started_at is not None and self.early(self.started_at)

    def left(self, at: datetime) -> bool:
        """Being walked, but nothing recorded for LEFT_AFTER (as `walked_at_once` finds it, from its results)."""
        if self.status is not RoundStatus.IN_PROGRESS:
            return False
        return max((r.done_at for r in self.results), default=self.started_at) <= at - LEFT_AFTER

    def walked_at_once(self, at: datetime) -> PatrolRound | None:
        """Another round of this route being walked at `at`, unless the route allows several at once: started,
        and its start or its last checkpoint within LEFT_AFTER."""
        if self.route.concurrent_allowed:
            return None
        last = sa.select(sa.func.max(PatrolResult.done_at)).where(PatrolResult.round_id == PatrolRound.id)
        return db.session.scalar(sa.select(PatrolRound).where(
            PatrolRound.route_id == self.route_id, PatrolRound.id != self.id,
            PatrolRound.status == RoundStatus.IN_PROGRESS,
            sa.func.coalesce(last.scalar_subquery(), PatrolRound.started_at) > at - LEFT_AFTER))

    def start(self, by: User, at: datetime, *, alone: bool = True) -> bool:
        """Start the round (a missed one too: walked late, it is late, not missed). False if already started.
        Started by hand (`alone`), it is refused while another round of the route is being walked."""
        if self.status in (RoundStatus.IN_PROGRESS, RoundStatus.DONE):
            return False
        if alone and (other := self.walked_at_once(at)):
            raise PatrolError(_("本路线的巡查 %(n)s 正在进行（%(name)s），请先完成它再开始下一次。",
                                n=other.number, name=other.started_by.display_name if other.started_by else ""))
        self.status, self.started_by, self.started_at = RoundStatus.IN_PROGRESS, by, at
        return True

    def finish(self, by: User, at: datetime, note: str) -> bool:
        """Close the round once every checkpoint is done or skipped. False if it was already finished."""
        if self.status is RoundStatus.DONE:
            return False
        if missing := self.missing():
            raise PatrolError(_("还有 %(n)d 个检查点未完成：%(names)s。请逐一检查，或写明原因后跳过。",
                                n=len(missing), names="、".join(c.name for c in missing)))
        self.status, self.finished_by, self.finished_at = RoundStatus.DONE, by, at
        self.note = note.strip()
        return True

    def __str__(self) -> str:
        return self.number


class Outcome(LabelledEnum):
    OK = "ok", _l("正常")
    ABNORMAL = "abnormal", _l("异常")
    UNRESOLVED = "unresolved", _l("仍未整改")  # an open finding here is still there: no new ticket
    SKIPPED = "skipped", _l("跳过")


class PatrolResult(PropertyScoped, db.Model):
    """What was found at one checkpoint on one round, with the time it was done on the device."""

    __tablename__ = "patrol_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("patrol_rounds.id"))
    checkpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("patrol_checkpoints.id"), index=True)
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    skip_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    presence: Mapped[Presence] = mapped_column(enum_type(Presence), default=Presence.NONE)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)  # device time
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)  # when it arrived
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    # Every list of results shows their round and any finding: loaded for all of them at once.
    round: Mapped[PatrolRound] = relationship(back_populates="results", lazy="selectin")
    checkpoint: Mapped[PatrolCheckpoint] = relationship()
    recorded_by: Mapped[User] = relationship()

    @property
    def proves_presence(self) -> bool:
        """Scanned, or typed where the supervisor allows a typed code for this checkpoint."""
        return self.presence is Presence.SCANNED or (self.presence is Presence.TYPED and self.checkpoint.typed_allowed)
    finding: Mapped[PatrolFinding | None] = relationship(back_populates="result", foreign_keys="PatrolFinding.result_id",
                                                         lazy="selectin")

    __table_args__ = (
        sa.UniqueConstraint("round_id", "checkpoint_id"),
        sa.CheckConstraint("(outcome = 'skipped') = (skip_reason <> '')", name="reason_when_skipped"),
        sa.CheckConstraint("outcome <> 'abnormal' OR note <> ''", name="note_when_abnormal"),
    )


class FindingStatus(LabelledEnum):
    OPEN = "open", _l("待复查")
    CLOSED = "closed", _l("已复查关闭")


class PatrolFinding(PropertyScoped, Timestamped, db.Model):
    """An abnormal checkpoint and the ticket made from it; closed when a later round finds it OK."""

    __tablename__ = "patrol_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("patrol_checkpoints.id"))
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("patrol_results.id"), unique=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), unique=True)
    status: Mapped[FindingStatus] = mapped_column(enum_type(FindingStatus), default=FindingStatus.OPEN)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # device time of the OK re-check
    closed_round_id: Mapped[int | None] = mapped_column(sa.ForeignKey("patrol_rounds.id"))

    checkpoint: Mapped[PatrolCheckpoint] = relationship()
    result: Mapped[PatrolResult] = relationship(back_populates="finding", foreign_keys=[result_id])
    ticket: Mapped[Ticket] = relationship(back_populates="patrol_finding")
    closed_round: Mapped[PatrolRound | None] = relationship()

    __table_args__ = (
        sa.Index("ix_patrol_findings_checkpoint_status", "checkpoint_id", "status"),
        sa.CheckConstraint(
            "(status = 'closed') = (closed_at IS NOT NULL AND closed_round_id IS NOT NULL)", name="closed_by_a_round"
        ),
    )

    def close(self, round_: PatrolRound, at: datetime) -> None:
        self.status, self.closed_round, self.closed_at = FindingStatus.CLOSED, round_, at
