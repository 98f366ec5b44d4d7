"""What a shift hands over (交接班): each module lists the sources of open items it owns.

A source is a function `(shift) -> list[HandoverItem]`, named in its module's `handover=[...]` (see
modules.py). The journal compiles them when a shift hands over; tickets, visitors, parcels, held items,
keys and tools plug in there without the journal knowing them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from .modules import platform


@dataclass(frozen=True)
class HandoverItem:
    section: str  # "未办结报事", "未离开访客", …
    text: str
    link: str = ""


def compile_handover(shift) -> list[dict]:
    """Every open item the next shift inherits, as plain data to freeze on the shift."""
    return [asdict(item) for source in platform().handover_sources for item in source(shift)]
