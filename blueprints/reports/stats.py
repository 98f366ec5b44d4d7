"""Ticket statistics of a period (seed 003 §3: category, quantity, nature, handling, customers' response,
trends; 客户回访管理规定 §3.4: return visits per month, quarter and half-year).

A report reads its tickets in one grouped pass (per local month, category, severity, nature, status and
department) and its return visits in a second; the period, the one before it and the same period a year
before are sums of those months. Tickets count in the period they were received in; so do their visits.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from models import Department, Property, db
from models.tickets import Nature, Satisfaction, Ticket, TicketCategory, TicketVisit

from .periods import Period, shift_month

# The seed's classes of customer information (003 §3.2: 投诉类、维修类、咨询类、反映问题类、其他类) over the
# ticket categories. Tickets have no 反映问题 category: help requests and suggestions are what residents
# raise as problems, so they count there; praise counts with the others.
SEED_CLASSES: list[tuple[str, tuple[TicketCategory, ...]]] = [
    (_l("投诉类"), (TicketCategory.COMPLAINT,)),
    (_l("维修类"), (TicketCategory.REPAIR,)),
    (_l("咨询类"), (TicketCategory.ENQUIRY,)),
    (_l("反映问题类"), (TicketCategory.HELP, TicketCategory.SUGGESTION)),
    (_l("其他类"), (TicketCategory.PRAISE, TicketCategory.OTHER)),
]


@dataclass
class TicketStats:
    """Counts of the tickets received in a stretch of time."""

    by_category: Counter = field(default_factory=Counter)
    by_severity: Counter = field(default_factory=Counter)
    by_nature: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    by_department: Counter = field(default_factory=Counter)
    replied: int = 0
    replied_on_time: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    visits_due_by_category: Counter = field(default_factory=Counter)
    visits_done_by_category: Counter = field(default_factory=Counter)
    # (category, satisfaction) → visits
    satisfaction_by_category: Counter = field(default_factory=Counter)

    def __iadd__(self, other: TicketStats) -> TicketStats:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)
        return self

    @staticmethod
    def rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def total(self) -> int:
        return sum(self.by_category.values())

    @property
    def important(self) -> int:
        return self.by_nature[Nature.IMPORTANT]

    def in_class(self, categories: tuple[TicketCategory, ...]) -> int:
        return sum(self.by_category[c] for c in categories)

    @property
    def visits_due(self) -> int:
        return sum(self.visits_due_by_category.values())

    @property
    def visits_done(self) -> int:
        return sum(self.visits_done_by_category.values())

    @property
    def satisfaction(self) -> Counter:
        totals = Counter()
        for (_category, satisfaction), n in self.satisfaction_by_category.items():
            totals[satisfaction] += n
        return totals

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
        return satisfied_rate(self.satisfaction)

    def visit_row(self, category: TicketCategory) -> VisitRow:
        satisfaction = Counter({s: self.satisfaction_by_category[(category, s)] for s in Satisfaction})
        return VisitRow(category.label, self.visits_due_by_category[category],
                        self.visits_done_by_category[category], satisfaction)

    def visit_total(self) -> VisitRow:
        return VisitRow(_l("合计"), self.visits_due, self.visits_done, self.satisfaction)


def satisfied_rate(satisfaction: Counter) -> float | None:
    """Satisfied or fairly satisfied, of the visits that asked."""
    good = satisfaction[Satisfaction.SATISFIED] + satisfaction[Satisfaction.FAIRLY]
    return TicketStats.rate(good, sum(satisfaction.values()))


@dataclass
class VisitRow:
    """One line of the return-visit statistics (回访统计)."""

    label: str
    due: int
    done: int
    satisfaction: Counter

    @property
    def coverage(self):
        return TicketStats.rate(self.done, self.due)

    @property
    def satisfied_rate(self):
        return satisfied_rate(self.satisfaction)


@dataclass
class TicketReport:
    period: Period
    current: TicketStats
    previous: TicketStats
    last_year: TicketStats
    # The current period month by month (the 年客户信息统计表's columns).
    months: list[tuple[date, TicketStats]]


def ticket_report(prop: Property, period: Period) -> TicketReport:
    """The period, the one before and the same one a year before, from two grouped queries."""
    first = min(period.previous.start, period.same_period_last_year.start)
    months = _months_between(first, period.end)
    by_month = {month: TicketStats() for month in months}
    for month, stats in _read(prop, months, period.end):
        by_month[month] += stats

    def total(of: Period) -> TicketStats:
        stats = TicketStats()
        for month in of.months:
            stats += by_month[month]
        return stats

    return TicketReport(
        period=period, current=total(period), previous=total(period.previous),
        last_year=total(period.same_period_last_year), months=[(m, by_month[m]) for m in period.months],
    )


def _months_between(first: date, end: date) -> list[date]:
    months = [first]
    while shift_month(months[-1], 1) < end:
        months.append(shift_month(months[-1], 1))
    return months


def _local_month(column, prop: Property, months: list[date]):
    """The index in `months` of the local month an instant falls in (rows are already within them)."""
    zone = prop.zone
    boundaries = [datetime.combine(month, time(), zone) for month in months[1:]]
    return sa.case(*[(column < boundary, index) for index, boundary in enumerate(boundaries)], else_=len(boundaries))


def _read(prop: Property, months: list[date], end: date):
    """(month, stats) for each group of tickets, then for each group of return visits."""
    zone = prop.zone
    received = sa.and_(
        Ticket.property_id == prop.id,
        Ticket.received_at >= datetime.combine(months[0], time(), zone),
        Ticket.received_at < datetime.combine(end, time(), zone),
    )

    def flag(condition):
        return sa.case((condition, 1), else_=0)

    visited = Ticket.id.in_(sa.select(TicketVisit.ticket_id))
    tickets = (
        sa.select(
            _local_month(Ticket.received_at, prop, months).label("month"),
            Ticket.category, Ticket.severity, Ticket.nature, Ticket.status, Department.name.label("department"),
            flag(Ticket.replied_at.is_not(None)).label("replied"),
            flag(Ticket.replied_at <= Ticket.reply_due_at).label("replied_on_time"),
            flag(Ticket.resolved_at.is_not(None)).label("resolved"),
            flag(Ticket.resolved_at <= Ticket.resolve_due_at).label("resolved_on_time"),
            flag(Ticket.visit_required).label("visit_due"),
            flag(sa.and_(Ticket.visit_required, visited)).label("visit_done"),
        )
        .outerjoin(Department, Department.id == Ticket.department_id)
        .where(received)
        .subquery()
    )
    dimensions = [tickets.c.month, tickets.c.category, tickets.c.severity, tickets.c.nature, tickets.c.status,
                  tickets.c.department]
    sums = [sa.func.sum(tickets.c[name]) for name in
            ("replied", "replied_on_time", "resolved", "resolved_on_time", "visit_due", "visit_done")]
    rows = db.session.execute(sa.select(*dimensions, sa.func.count(), *sums).group_by(*dimensions))
    for (month, category, severity, nature, status, department, n,
         replied, replied_on_time, resolved, resolved_on_time, visit_due, visit_done) in rows:
        stats = TicketStats(
            by_category=Counter({category: n}), by_nature=Counter({nature: n}), by_status=Counter({status: n}),
            replied=replied, replied_on_time=replied_on_time, resolved=resolved, resolved_on_time=resolved_on_time,
            visits_due_by_category=Counter({category: visit_due}),
            visits_done_by_category=Counter({category: visit_done}),
        )
        if severity is not None:
            stats.by_severity[severity] = n
        if department is not None:
            stats.by_department[department] = n
        yield months[month], stats

    visits = (
        sa.select(_local_month(Ticket.received_at, prop, months).label("month"), Ticket.category,
                  TicketVisit.satisfaction)
        .join(Ticket, Ticket.id == TicketVisit.ticket_id)
        .where(received)
        .subquery()
    )
    dimensions = [visits.c.month, visits.c.category, visits.c.satisfaction]
    for month, category, satisfaction, n in db.session.execute(
        sa.select(*dimensions, sa.func.count()).group_by(*dimensions)
    ):
        yield months[month], TicketStats(satisfaction_by_category=Counter({(category, satisfaction): n}))


def change(current: int, previous: int) -> float | None:
    """Relative change for 环比/同比; None when there is nothing to compare with."""
    return (current - previous) / previous if previous else None


def format_change(current: int, previous: int) -> str:
    """环比/同比 as people write it: "+12.5%", "−3.0%", "0.0%"; "—" when the base is 0."""
    ratio = change(current, previous)
    if ratio is None:
        return "—"
    percent = f"{abs(ratio) * 100:.1f}%"
    if percent == "0.0%":
        return percent
    return ("+" if ratio > 0 else "\u2212") + percent
