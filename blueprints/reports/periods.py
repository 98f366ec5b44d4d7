"""The periods statistics are kept for (seed 003 §3.1, 客户回访管理规定 §3.4): month, quarter, half-year, year.

A period is named in URLs by one key whose shape says its kind: `2026-11`, `2026-Q4`, `2026-H2`, `2026`.
Its boundaries are local days of the property (`Property.day_range`), never UTC dates.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import Property
from models.enums import LabelledEnum


class PeriodKind(LabelledEnum):
    MONTH = "month", _l("月度")
    QUARTER = "quarter", _l("季度")
    HALF = "half", _l("半年度")
    YEAR = "year", _l("年度")

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "half": 6, "year": 12}[self.value]


def shift_month(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


_KEY = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|Q([1-4])|H([12])))?$")


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date  # the first day of its first month

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        first_month = (day.month - 1) // kind.months * kind.months + 1
        return cls(kind, date(day.year, first_month, 1))

    @classmethod
    def parse(cls, key: str) -> Period | None:
        """The period a key names, or None when it names none."""
        match = _KEY.match(key.strip())
        if not match:
            return None
        year, month, quarter, half = match.groups()
        year = int(year)
        if year < 1970:
            return None
        if month:
            return cls(PeriodKind.MONTH, date(year, int(month), 1)) if 1 <= int(month) <= 12 else None
        if quarter:
            return cls(PeriodKind.QUARTER, date(year, int(quarter) * 3 - 2, 1))
        if half:
            return cls(PeriodKind.HALF, date(year, int(half) * 6 - 5, 1))
        return cls(PeriodKind.YEAR, date(year, 1, 1))

    @property
    def months(self) -> list[date]:
        """The first day of each of its months."""
        return [shift_month(self.start, n) for n in range(self.kind.months)]

    @property
    def end(self) -> date:
        """The first day after it."""
        return shift_month(self.start, self.kind.months)

    def time_range(self, prop: Property) -> tuple[datetime, datetime]:
        """From its first local midnight at the property to the one after its last day."""
        return prop.day_range(self.start, self.end - timedelta(days=1))

    @property
    def previous(self) -> Period:
        """The period just before (环比 compares with it)."""
        return Period(self.kind, shift_month(self.start, -self.kind.months))

    @property
    def next(self) -> Period:
        return Period(self.kind, self.end)

    @property
    def same_period_last_year(self) -> Period:
        """The same period a year before (同比 compares with it); for a year, the previous one."""
        return Period(self.kind, self.start.replace(year=self.start.year - 1))

    @property
    def previous_is_last_year(self) -> bool:
        """For a year, 环比 and 同比 compare with the same period, so only one is shown."""
        return self.kind is PeriodKind.YEAR

    def of_kind(self, kind: PeriodKind) -> Period:
        """The period of another kind that contains this one's first day (the picker's tabs)."""
        return Period.containing(kind, self.start)

    @property
    def key(self) -> str:
        year = self.start.year
        return {
            PeriodKind.MONTH: f"{year}-{self.start.month:02d}",
            PeriodKind.QUARTER: f"{year}-Q{(self.start.month + 2) // 3}",
            PeriodKind.HALF: f"{year}-H{(self.start.month + 5) // 6}",
            PeriodKind.YEAR: f"{year}",
        }[self.kind]

    @property
    def label(self) -> str:
        year = self.start.year
        if self.kind is PeriodKind.MONTH:
            return _("%(y)d年%(m)d月", y=year, m=self.start.month)
        if self.kind is PeriodKind.QUARTER:
            return _("%(y)d年第%(q)d季度", y=year, q=(self.start.month + 2) // 3)
        if self.kind is PeriodKind.HALF:
            return _("%(y)d年上半年", y=year) if self.start.month == 1 else _("%(y)d年下半年", y=year)
        return _("%(y)d年", y=year)

    def recent(self, count: int) -> list[Period]:
        """This period and the `count - 1` before it, newest first (the picker's choices)."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous)
        return periods
