"""What a shift hands over (交接班): each module adds a source of open items it owns.

A source is a function `(shift) -> list[HandoverItem]`, registered with `@handover_source`. The
journal compiles them when a shift hands over; tickets, visitors, parcels, held items and (when they
land) keys and tools plug in here without the journal knowing them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable

SOURCES: list[Callable] = []


@dataclass(frozen=True)
class HandoverItem:
    section: str  # "未办结报事", "未离开访客", …
    text: str
    link: str = ""


def handover_source(fn: Callable) -> Callable:
    SOURCES.append(fn)
    return fn


def compile_handover(shift) -> list[dict]:
    """Every open item the next shift inherits, as plain data to freeze on the shift."""
    return [asdict(item) for source in SOURCES for item in source(shift)]
