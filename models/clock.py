"""The one clock: every "now" in the app is this aware UTC instant.

Times are stored in UTC and turned into a property's local time only for display, dates and day
boundaries (`Property.zone`, `Property.local_day`, `Property.day_range`; the `local` filter). Tests
move this clock with time-machine.
"""
from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)
