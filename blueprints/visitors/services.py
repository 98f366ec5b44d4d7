"""Visitor rules: signing in against the block list and expected guests, and the retention purge."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from models import Property, Unit, User, clock, db
from models.notifications import notify
from models.org import PINYIN_INITIALS
from models.visitors import BlockEntry, ExpectedGuest, Visitor

from ..shared.lists import ListFilter
from ..shared.localtime import today
from ..shared.permissions import current_property, scoped, supervisor_ids
from ..shared.units import unit_term


@dataclass
class VisitorFilter(ListFilter):
    """Who is still inside (the default), or the visits of a day."""

    show: str = "inside"
    day: date = field(default_factory=today)

    params = {"day": "date"}

    def select(self) -> sa.Select:
        """The visits shown, with the unit each was to (the list shows it: one query, not one a row)."""
        return self.apply(scoped(Visitor).options(joinedload(Visitor.unit)).order_by(Visitor.signed_in_at.desc()))

    def where(self, stmt: sa.Select) -> sa.Select:
        if self.show == "inside":
            stmt = stmt.where(Visitor.signed_out_at.is_(None))
        else:
            start, end = current_property().day_range(self.day)
            stmt = stmt.where(Visitor.signed_in_at >= start, Visitor.signed_in_at < end)
        if self.q:
            q = self.q
            stmt = stmt.where(sa.or_(
                Visitor.name.contains(q, autoescape=True), Visitor.plate.icontains(q, autoescape=True),
                Visitor.name_initials.startswith(q.lower(), autoescape=True) if PINYIN_INITIALS.fullmatch(q) else sa.false(),
                Visitor.pass_no == q,
                Visitor.unit_id.in_(sa.select(Unit.id).where(Unit.archive_no.icontains(unit_term(q), autoescape=True))),
            ))
        return stmt


def block_hits(property_id: int, name: str, id_number: str, plate: str) -> list[BlockEntry]:
    """Exact matches only: name and ID number together, or the plate."""
    conditions = []
    if name and id_number:
        conditions.append(sa.and_(BlockEntry.name == name.strip(), BlockEntry.id_number == id_number.strip().upper()))
    if plate:
        conditions.append(sa.and_(BlockEntry.plate != "", BlockEntry.plate == plate))
    if not conditions:
        return []
    return list(db.session.scalars(
        sa.select(BlockEntry).where(BlockEntry.property_id == property_id, BlockEntry.active, sa.or_(*conditions))
    ))


def expected_guest(property_id: int, unit_id: int | None, name: str, plate: str, on: date) -> ExpectedGuest | None:
    if not unit_id and not plate:
        return None
    match = sa.or_(ExpectedGuest.guest_name == name.strip(), sa.and_(ExpectedGuest.plate != "", ExpectedGuest.plate == plate))
    stmt = sa.select(ExpectedGuest).where(
        ExpectedGuest.property_id == property_id, ExpectedGuest.valid_from <= on, ExpectedGuest.valid_to >= on, match
    )
    if unit_id:
        stmt = stmt.where(ExpectedGuest.unit_id == unit_id)
    return db.session.scalars(stmt.order_by(ExpectedGuest.id.desc())).first()


def sign_in(prop: Property, *, by: User, at: datetime, unit: Unit | None, name: str, id_number: str, plate: str,
            **fields) -> Visitor:
    """A visitor signs in at the desk: matched against the block list (supervisors are told at once) and
    against the guests owners announced."""
    hits = block_hits(prop.id, name, id_number, plate)
    expected = expected_guest(prop.id, unit.id if unit else None, name, plate, prop.local_day(at))
    visit = Visitor(property_id=prop.id, unit=unit, name=name, id_number=id_number, plate=plate, signed_in_at=at,
                    signed_in_by=by, expected_guest=expected, alert=alert_text(hits), **fields)
    db.session.add(visit)
    db.session.flush()
    if hits:
        notify(supervisor_ids(prop.id), prop.id, _("黑名单访客已登记：%(name)s — %(alert)s", name=visit.name, alert=visit.alert),
               url_for("visitors.detail", visitor_id=visit.id))
    return visit


def sign_out_forgotten(visit: Visitor, *, by: User, at: datetime) -> None:
    """The person is back while their last visit is still open: they left unrecorded. The open visit is
    closed now (its true leaving time is unknown; the note says so) before the new one is signed in."""
    if visit.signed_out_at is None:
        visit.signed_out_at, visit.signed_out_by = max(at, visit.signed_in_at), by
        visit.note = "；".join(n for n in (visit.note, _("离开时未登记，再次来访时补记")) if n)[:300]


def alert_text(hits: list[BlockEntry]) -> str:
    return "；".join(_("黑名单：%(who)s（%(why)s）", who=h.plate or h.name, why=h.reason) for h in hits)


def anonymise_before(cutoff: datetime) -> int:
    """Wipe the personal data of visits signed in before `cutoff` (kept long enough for enquiries)."""
    visits = db.session.scalars(
        sa.select(Visitor).where(Visitor.signed_in_at < cutoff, Visitor.anonymised_at.is_(None))
    ).all()
    now = clock.now()
    for visit in visits:
        visit.name = (visit.name[:1] + "**") if visit.name else ""
        visit.id_number = visit.phone = visit.plate = visit.note = ""
        visit.anonymised_at = now
    return len(visits)


def retention_cutoff(days: int, now: datetime) -> datetime:
    return now - timedelta(days=days)
