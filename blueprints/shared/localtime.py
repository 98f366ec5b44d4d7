"""Times are stored in UTC and shown in the current property's time zone (one place does it)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, request

from .permissions import current_property


def zone() -> ZoneInfo:
    prop = current_property()
    return prop.zone if prop else ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(zone()).strftime(fmt) if value else ""


def now() -> datetime:
    return datetime.now(zone())


def today() -> date:
    """Today where the current property is (the server's own date may still be yesterday's)."""
    return now().date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end of a local calendar day, as aware datetimes for queries on UTC columns."""
    start = datetime.combine(day, time(), zone())
    return start, start + timedelta(days=1)


def requested_day(arg: str = "date") -> date:
    """The day named by ?date=YYYY-MM-DD, or today where the property is."""
    try:
        return date.fromisoformat(request.args.get(arg, ""))
    except ValueError:
        return today()
