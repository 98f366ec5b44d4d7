"""Today's rounds on the concierge's dashboard."""
from models import clock

from ..shared.permissions import current_property
from .services import progress, rounds_of


def today() -> dict:
    prop, now = current_property(), clock.now()
    day = prop.local_day(now)
    rounds = rounds_of(prop, day, day)
    return {"rounds": rounds, "progress": progress(rounds), "as_of": now}
