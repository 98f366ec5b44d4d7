"""Operations of the admin module that span several records."""
from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import sqlalchemy as sa

from models import Building, CalendarDay, Department, DepartmentKind, Property, Role, Unit, User, UserRole, db

DEFAULT_DEPARTMENTS = [
    (DepartmentKind.CUSTOMER_SERVICE, "客服部"),
    (DepartmentKind.ENGINEERING, "工程部"),
    (DepartmentKind.SECURITY, "安管部"),
    (DepartmentKind.ENVIRONMENT, "环境部"),
    (DepartmentKind.MANAGEMENT, "项目负责人"),
]

# Years a working calendar is kept for: others (year 0) would only fail in date() with a server error.
CALENDAR_YEARS = range(2000, 2101)


def create_property(prop: Property, creator: User | None) -> Property:
    """A new property with the usual departments, its creator as admin, and this year's calendar."""
    db.session.add(prop)
    for kind, name in DEFAULT_DEPARTMENTS:
        db.session.add(Department(property=prop, kind=kind, name=name))
    if creator is not None:
        db.session.add(UserRole(user=creator, property=prop, role=Role.ADMIN))
    db.session.flush()
    for year in (date.today().year, date.today().year + 1):
        if year_has_official_data(year):
            import_official_calendar(prop, year)
    return prop


def renumber_units(prop: Property, building: Building | None = None) -> None:
    """Archive numbers follow the property and building codes (HY-3-1502): renew them after a code changes."""
    stmt = sa.select(Unit).where(Unit.property_id == prop.id)
    if building is not None:
        stmt = stmt.where(Unit.building_id == building.id)
    for unit in db.session.scalars(stmt):
        unit.archive_no = Unit.make_archive_no(prop.code, unit.building.code, unit.room)


def year_has_official_data(year: int) -> bool:
    try:
        chinese_calendar.is_holiday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def import_official_calendar(prop: Property, year: int) -> int:
    """Copy the State Council's holidays and 调休 workdays of `year` into the property's calendar.

    Only weekdays off and weekend days on are exceptions to a Monday–Friday week; days the property
    has already entered are kept. Returns the number of days added.
    """
    if not year_has_official_data(year):
        raise LookupError(year)
    existing = set(
        db.session.scalars(
            sa.select(CalendarDay.day).where(
                CalendarDay.property_id == prop.id,
                CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)),
            )
        )
    )
    chinese_names = {h.value: h.chinese for h in chinese_calendar.Holiday}
    first = date(year, 1, 1)
    added = 0
    for day in (first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)):
        is_holiday, holiday = chinese_calendar.get_holiday_detail(day)
        if day in existing or is_holiday == (day.weekday() >= 5):
            continue  # already entered, or as a plain Monday–Friday week has it
        name = chinese_names.get(holiday, "")
        db.session.add(
            CalendarDay(
                property_id=prop.id,
                day=day,
                is_workday=not is_holiday,
                name=name if is_holiday else f"{name}调休上班",
            )
        )
        added += 1
    return added
