"""Ticket statistics of a period (seed 003 §3: category, quantity, nature, handling, customers' response,
trends; 客户回访管理规定 §3.4: return visits per month, quarter and half-year).

A report reads the months of the period, of the one before it and of the same period a year before (a
month: 3 of them, not the 13 from the first to the last), each in one grouped pass over its tickets (per
category, severity, nature, status and department), then their return visits in one more; each period is
the sum of its months. Tickets count in the local month they were received in; so do their visits.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from models import Department, Property, db
from models.tickets import Nature, Satisfaction, Ticket, TicketCategory, TicketVisit

from .periods import Period, PeriodKind

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
    """The period, the one before and the same one a year before, from the months they are made of."""
    compared = (period, period.previous, period.same_period_last_year)
    months = sorted({month for each in compared for month in each.months})
    by_month = {month: TicketStats() for month in months}
    for month in months:
        _count_tickets(by_month[month], prop, *_month_range(prop, month))
    _count_visits(by_month, prop, months)

    def total(of: Period) -> TicketStats:
        stats = TicketStats()
        for month in of.months:
            stats += by_month[month]
        return stats

    return TicketReport(
        period=period, current=total(period), previous=total(period.previous),
        last_year=total(period.same_period_last_year), months=[(m, by_month[m]) for m in period.months],
    )


def _month_range(prop: Property, month: date) -> tuple[datetime, datetime]:
    """The instants a local month of the property starts and ends at."""
    return Period(PeriodKind.MONTH, month).time_range(prop)


def _counted(condition):
    return sa.func.count().filter(condition)


def _count_tickets(stats: TicketStats, prop: Property, start: datetime, end: datetime) -> None:
    """Adds the tickets received in [start, end) to `stats`, read grouped by every dimension it counts.

    One month at a time, bounded by its instants: PostgreSQL reads the range through
    ix_tickets_property_received and hashes its few hundred groups. A month computed per row over all the
    months read (a CASE on received_at) made it expect a group per ticket, so it sorted every ticket on
    disk instead, and that plan's cost set off JIT compilation too (0.2–0.5 s more). Whether a ticket was
    visited is counted with its visits (`_count_visits`): a sub-select here would be hashed over every
    visit ever made, or probed per ticket, in each month's pass."""
    dimensions = [Ticket.category, Ticket.severity, Ticket.nature, Ticket.status, Ticket.department_id]
    grouped = (
        sa.select(
            *dimensions, sa.func.count().label("n"),
            _counted(Ticket.replied_at.is_not(None)).label("replied"),
            _counted(Ticket.replied_at <= Ticket.reply_due_at).label("replied_on_time"),
            _counted(Ticket.resolved_at.is_not(None)).label("resolved"),
            _counted(Ticket.resolved_at <= Ticket.resolve_due_at).label("resolved_on_time"),
            _counted(Ticket.visit_required).label("visit_due"),
        )
        .where(Ticket.property_id == prop.id, Ticket.received_at >= start, Ticket.received_at < end)
        .group_by(*dimensions)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(grouped, Department.name).outerjoin(Department, Department.id == grouped.c.department_id)
    )
    for row in rows:
        n = row.n
        stats.by_category[row.category] += n
        stats.by_nature[row.nature] += n
        stats.by_status[row.status] += n
        if row.severity is not None:
            stats.by_severity[row.severity] += n
        if row.name is not None:
            stats.by_department[row.name] += n
        stats.replied += row.replied
        stats.replied_on_time += row.replied_on_time
        stats.resolved += row.resolved
        stats.resolved_on_time += row.resolved_on_time
        stats.visits_due_by_category[row.category] += row.visit_due


def _count_visits(by_month: dict[date, TicketStats], prop: Property, months: list[date]) -> None:
    """Adds the return visits of the tickets received in `months` to each month's stats, per category: the
    visits by satisfaction, and the tickets due a visit that had one (a ticket visited again after an
    unsatisfied visit counts once)."""
    ranges = [_month_range(prop, month) for month in months]
    spans = []  # months that follow each other, read as one
    for start, end in ranges:
        if spans and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    received = sa.or_(*[sa.and_(Ticket.received_at >= start, Ticket.received_at < end) for start, end in spans])
    # Rows are within the months, which are in order: the first month that ends after a ticket is its own.
    month = sa.case(*[(Ticket.received_at < end, index) for index, (_start, end) in enumerate(ranges[:-1])],
                    else_=len(ranges) - 1).label("month")
    rows = db.session.execute(
        sa.select(
            month, Ticket.category,
            sa.func.count(sa.distinct(sa.case((Ticket.visit_required, Ticket.id)))).label("visited"),
            *[_counted(TicketVisit.satisfaction == satisfaction).label(satisfaction.value)
              for satisfaction in Satisfaction],
        )
        .join(Ticket, Ticket.id == TicketVisit.ticket_id)
        .where(Ticket.property_id == prop.id, received)
        .group_by(month, Ticket.category)
    )
    for row in rows:
        stats = by_month[months[row.month]]
        stats.visits_done_by_category[row.category] += row.visited
        for satisfaction in Satisfaction:
            stats.satisfaction_by_category[(row.category, satisfaction)] += row._mapping[satisfaction.value]


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
