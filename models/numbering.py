"""Human form numbers (HY-TK-20261122-0007): one counter per property, form type and period.

The counter row is incremented by a single upsert, so the row lock (PostgreSQL) or the write lock
(SQLite) is held until the request's transaction ends: concurrent requests queue, and a rolled-back
request gives its number back, so numbers are gap-free.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from .base import db


class NumberSequence(db.Model):
    __tablename__ = "number_sequences"

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(sa.ForeignKey("properties.id"))
    form_type: Mapped[str] = mapped_column(sa.String(10))
    period: Mapped[str] = mapped_column(sa.String(10))
    last_value: Mapped[int]

    __table_args__ = (sa.UniqueConstraint("property_id", "form_type", "period"),)


def next_number(property_, form_type: str, on: date | datetime) -> str:
    """Issue the next number of `form_type` for the day `on`: a local date, or a moment, whose day is
    taken where the property is. The code must be declared by a module (`number_codes`), so that no two
    modules share one."""
    if form_type not in current_app.extensions["platform"].number_codes:
        raise KeyError(f"number code {form_type!r} is not declared by any module")
    if isinstance(on, datetime):
        on = property_.local_day(on)
    period = on.strftime("%Y%m%d")
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = NumberSequence.__table__
    stmt = (
        insert(table)
        .values(property_id=property_.id, form_type=form_type, period=period, last_value=1)
        .on_conflict_do_update(
            index_elements=["property_id", "form_type", "period"],
            set_={"last_value": table.c.last_value + 1},
        )
        .returning(table.c.last_value)
    )
    value = db.session.execute(stmt).scalar_one()
    return f"{property_.code}-{form_type}-{period}-{value:04d}"
