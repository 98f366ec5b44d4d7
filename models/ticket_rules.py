"""The property's rules for its tickets (seed 003 客户回访管理规定): the SLA times, return-visit rates and
repeat window an admin sets (TicketSettings), and the corrective & preventive actions a repeated complaint or
repair raises (纠正与预防措施实施表)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import PropertyScoped, Timestamped, UTCDateTime, db
from .enums import LabelledEnum, enum_type
from .org import Property, Unit
from .tickets import Severity, Ticket, TicketCategory
from .users import User


class TicketSettings(db.Model):
    """Per property: SLA times (seed 003 §3.2.6.2 defaults), return-visit rates, the repeat window."""

    __tablename__ = "ticket_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(sa.ForeignKey("properties.id"), unique=True)
    major_reply_hours: Mapped[int] = mapped_column(default=2)
    major_resolve_days: Mapped[int] = mapped_column(default=3)
    important_reply_days: Mapped[int] = mapped_column(default=1)
    important_resolve_days: Mapped[int] = mapped_column(default=2)
    minor_reply_days: Mapped[int] = mapped_column(default=1)
    minor_resolve_days: Mapped[int] = mapped_column(default=1)
    other_reply_days: Mapped[int] = mapped_column(default=1)
    other_resolve_days: Mapped[int] = mapped_column(default=3)
    repair_visit_percent: Mapped[int] = mapped_column(default=30)
    other_visit_percent: Mapped[int] = mapped_column(default=10)
    visit_within_days: Mapped[int] = mapped_column(default=10)
    repeat_window_days: Mapped[int] = mapped_column(default=90)
    rework_hours: Mapped[int] = mapped_column(default=24)

    __table_args__ = (
        sa.CheckConstraint("repair_visit_percent BETWEEN 30 AND 80", name="repair_visit_range"),
        sa.CheckConstraint("other_visit_percent BETWEEN 0 AND 100", name="other_visit_range"),
    )

    @classmethod
    def of(cls, prop: Property) -> TicketSettings:
        """The property's settings (the log-in loads them with the property); the defaults, not yet saved,
        when an admin has not changed any."""
        found = prop.ticket_settings
        if found is None:
            found = cls(property_id=prop.id)
            for column in cls.__table__.columns:
                if column.default is not None and getattr(found, column.key) is None:
                    setattr(found, column.key, column.default.arg)
        return found

    def reply_and_resolve(self, ticket: Ticket) -> tuple[timedelta | int, int]:
        """Reply within (hours as a timedelta, or working days) and resolve within working days."""
        if ticket.category is not TicketCategory.COMPLAINT:
            return self.other_reply_days, self.other_resolve_days
        return {
            Severity.MAJOR: (timedelta(hours=self.major_reply_hours), self.major_resolve_days),
            Severity.IMPORTANT: (self.important_reply_days, self.important_resolve_days),
            Severity.MINOR: (self.minor_reply_days, self.minor_resolve_days),
        }[ticket.severity]

    def visit_percent(self, category: TicketCategory) -> int:
        if category is TicketCategory.COMPLAINT:
            return 100
        return self.repair_visit_percent if category is TicketCategory.REPAIR else self.other_visit_percent


class CapaStatus(LabelledEnum):
    OPEN = "open", _l("待实施")
    VERIFIED = "verified", _l("已验证")


# The property's settings, read through TicketSettings.of (the defaults where there are none); the tickets
# module has the log-in load them with the property (Module.property_loads).
Property.ticket_settings = relationship(TicketSettings, viewonly=True, uselist=False)


class CorrectiveAction(PropertyScoped, Timestamped, db.Model):
    """纠正与预防措施实施表: raised when one unit repeats a complaint or a repair (seed 003 §3.4)."""

    __tablename__ = "corrective_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    category: Mapped[TicketCategory] = mapped_column(enum_type(TicketCategory))
    ticket_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    problem: Mapped[str] = mapped_column(sa.Text, default="")
    cause: Mapped[str] = mapped_column(sa.Text, default="")
    measures: Mapped[str] = mapped_column(sa.Text, default="")
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    due_on: Mapped[date | None]
    verification: Mapped[str] = mapped_column(sa.Text, default="")
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[CapaStatus] = mapped_column(enum_type(CapaStatus), default=CapaStatus.OPEN)

    unit: Mapped[Unit | None] = relationship()
    owner: Mapped[User | None] = relationship()
