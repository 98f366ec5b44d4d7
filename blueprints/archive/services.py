from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from models import Building, Resident, Unit

from ..shared.lists import UNIT_ORDER, ListFilter
from ..shared.permissions import scoped
from ..shared.units import unit_term


@dataclass
class UnitFilter(ListFilter):
    building: int | None = None

    def select(self) -> sa.Select:
        return self.apply(search_units(self.q, self.building)).options(selectinload(Unit.residents))


def search_units(q: str = "", building_id: int | None = None) -> sa.Select:
    """Units of the current property matching a room, archive number, name, pinyin initials or phone tail."""
    stmt = scoped(Unit).join(Building).order_by(*UNIT_ORDER)
    if building_id:
        stmt = stmt.where(Unit.building_id == building_id)
    q = q.strip()
    if not q:
        return stmt
    resident_match = sa.select(Resident.unit_id).where(
        sa.or_(
            Resident.name.contains(q, autoescape=True),
            Resident.name_initials.startswith(q.lower(), autoescape=True),
            *([Resident.phone_last4 == q] if re.fullmatch(r"\d{4}", q) else []),
        )
    )
    return stmt.where(
        sa.or_(
            Unit.archive_no.icontains(unit_term(q), autoescape=True),
            Unit.room.contains(q, autoescape=True),
            Unit.id.in_(resident_match),
        )
    )
