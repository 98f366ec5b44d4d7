"""Decoration operations: registration (one open per unit), violations with their numbered notices,
re-inspections that close or escalate them, and the lists the supervisor watches."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from models import Property, Unit, User, db
from models.decoration import (
    SERIOUS, Decoration, DecorationStatus, Reinspection, Violation, ViolationKind, ViolationStatus, reinspection_day,
)
from models.notifications import notify
from models.numbering import next_number

from ..shared.permissions import supervisor_ids
from ..shared.photos import save_photos


def open_decoration(unit: Unit) -> Decoration | None:
    """The unit's decoration not yet accepted (there is at most one)."""
    return db.session.scalar(
        sa.select(Decoration).where(Decoration.unit_id == unit.id, Decoration.status != DecorationStatus.ACCEPTED)
    )


def clash(decoration: Decoration) -> tuple[str, str] | None:
    """Why `decoration` may not be saved as it is, as (form field, message): the unit or permit is taken,
    or it is to be accepted while a violation is still not rectified."""
    if decoration.status is DecorationStatus.ACCEPTED and (open_ := [v for v in decoration.violations if not v.resolved]):
        return "status", _("还有未整改的违章（%(numbers)s），整改复验合格后才能验收",
                           numbers="、".join(v.number for v in open_))
    if decoration.status is not DecorationStatus.ACCEPTED:
        other = db.session.scalar(
            sa.select(Decoration).where(Decoration.unit_id == decoration.unit.id, Decoration.id != decoration.id,
                                        Decoration.status != DecorationStatus.ACCEPTED)
        )
        if other is not None:
            return "unit", _("该户已有未验收的装修登记（%(status)s，%(start)s 开工），请在原登记上修改",
                             status=other.status.label, start=other.starts_on.isoformat())
    if decoration.permit_no:
        other = db.session.scalar(
            sa.select(Decoration).where(Decoration.property_id == decoration.property_id, Decoration.id != decoration.id,
                                        Decoration.permit_no == decoration.permit_no)
        )
        if other is not None:
            return "permit_no", _("许可证号 %(no)s 已用于 %(unit)s", no=decoration.permit_no, unit=other.unit.archive_no)
    return None


def save_decoration(decoration: Decoration) -> tuple[str, str] | None:
    """Flush a new or edited registration, or say why not (as `clash` does); nothing is saved then."""
    if problem := clash(decoration):
        return problem
    try:
        with db.session.begin_nested():
            db.session.add(decoration)
    except sa.exc.IntegrityError:
        # Another desk registered the same unit or permit at this very moment (the unique index decided).
        return "unit", _("该户或该许可证号刚刚已被登记，请刷新后查看")
    return None


def record_violation(prop: Property, decoration: Decoration, *, kind: ViolationKind, note: str, deadline: date,
                     photos, by: User, at: datetime) -> Violation:
    """A violation found on patrol, with its notice number; re-inspected the day after the deadline."""
    violation = Violation(
        property_id=prop.id, number=next_number(prop, "WZ", at), decoration=decoration, kind=kind, note=note,
        found_at=at, found_on=prop.local_day(at), found_by=by, deadline=deadline,
        reinspect_on=reinspection_day(deadline), status=ViolationStatus.OPEN,
    )
    db.session.add(violation)
    db.session.flush()
    save_photos(photos, violation)
    if kind in SERIOUS:
        notify(supervisor_ids(prop.id), prop.id,
               _("严重装修违章 %(unit)s：%(kind)s（%(n)s）", unit=decoration.unit.archive_no, kind=kind.label,
                 n=violation.number),
               url_for("decoration.violation", violation_id=violation.id))
    return violation


def reinspect(violation: Violation, *, rectified: bool, note: str, new_deadline: date | None, by: User,
              at: datetime) -> Reinspection:
    """Record a re-inspection of the (locked) violation; an escalation goes to the supervisors."""
    step = violation.reinspect(rectified=rectified, note=note, new_deadline=new_deadline, by=by, at=at)
    db.session.add(step)
    db.session.flush()
    if not rectified:
        unit = violation.decoration.unit.archive_no
        text = (_("装修违章复验未整改 %(unit)s %(kind)s，已再次限期至 %(d)s", unit=unit, kind=violation.kind.label,
                  d=new_deadline.isoformat()) if new_deadline
                else _("装修违章复验未整改 %(unit)s %(kind)s，需主管处理", unit=unit, kind=violation.kind.label))
        notify(supervisor_ids(violation.property_id), violation.property_id, text,
               url_for("decoration.violation", violation_id=violation.id))
    return step


def violation_counts(decoration_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per decoration: (violations, of which still awaiting rectification)."""
    if not decoration_ids:
        return {}
    rows = db.session.execute(
        sa.select(Violation.decoration_id, sa.func.count(Violation.id),
                  sa.func.count(Violation.id).filter(Violation.status != ViolationStatus.RECTIFIED))
        .where(Violation.decoration_id.in_(decoration_ids)).group_by(Violation.decoration_id)
    )
    return {decoration_id: (total, unresolved) for decoration_id, total, unresolved in rows}


def unit_violation_count(unit_id: int) -> int:
    """Every violation of the unit, through all its decorations."""
    return db.session.scalar(
        sa.select(sa.func.count(Violation.id)).join(Violation.decoration).where(Decoration.unit_id == unit_id)
    )


@dataclass
class RepeatOffender:
    """A unit found in breach twice or more: in one decoration, or over several."""

    unit: Unit
    violations: list[Violation] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.violations)

    @property
    def decorations(self) -> int:
        return len({v.decoration_id for v in self.violations})

    @property
    def most_in_one_decoration(self) -> int:
        return max(Counter(v.decoration_id for v in self.violations).values())

    @property
    def unresolved(self) -> int:
        return sum(v.status is not ViolationStatus.RECTIFIED for v in self.violations)

    @property
    def kinds(self) -> list[tuple[ViolationKind, int]]:
        return Counter(v.kind for v in self.violations).most_common()

    @property
    def latest(self) -> Violation:
        return self.violations[-1]


def repeat_offenders(property_id: int, minimum: int = 2) -> list[RepeatOffender]:
    """Units with `minimum` or more violations, most violations first."""
    repeated = (
        sa.select(Decoration.unit_id).join(Violation, Violation.decoration_id == Decoration.id)
        .where(Decoration.property_id == property_id).group_by(Decoration.unit_id)
        .having(sa.func.count(Violation.id) >= minimum)
    )
    violations = db.session.scalars(
        sa.select(Violation).join(Violation.decoration).where(Decoration.unit_id.in_(repeated))
        .order_by(Violation.found_at)
    )
    by_unit: dict[int, RepeatOffender] = {}
    for violation in violations:
        unit = violation.decoration.unit
        by_unit.setdefault(unit.id, RepeatOffender(unit)).violations.append(violation)
    return sorted(by_unit.values(), key=lambda r: (-r.total, r.unit.archive_no))


def awaiting_reinspection(property_id: int, until: date) -> list[Violation]:
    """Violations whose re-inspection falls on or before `until`, earliest first."""
    return list(db.session.scalars(
        sa.select(Violation)
        .where(Violation.property_id == property_id, Violation.status != ViolationStatus.RECTIFIED,
               Violation.reinspect_on.is_not(None), Violation.reinspect_on <= until)
        .order_by(Violation.reinspect_on, Violation.found_at)
    ))
