"""Working time on a property's calendar: Monday–Friday within working hours, minus public holidays,
plus 调休 make-up workdays. SLA clocks count in this time."""
from __future__ import annotations

import bisect
import functools
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from types import MappingProxyType
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .base import db
from .org import CalendarDay, Property

# Far enough to cover any deadline; a calendar without a single working day is a data error.
MAX_DAYS_AHEAD = 3660


@dataclass(frozen=True)
class WorkingCalendar:
    zone: ZoneInfo
    starts_at: time
    ends_at: time
    exceptions: Mapping[date, bool]  # day → is a workday, where it differs from Monday–Friday

    @classmethod
    def of(cls, prop: Property) -> WorkingCalendar:
        if db.session.autoflush:
            db.session.flush()  # a calendar day changed in this session gives the property its new token
        return _calendar(prop.id, prop.calendar_token, prop.timezone, prop.work_starts_at, prop.work_ends_at)

    @property
    def day_length(self) -> timedelta:
        return datetime.combine(date.min, self.ends_at) - datetime.combine(date.min, self.starts_at)

    def is_workday(self, day: date) -> bool:
        return self.exceptions.get(day, day.weekday() < 5)

    def _hours(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.starts_at, self.zone),
            datetime.combine(day, self.ends_at, self.zone),
        )

    def _working_intervals(self, start: datetime):
        """The working periods from `start` on, in local time."""
        local = start.astimezone(self.zone)
        day = local.date()
        for _ in range(MAX_DAYS_AHEAD):
            if self.is_workday(day):
                opens, closes = self._hours(day)
                if local < closes:
                    yield max(local, opens), closes
            day += timedelta(days=1)
        raise ValueError("no working time within ten years: check the property's calendar")

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start` (which may be outside working hours)."""
        remaining = duration
        for opens, closes in self._working_intervals(start):
            if opens + remaining <= closes:
                return (opens + remaining).astimezone(timezone.utc)
            remaining -= closes - opens
        raise AssertionError("unreachable")

    def add_workdays(self, start: datetime, days: int | float) -> datetime:
        """`days` whole working days of working time after `start`."""
        return self.add(start, self.day_length * days)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from `start` to `end` (zero when `end` is earlier): the two ends' days, and the whole
        working days between them counted, not walked (an SLA clock may run for years on an old ticket)."""
        if end <= start:
            return timedelta()
        start, end = start.astimezone(self.zone), end.astimezone(self.zone)
        first, last = start.date(), end.date()
        if first == last:
            return self._worked(first, start, end)
        whole = self.workdays(first + timedelta(days=1), last)
        return self._worked(first, start, end) + self.day_length * whole + self._worked(last, start, end)

    def workdays(self, first: date, last: date) -> int:
        """How many workdays from `first` up to, not including, `last`."""
        weeks, rest = divmod((last - first).days, 7)
        weekdays = weeks * 5 + sum((first.weekday() + i) % 7 < 5 for i in range(rest))
        days, changes = self._changes
        return weekdays + changes[bisect.bisect_left(days, last)] - changes[bisect.bisect_left(days, first)]

    @functools.cached_property
    def _changes(self) -> tuple[list[date], list[int]]:
        """The exception days in order, and before each the sum of what they change (+1 a make-up workday,
        −1 a holiday on a weekday), so that a range's changes are a difference of two sums."""
        days = sorted(day for day, workday in self.exceptions.items() if workday != (day.weekday() < 5))
        changes = [0]
        for day in days:
            changes.append(changes[-1] + (1 if self.exceptions[day] else -1))
        return days, changes

    def _worked(self, day: date, start: datetime, end: datetime) -> timedelta:
        """Working time on `day` between `start` and `end`."""
        if not self.is_workday(day):
            return timedelta()
        opens, closes = self._hours(day)
        return max(min(closes, end) - max(opens, start), timedelta())


@functools.lru_cache(maxsize=256)
def _calendar(property_id: int, token: str, zone: str, starts_at: time, ends_at: time) -> WorkingCalendar:
    """One calendar object per process, property, token and working hours: what it works out once (the order
    of its exceptions) serves every request."""
    return WorkingCalendar(ZoneInfo(zone), starts_at, ends_at, _exceptions(property_id, token))


@functools.lru_cache(maxsize=256)
def _exceptions(property_id: int, token: str) -> Mapping[date, bool]:
    """A property's calendar days, read once per process and calendar token (every list, dashboard and new
    ticket asks for them; the token comes with the property, which the log-in loads)."""
    rows = db.session.execute(
        sa.select(CalendarDay.day, CalendarDay.is_workday).where(CalendarDay.property_id == property_id)
    )
    return MappingProxyType(dict(rows.all()))


@sa.event.listens_for(Session, "before_flush")
def _new_calendar_token(session: Session, _context, _instances) -> None:
    """Any calendar day added, changed or deleted gives its property a new token, in the same transaction."""
    changed = {obj.property_id for obj in (*session.new, *session.dirty, *session.deleted) if isinstance(obj, CalendarDay)}
    for property_id in changed:
        if prop := session.get(Property, property_id):
            prop.calendar_token = secrets.token_hex(16)
