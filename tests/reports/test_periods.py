"""Statistics periods (month, quarter, half-year, year) and how 环比/同比 are written."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from blueprints.reports.periods import Period, PeriodKind
from blueprints.reports.stats import format_change

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("key, kind, start, end, label", [
    ("2026-11", PeriodKind.MONTH, date(2026, 11, 1), date(2026, 12, 1), "2026年11月"),
    ("2026-12", PeriodKind.MONTH, date(2026, 12, 1), date(2027, 1, 1), "2026年12月"),
    ("2026-Q4", PeriodKind.QUARTER, date(2026, 10, 1), date(2027, 1, 1), "2026年第4季度"),
    ("2026-Q1", PeriodKind.QUARTER, date(2026, 1, 1), date(2026, 4, 1), "2026年第1季度"),
    ("2026-H1", PeriodKind.HALF, date(2026, 1, 1), date(2026, 7, 1), "2026年上半年"),
    ("2026-H2", PeriodKind.HALF, date(2026, 7, 1), date(2027, 1, 1), "2026年下半年"),
    ("2026", PeriodKind.YEAR, date(2026, 1, 1), date(2027, 1, 1), "2026年"),
])
def test_a_key_names_one_period(app, key, kind, start, end, label):
    with app.test_request_context():
        period = Period.parse(key)
        assert (period.kind, period.start, period.end, period.label, period.key) == (kind, start, end, label, key)


@pytest.mark.parametrize("key", ["", "2026-13", "2026-00", "2026-Q5", "2026-H3", "26-11", "2026-11-01", "abc"])
def test_a_key_that_names_no_period(key):
    assert Period.parse(key) is None


def test_previous_and_same_period_last_year_cross_the_year():
    q1 = Period.parse("2026-Q1")
    assert q1.previous == Period.parse("2025-Q4")
    assert q1.same_period_last_year == Period.parse("2025-Q1")
    assert Period.parse("2026-H1").previous == Period.parse("2025-H2")
    assert Period.parse("2026-01").previous == Period.parse("2025-12")
    assert Period.parse("2026-12").next == Period.parse("2027-01")
    assert Period.parse("2026").previous == Period.parse("2026").same_period_last_year == Period.parse("2025")
    assert Period.parse("2026").previous_is_last_year and not Period.parse("2026-Q4").previous_is_last_year


def test_the_period_of_another_kind_contains_the_day():
    november = Period.parse("2026-11")
    assert [november.of_kind(kind).key for kind in PeriodKind] == ["2026-11", "2026-Q4", "2026-H2", "2026"]
    assert Period.containing(PeriodKind.QUARTER, date(2026, 6, 30)).key == "2026-Q2"
    assert Period.parse("2026-Q4").months == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    assert [p.key for p in Period.parse("2026-Q1").recent(3)] == ["2026-Q1", "2025-Q4", "2025-Q3"]


def test_boundaries_are_local_midnights_of_the_property(prop):
    start, end = Period.parse("2026-Q4").time_range(prop)
    assert start == datetime(2026, 10, 1, tzinfo=SHANGHAI) and end == datetime(2027, 1, 1, tzinfo=SHANGHAI)
    assert start.utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize("current, previous, text", [
    (9, 8, "+12.5%"),
    (97, 100, "\u22123.0%"),
    (4, 2, "+100.0%"),
    (0, 3, "\u2212100.0%"),
    (1, 3, "\u221266.7%"),
    (5, 5, "0.0%"),
    (5, 0, "—"),
    (0, 0, "—"),
])
def test_change_is_written_as_a_signed_percentage(current, previous, text):
    assert format_change(current, previous) == text
