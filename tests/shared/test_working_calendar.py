"""Working time across a weekend, a public holiday and a 调休 Saturday (Asia/Shanghai, 08:30–17:30)."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from models import CalendarDay, Property, db
from models.audit import AuditAction, AuditEntry
from models.calendar import WorkingCalendar

SH = ZoneInfo("Asia/Shanghai")
# National Day 2026: 1–7 October off, Saturday 10 October a make-up workday (State Council schedule).
EXCEPTIONS = {date(2026, 10, d): False for d in range(1, 8)} | {date(2026, 10, 10): True}
CAL = WorkingCalendar(SH, time(8, 30), time(17, 30), EXCEPTIONS)


def at(day, hh, mm=0):
    return datetime(2026, 10, day, hh, mm, tzinfo=SH)


def test_within_one_day():
    assert CAL.add(at(12, 9), timedelta(hours=2)) == at(12, 11)


def test_over_a_weekend():
    # Friday 16 October 16:30 + 2 working hours → Monday 19 October 09:30
    assert CAL.add(at(16, 16, 30), timedelta(hours=2)) == at(19, 9, 30)


def test_over_the_national_day_holiday():
    # Wednesday 30 September 17:00 + 1 working hour → Thursday 8 October 09:00
    start = datetime(2026, 9, 30, 17, tzinfo=SH)
    assert CAL.add(start, timedelta(hours=1)) == at(8, 9)


def test_the_make_up_saturday_is_a_working_day():
    # Friday 9 October 17:00 + 1 hour → Saturday 10 October 09:00 (调休上班)
    assert CAL.add(at(9, 17), timedelta(hours=1)) == at(10, 9)
    assert CAL.is_workday(date(2026, 10, 10)) and not CAL.is_workday(date(2026, 10, 11))


def test_received_outside_hours_starts_at_the_next_opening():
    assert CAL.add(at(12, 20), timedelta(hours=1)) == at(13, 9, 30)
    assert CAL.add(at(12, 6), timedelta(hours=1)) == at(12, 9, 30)


def test_working_days_are_whole_days_of_working_time():
    # major complaint resolve: 3 working days from Friday 9 October 10:00 → Tue 13 Oct 10:00 (Sat 10th counts)
    assert CAL.add_workdays(at(9, 10), 3) == at(13, 10)


def test_between_counts_only_working_time():
    # 0.5 h on Friday, the make-up Saturday's 9 h, 1 h on Monday; Sunday does not count
    assert CAL.between(at(9, 17), at(12, 9, 30)) == timedelta(hours=10, minutes=30)
    assert CAL.between(at(12, 10), at(12, 9)) == timedelta()


@given(
    st.datetimes(datetime(2026, 9, 1), datetime(2026, 11, 30)).map(lambda d: d.replace(tzinfo=SH)),
    st.integers(0, 60 * 40).map(lambda m: timedelta(minutes=m)),
)
def test_between_undoes_add(start, duration):
    end = CAL.add(start, duration)
    assert CAL.between(start, end) == duration


def test_a_calendar_without_workdays_fails_clearly():
    never = WorkingCalendar(SH, time(8, 30), time(17, 30), {date(2026, 1, 1) + timedelta(d): False for d in range(3700)})
    with pytest.raises(ValueError, match="no working time"):
        never.add(datetime(2026, 1, 1, tzinfo=SH), timedelta(hours=1))


def test_a_propertys_days_are_read_once_and_again_after_any_change_to_them(app, prop):
    statements = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql))
    saturday = date(2026, 11, 21)
    assert not WorkingCalendar.of(prop).is_workday(saturday)
    statements.clear()
    assert not WorkingCalendar.of(prop).is_workday(saturday)
    assert not [s for s in statements if "calendar_days" in s]  # kept by the process

    day = CalendarDay(property_id=prop.id, day=saturday, is_workday=True, name="调休上班")
    db.session.add(day)
    assert WorkingCalendar.of(prop).is_workday(saturday)  # not yet committed: this session sees it
    db.session.commit()
    assert WorkingCalendar.of(prop).is_workday(saturday)
    day.is_workday = False
    db.session.commit()
    assert not WorkingCalendar.of(prop).is_workday(saturday)
    day.is_workday = True
    db.session.commit()
    db.session.delete(day)
    db.session.commit()
    assert not WorkingCalendar.of(prop).is_workday(saturday)

    # Another host adds a day (and, through its own session, a new token): a request here loads the
    # property afresh, with that token.
    db.session.execute(sa.insert(CalendarDay).values(property_id=prop.id, day=saturday, is_workday=True, name=""))
    db.session.execute(sa.update(Property).where(Property.id == prop.id).values(calendar_token="f" * 32))
    db.session.commit()
    db.session.expire(prop)
    assert WorkingCalendar.of(prop).is_workday(saturday)


def test_a_new_calendar_token_writes_no_audit_entry_of_its_own(app, prop):
    db.session.add(CalendarDay(property_id=prop.id, day=date(2026, 11, 21), is_workday=True, name="调休上班"))
    db.session.commit()
    tables = db.session.scalars(sa.select(AuditEntry.table_name).where(AuditEntry.action == AuditAction.UPDATE)).all()
    assert "properties" not in tables


def walked(calendar: WorkingCalendar, start: datetime, end: datetime) -> timedelta:
    """Working time from `start` to `end`, day by day."""
    total, day = timedelta(), start.date()
    while day <= end.date():
        if calendar.is_workday(day):
            opens, closes = datetime.combine(day, calendar.starts_at, SH), datetime.combine(day, calendar.ends_at, SH)
            total += max(min(closes, end) - max(opens, start), timedelta())
        day += timedelta(days=1)
    return total


# Holidays and make-up days before, inside and after the spans; exceptions the weekday agrees with.
LONG = WorkingCalendar(SH, time(8, 30), time(17, 30), EXCEPTIONS | {
    date(2026, 1, 1): False, date(2026, 2, 14): True, date(2027, 2, 12): False, date(2026, 3, 4): True,
    date(2025, 12, 6): False,
})


@given(
    st.datetimes(datetime(2025, 6, 1), datetime(2027, 6, 30)).map(lambda d: d.replace(tzinfo=SH)),
    st.integers(-60 * 24, 60 * 24 * 800).map(lambda m: timedelta(minutes=m)),
)
def test_between_counts_long_spans_as_walking_the_days_does(start, length):
    assert LONG.between(start, start + length) == walked(LONG, start, start + length)


def test_between_starting_or_ending_on_a_holiday_or_a_make_up_day():
    moments = [at(day, hh) for day in range(1, 13) for hh in (7, 12, 20)] + [datetime(2026, 9, 30, 12, tzinfo=SH)]
    for start in moments:
        for end in moments:
            assert LONG.between(start, end) == walked(LONG, start, end), (start, end)
