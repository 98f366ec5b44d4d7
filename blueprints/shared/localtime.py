"""Times are stored in UTC (`models.clock.now()`) and shown in the current property's time zone.

The property's own clock (`Property.zone`, `Property.local_day`, `Property.day_range`) gives dates and
day boundaries; this module adds what a request needs: the `local` filter, today's date where the
current property is, and the day a page asks for.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, request

from models import clock

from .permissions import current_property


def zone() -> ZoneInfo:
    prop = current_property()
    return prop.zone if prop else ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(zone()).strftime(fmt) if value else ""


def today() -> date:
    """Today where the current property is (the server's own date may still be yesterday's)."""
    return clock.now().astimezone(zone()).date()


def requested_day(arg: str = "date") -> date:
    """The day named by ?date=YYYY-MM-DD, or today where the property is."""
    try:
        return date.fromisoformat(request.args.get(arg, ""))
    except ValueError:
        return today()
