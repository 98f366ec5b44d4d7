"""Tickets (客户信息/报事): complaints, repairs, enquiries, help … from receipt to return visit.

Rules from seed 003 (客户信息首接负责制, 客户回访管理规定); DESIGN.md §Tickets summarises them.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import PropertyScoped, Timestamped, UTCDateTime, arrived_late, db
from .clock import now
from .enums import LabelledEnum, enum_type
from .org import Department, Unit, mask_phone, name_initials
from .users import User


class TicketSource(LabelledEnum):
    PHONE = "phone", _l("电话")
    WALK_IN = "walk_in", _l("来访")
    COMPANY = "company", _l("公司转来")
    COMMITTEE = "committee", _l("业委会转来")
    VERBAL = "verbal", _l("口头")
    WRITTEN = "written", _l("书面")
    PATROL = "patrol", _l("巡查发现")
    ONLINE = "online", _l("网上")


class TicketCategory(LabelledEnum):
    COMPLAINT = "complaint", _l("投诉")
    REPAIR = "repair", _l("报修")
    ENQUIRY = "enquiry", _l("咨询")
    HELP = "help", _l("求助")
    SUGGESTION = "suggestion", _l("建议")
    PRAISE = "praise", _l("表扬")
    OTHER = "other", _l("其他")


class Severity(LabelledEnum):
    """Of complaints (seed 003 客户回访管理规定 §2.3–2.5)."""

    MAJOR = "major", _l("重大")
    IMPORTANT = "important", _l("重要")
    MINOR = "minor", _l("轻微")


class Nature(LabelledEnum):
    NORMAL = "normal", _l("一般")
    IMPORTANT = "important", _l("重要")


class TicketStatus(LabelledEnum):
    RECEIVED = "received", _l("已登记")
    DISPATCHED = "dispatched", _l("已派工")
    IN_PROGRESS = "in_progress", _l("处理中")
    DONE = "done", _l("已完成待反馈")
    FED_BACK = "fed_back", _l("已反馈")
    CLOSED = "closed", _l("已关闭")


class TicketEventKind(LabelledEnum):
    REGISTERED = "registered", _l("登记")
    ANSWERED = "answered", _l("当场答复")
    DISPATCHED = "dispatched", _l("派工")
    ACCEPTED = "accepted", _l("接单")
    NOTE = "note", _l("进展")
    PAUSED = "paused", _l("暂停计时")
    RESUMED = "resumed", _l("恢复计时")
    DONE = "done", _l("完成")
    FED_BACK = "fed_back", _l("反馈客户")
    VISITED = "visited", _l("回访")
    CLOSED = "closed", _l("关闭")
    REOPENED = "reopened", _l("重新处理")
    CALL_AGAIN = "call_again", _l("再次来电")


# The statuses in which a department is working on the ticket.
WORK_STATUSES = (TicketStatus.DISPATCHED, TicketStatus.IN_PROGRESS)


class Ticket(PropertyScoped, Timestamped, db.Model):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    source: Mapped[TicketSource] = mapped_column(enum_type(TicketSource))
    category: Mapped[TicketCategory] = mapped_column(enum_type(TicketCategory))
    severity: Mapped[Severity | None] = mapped_column(enum_type(Severity))
    nature: Mapped[Nature] = mapped_column(enum_type(Nature), default=Nature.NORMAL)
    status: Mapped[TicketStatus] = mapped_column(enum_type(TicketStatus), default=TicketStatus.RECEIVED)

    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    location: Mapped[str] = mapped_column(sa.String(100), default="")  # a public area, when no unit
    caller_name: Mapped[str] = mapped_column(sa.String(50), default="")
    caller_initials: Mapped[str] = mapped_column(sa.String(50), default="")  # pinyin: 杨华丽 → yhl
    caller_phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    caller_phone_last4: Mapped[str] = mapped_column(sa.String(4), default="")
    description: Mapped[str] = mapped_column(sa.Text)
    answer: Mapped[str] = mapped_column(sa.Text, default="")

    # 首接人: whoever received it owns the follow-up until the customer has the result.
    first_contact_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    # When it happened on the device (offline submissions arrive later: created_at is the arrival).
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    reply_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolve_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fed_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The SLA clock stops while the ticket waits on the owner (no access to the unit, …).
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visit_required: Mapped[bool] = mapped_column(default=False)
    visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_count: Mapped[int] = mapped_column(default=0)
    rework_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit | None] = relationship()
    first_contact: Mapped[User] = relationship(foreign_keys=[first_contact_id])
    department: Mapped[Department | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )
    visits: Mapped[list[TicketVisit]] = relationship(
        back_populates="ticket", order_by="TicketVisit.id", cascade="all, delete-orphan"
    )
    # The patrol finding this ticket was made from (巡查发现), if any.
    patrol_finding: Mapped["PatrolFinding | None"] = relationship(back_populates="ticket")  # noqa: F821

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.Index("ix_tickets_property_status", "property_id", "status"),
        sa.Index("ix_tickets_property_received", "property_id", "received_at"),
        # Likely duplicates and repeats: the same unit and category in the last hours or days.
        sa.Index("ix_tickets_unit_category_received", "unit_id", "category", "received_at"),
        # Callers by pinyin initials (LIKE 'yhl%'): on PostgreSQL a prefix needs the pattern operator class.
        sa.Index("ix_tickets_caller_initials", "property_id", "caller_initials",
                 postgresql_ops={"caller_initials": "text_pattern_ops"}),
        # Four digits in the search box: a caller's phone tail, newest first.
        sa.Index("ix_tickets_phone_received", "property_id", "caller_phone_last4", "received_at"),
        # A first contact's tickets not yet fed back (我的首接, the dashboard's count): just those.
        sa.Index(
            "ix_tickets_owed", "property_id", "first_contact_id", "received_at",
            postgresql_where=sa.text("status NOT IN ('fed_back', 'closed')"),
            sqlite_where=sa.text("status NOT IN ('fed_back', 'closed')"),
        ),
        # The few tickets still open, newest first: the "未关闭" filter without reading the closed ones.
        sa.Index(
            "ix_tickets_open_received", "property_id", "received_at",
            postgresql_where=sa.text("status <> 'closed'"), sqlite_where=sa.text("status <> 'closed'"),
        ),
        # The search box (LIKE '%…%' on these columns) on PostgreSQL: a pg_trgm GIN index, made by
        # migration 0004. SQLite has no trigram index; there the index is an empty partial one, so that
        # models and migrations agree on both databases.
        sa.Index(
            "ix_tickets_search_trgm", "number", "caller_name", "description",
            postgresql_using="gin",
            postgresql_ops={"number": "gin_trgm_ops", "caller_name": "gin_trgm_ops", "description": "gin_trgm_ops"},
            sqlite_where=sa.false(),
        ),
        sa.CheckConstraint(
            "(category = 'complaint') = (severity IS NOT NULL)", name="severity_only_for_complaints"
        ),
    )

    @property
    def caller_phone_masked(self) -> str:
        return mask_phone(self.caller_phone)

    @property
    def place(self) -> str:
        return self.unit.archive_no if self.unit else self.location

    def log(self, kind: TicketEventKind, user: User | None, *, note: str = "", at: datetime | None = None,
            **data: Any) -> TicketEvent:
        event = TicketEvent(
            property_id=self.property_id, kind=kind, user=user, note=note, at=at or now(),
            status=self.status, data=data,
        )
        self.events.append(event)
        return event

    # ---- the workflow (seed 003 §2.5): each step checks what must have happened before it ----

    def answer_at_once(self, answer: str, by: User, at: datetime) -> None:
        """An enquiry answered on the spot (seed 003 §2.2.2): replied, resolved and closed at once."""
        self.answer = answer
        self.status = TicketStatus.CLOSED
        self.replied_at = self.resolved_at = self.fed_back_at = self.closed_at = at
        self.visit_required = False
        self.log(TicketEventKind.ANSWERED, by, note=answer, at=at)

    def check_version(self, version: int | None) -> None:
        if version is not None and version != self.version:
            raise Conflict(_l("这张报事单刚被其他人更新过（见下方处理过程），请确认后再操作。"))

    @property
    def synced_late(self) -> bool:
        return arrived_late(self.received_at, self.created_at)

    @property
    def has_work_order(self) -> bool:
        """Repairs print a 维修单 for the worker to take to the unit."""
        return self.category is TicketCategory.REPAIR

    # Whether each step is open now: the one rule the ticket's page follows to offer a step and the
    # step itself follows to refuse it.
    def can(self, step: str) -> bool:
        return getattr(self, f"can_{step}")()

    def offers(self, step: str) -> bool:
        """Whether the ticket's page offers `step` now: what the ticket allows, with the work itself
        (progress, pause, done) only once the job is accepted."""
        if step in ("note", "pause", "complete") and self.can_accept():
            return False
        return self.can(step)

    def can_dispatch(self) -> bool:
        return self.status in (TicketStatus.RECEIVED, TicketStatus.DISPATCHED, TicketStatus.IN_PROGRESS)

    def can_accept(self) -> bool:
        return self.status is TicketStatus.DISPATCHED

    def can_note(self) -> bool:
        return self.status in (TicketStatus.DISPATCHED, TicketStatus.IN_PROGRESS)

    def can_pause(self) -> bool:
        return self.paused_since is None and self.can_dispatch()

    def can_resume(self) -> bool:
        return self.paused_since is not None

    def can_complete(self) -> bool:
        return self.paused_since is None and self.can_note()

    def can_feed_back(self) -> bool:
        return self.status is TicketStatus.DONE

    def can_visit(self) -> bool:
        return self.status is TicketStatus.FED_BACK and self.visit_required

    def can_close(self) -> bool:
        return self.status is TicketStatus.FED_BACK and (not self.visit_required or self.visited_at is not None)

    def _replied(self, at: datetime) -> None:
        if self.replied_at is None:
            self.replied_at = at

    def dispatch(self, department: Department, assignee: User | None, by: User, note: str, at: datetime) -> None:
        if not self.can_dispatch():
            raise TicketError(_l("已处理完成的报事不能再派工；客户不满意时请在回访中记录，系统会重新派工。"))
        self.department, self.assignee = department, assignee
        self.status = TicketStatus.DISPATCHED
        self._replied(at)
        self.log(TicketEventKind.DISPATCHED, by, note=note, at=at, department=department.name,
                 assignee=assignee.display_name if assignee else "")

    def accept(self, by: User, at: datetime) -> None:
        if not self.can_accept():
            raise TicketError(_l("只有已派工、尚未接单的报事可以接单。"))
        self.status = TicketStatus.IN_PROGRESS
        self.assignee = self.assignee or by
        self._replied(at)
        self.log(TicketEventKind.ACCEPTED, by, at=at)

    def add_note(self, by: User, note: str, at: datetime) -> None:
        """A note on the timeline: the department's progress, a patrol's re-check, any later word."""
        if self.status is TicketStatus.CLOSED:
            raise TicketError(_l("报事已关闭，不能再添加进展。"))
        self.log(TicketEventKind.NOTE, by, note=note, at=at)

    def add_repeat_call(self, by: User, at: datetime, *, caller: str, phone: str, description: str) -> None:
        """Someone reported this again (a likely duplicate, caught at registration): their words go on
        this ticket's timeline instead of on a second ticket, and whoever works on it hears of it."""
        who = "".join(p for p in (caller, f"（{mask_phone(phone)}）" if phone else "") if p)
        text = description.strip()
        self.log(TicketEventKind.CALL_AGAIN, by, at=at, note=f"{who}：{text}" if who else text)

    def record_progress(self, by: User, note: str, at: datetime) -> None:
        """The department's progress on the work (记录进展)."""
        if not self.can_note():
            raise TicketError(_l("派工后、完成前才能记录处理进展。"))
        self.add_note(by, note, at)

    def pause(self, by: User, note: str, at: datetime) -> None:
        if not self.can_pause():
            raise TicketError(_l("计时已经暂停。") if self.paused_since else _l("只有处理中的报事可以暂停计时。"))
        self.paused_since = at
        self.log(TicketEventKind.PAUSED, by, note=note, at=at)

    def resume(self, by: User, calendar, at: datetime) -> None:
        """Restart the SLA clock: the deadlines move on by the working time spent waiting."""
        if not self.can_resume():
            raise TicketError(_l("计时没有暂停。"))
        waited = calendar.between(self.paused_since, at)
        if self.replied_at is None and self.reply_due_at:
            self.reply_due_at = calendar.add(self.reply_due_at, waited)
        if self.resolved_at is None and self.resolve_due_at:
            self.resolve_due_at = calendar.add(self.resolve_due_at, waited)
        self.paused_since = None
        self.log(TicketEventKind.RESUMED, by, at=at, waited_minutes=int(waited.total_seconds() // 60))

    def complete(self, by: User, note: str, at: datetime) -> None:
        if not self.can_complete():
            raise TicketError(_l("计时处于暂停中，请先恢复计时。") if self.paused_since else _l("派工后才能标记完成。"))
        self.status = TicketStatus.DONE
        if self.resolved_at is None:  # a rework does not undo a deadline already met
            self.resolved_at = at
        self.rework_due_at = None
        self.log(TicketEventKind.DONE, by, note=note, at=at)

    def feed_back(self, by: User, note: str, at: datetime) -> None:
        """The first-contact owner tells the customer the result (首接负责制)."""
        if not self.can_feed_back():
            raise TicketError(_l("处理完成后才能向客户反馈结果。"))
        self.status = TicketStatus.FED_BACK
        self.fed_back_at = at
        self._replied(at)
        self.log(TicketEventKind.FED_BACK, by, note=note, at=at)
        if not self.visit_required:
            self.close(by, at)

    def close(self, by: User, at: datetime) -> None:
        if not self.can_close():
            raise TicketError(_l("此单已被抽中回访，回访后才能关闭。") if self.status is TicketStatus.FED_BACK
                              else _l("请先向客户反馈处理结果，再关闭。"))
        self.status = TicketStatus.CLOSED
        self.closed_at = at
        self.log(TicketEventKind.CLOSED, by, at=at)

    def record_visit(self, visit: TicketVisit, by: User, rework_hours: int) -> None:
        if not self.can_visit():
            raise TicketError(_l("向客户反馈结果后才能回访。") if self.status is not TicketStatus.FED_BACK
                              else _l("此单未被抽中回访。"))
        self.visits.append(visit)
        self.visited_at = visit.visited_at
        self.log(TicketEventKind.VISITED, by, note=visit.remarks, at=visit.visited_at,
                 method=visit.method.value, satisfaction=visit.satisfaction.value)
        if visit.satisfaction is Satisfaction.UNSATISFIED:
            self.reopen(by, visit.visited_at, rework_hours)
        else:
            self.close(by, visit.visited_at)

    def reopen(self, by: User, at: datetime, rework_hours: int) -> None:
        """The customer is not satisfied: back to the department, to be redone within `rework_hours`."""
        self.status = TicketStatus.DISPATCHED if self.department_id else TicketStatus.RECEIVED
        self.reopen_count += 1
        self.visited_at = None
        self.rework_due_at = at + timedelta(hours=rework_hours)
        self.log(TicketEventKind.REOPENED, by, at=at, rework_due_at=self.rework_due_at.isoformat())

    def clock(self, calendar, now: datetime) -> Clock | None:
        """The SLA clock as lists show it: time left, amber under 25 %, red when overdue."""
        due = self.current_due()
        if due is None:
            return None
        if self.paused_since is not None:
            return Clock(due, timedelta(), 1.0, "paused")
        started = self.rework_due_at - timedelta(hours=24) if self.rework_due_at else self.received_at
        if now >= due:
            return Clock(due, -calendar.between(due, now), 0.0, "overdue")
        total = calendar.between(started, due) or timedelta(seconds=1)
        left = calendar.between(now, due)
        fraction = left / total
        return Clock(due, left, fraction, "warning" if fraction < 0.25 else "ok")

    def current_due(self) -> datetime | None:
        """The deadline the clock now runs against, or None once the work is done."""
        if self.status in (TicketStatus.DONE, TicketStatus.FED_BACK, TicketStatus.CLOSED):
            return None
        if self.rework_due_at:
            return self.rework_due_at
        return self.reply_due_at if self.replied_at is None else self.resolve_due_at

    def __str__(self) -> str:
        return self.number


@sa.event.listens_for(Ticket, "before_insert")
@sa.event.listens_for(Ticket, "before_update")
def _ticket_search_keys(mapper, connection, ticket: Ticket) -> None:
    ticket.caller_phone_last4 = (ticket.caller_phone or "")[-4:]
    ticket.caller_initials = name_initials(ticket.caller_name or "")


class TicketEvent(PropertyScoped, db.Model):
    """One step of a ticket's timeline, with its time and author."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    kind: Mapped[TicketEventKind] = mapped_column(enum_type(TicketEventKind))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[TicketStatus] = mapped_column(enum_type(TicketStatus))  # the status after this step
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship(lazy="joined")  # every timeline shows who took the step

    @property
    def satisfaction(self) -> Satisfaction | None:
        """The customer's verdict, on a return visit's step."""
        value = self.data.get("satisfaction")
        return Satisfaction(value) if value else None


@dataclass(frozen=True)
class Clock:
    due: datetime
    left: timedelta  # negative when overdue: how long past the deadline, in working time
    fraction: float
    state: str  # ok, warning, overdue, paused


class TicketError(ValueError):
    """A step the ticket's rules do not allow now; the message is for the user, in Chinese."""


class Conflict(TicketError):
    """Someone else changed the ticket since the user opened it."""


class VisitMethod(LabelledEnum):
    PHONE = "phone", _l("电话")
    ONSITE = "onsite", _l("上门")
    MESSAGE = "message", _l("短信/微信")


class Satisfaction(LabelledEnum):
    SATISFIED = "satisfied", _l("满意")
    FAIRLY = "fairly", _l("基本满意")
    UNSATISFIED = "unsatisfied", _l("不满意")


class TicketVisit(PropertyScoped, db.Model):
    """A return visit (回访): how the customer was asked and what they said."""

    __tablename__ = "ticket_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    method: Mapped[VisitMethod] = mapped_column(enum_type(VisitMethod))
    satisfaction: Mapped[Satisfaction] = mapped_column(enum_type(Satisfaction))
    remarks: Mapped[str] = mapped_column(sa.Text, default="")
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    visitor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    ticket: Mapped[Ticket] = relationship(back_populates="visits")
    visitor: Mapped[User] = relationship(lazy="joined")
