"""Finding a unit by what the desk types: "HY-3-1502", "3-1502", "3 1502" or "3－1502"."""
from __future__ import annotations

import re

from models import Unit, db

from .permissions import current_property, scoped

SEPARATORS = re.compile(r"[\s\-－—/]+")


def unit_term(text: str) -> str:
    """The typed text as archive numbers are written ("3 1502" → "3-1502"), for searching them."""
    return "-".join(part for part in SEPARATORS.split(text.strip().upper()) if part)


def unit_ids_matching(term: str) -> list[int]:
    """The ids of the current property's units whose archive number holds `term`. A list's search asks them
    first: as a sub-select inside its OR, the planner cannot tell how few rows it picks, and reads the whole
    table instead of using the indexes."""
    return list(db.session.scalars(
        scoped(Unit).with_only_columns(Unit.id).where(Unit.archive_no.icontains(term, autoescape=True))
    ))


def find_unit(text: str) -> Unit | None:
    """The unit of the current property with this archive number, with or without the property code."""
    parts = unit_term(text).split("-") if text.strip() else []
    code = current_property().code
    if parts and parts[0] == code:
        parts = parts[1:]
    if len(parts) != 2:
        return None
    return db.session.scalar(scoped(Unit).where(Unit.archive_no == Unit.make_archive_no(code, *parts)))
