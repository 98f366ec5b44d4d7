"""Monthly ticket statistics (seed 003 §3: category, nature, handling, satisfaction, trends)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

import sqlalchemy as sa

from models import Department, Property, db
from models.tickets import Nature, Satisfaction, Severity, Ticket, TicketCategory, TicketStatus, TicketVisit


def shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class MonthStats:
    month: date
    total: int = 0
    by_category: dict[TicketCategory, int] = field(default_factory=dict)
    by_severity: dict[Severity, int] = field(default_factory=dict)
    by_nature: dict[Nature, int] = field(default_factory=dict)
    by_status: dict[TicketStatus, int] = field(default_factory=dict)
    by_department: dict[str, int] = field(default_factory=dict)
    replied: int = 0
    replied_on_time: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    visits_due: int = 0
    visits_done: int = 0
    satisfaction: dict[Satisfaction, int] = field(default_factory=dict)

    @staticmethod
    def rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def reply_rate(self):
        return self.rate(self.replied_on_time, self.replied)

    @property
    def resolve_rate(self):
        return self.rate(self.resolved_on_time, self.resolved)

    @property
    def visit_coverage(self):
        return self.rate(self.visits_done, self.visits_due)

    @property
    def satisfied_rate(self):
        answered = sum(self.satisfaction.values())
        good = self.satisfaction.get(Satisfaction.SATISFIED, 0) + self.satisfaction.get(Satisfaction.FAIRLY, 0)
        return self.rate(good, answered)


def month_stats(prop: Property, month: date) -> MonthStats:
    zone = prop.zone
    start = datetime.combine(month, time(), zone)
    end = datetime.combine(shift_month(month, 1), time(), zone)
    in_month = sa.and_(Ticket.property_id == prop.id, Ticket.received_at >= start, Ticket.received_at < end)
    stats = MonthStats(month=month)

    def grouped(column):
        rows = db.session.execute(sa.select(column, sa.func.count()).where(in_month).group_by(column))
        return {key: n for key, n in rows if key is not None}

    stats.by_category = grouped(Ticket.category)
    stats.by_severity = grouped(Ticket.severity)
    stats.by_nature = grouped(Ticket.nature)
    stats.by_status = grouped(Ticket.status)
    stats.total = sum(stats.by_category.values())
    departments = db.session.execute(
        sa.select(Department.name, sa.func.count()).join(Ticket, Ticket.department_id == Department.id)
        .where(in_month).group_by(Department.name)
    )
    stats.by_department = dict(departments.all())

    def count(*conditions):
        return db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(in_month, *conditions))

    stats.replied = count(Ticket.replied_at.is_not(None))
    stats.replied_on_time = count(Ticket.replied_at.is_not(None), Ticket.replied_at <= Ticket.reply_due_at)
    stats.resolved = count(Ticket.resolved_at.is_not(None))
    stats.resolved_on_time = count(Ticket.resolved_at.is_not(None), Ticket.resolved_at <= Ticket.resolve_due_at)
    stats.visits_due = count(Ticket.visit_required)
    stats.visits_done = count(Ticket.visit_required, Ticket.id.in_(sa.select(TicketVisit.ticket_id)))
    satisfaction = db.session.execute(
        sa.select(TicketVisit.satisfaction, sa.func.count())
        .join(Ticket, Ticket.id == TicketVisit.ticket_id)
        .where(in_month).group_by(TicketVisit.satisfaction)
    )
    stats.satisfaction = dict(satisfaction.all())
    return stats


def change(current: int, previous: int) -> float | None:
    """Relative change for 环比/同比; None when there is nothing to compare with."""
    return (current - previous) / previous if previous else None
