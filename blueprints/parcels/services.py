"""Parcel operations: intake (number, duplicate check), hand-out under one signature, the lists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from models import Property, Unit, User, clock, db
from models.numbering import next_number
from models.parcels import Carrier, Parcel, ParcelError, ParcelKind, ParcelStatus

from ..shared.lists import ListFilter
from ..shared.localtime import local
from ..shared.permissions import scoped
from ..shared.units import unit_term
from ..shared.signatures import SignatureField, save_signature


def unclaimed_days() -> int:
    return current_app.config["PARCEL_UNCLAIMED_DAYS"]


def unclaimed_cutoff(now: datetime | None = None) -> datetime:
    """Parcels received before this and still waiting count as unclaimed (超期未领)."""
    return (now or clock.now()) - timedelta(days=unclaimed_days())


def _duplicate(property_id: int, carrier: Carrier, tracking_no: str) -> Parcel | None:
    return db.session.scalar(
        sa.select(Parcel).where(Parcel.property_id == property_id, Parcel.carrier == carrier,
                                Parcel.tracking_no == tracking_no)
    )


def _duplicate_error(prop: Property, parcel: Parcel) -> ParcelError:
    return ParcelError(_(
        "%(carrier)s 单号 %(no)s 已于 %(t)s 登记为 %(number)s（%(unit)s，%(status)s），请勿重复登记",
        carrier=parcel.carrier.label, no=parcel.tracking_no,
        t=local(parcel.received_at, "%m-%d %H:%M"),
        number=parcel.number, unit=parcel.unit.archive_no, status=parcel.status.label,
    ))


def receive(prop: Property, *, unit: Unit, carrier: Carrier, tracking_no: str, kind: ParcelKind, count: int,
            shelf: str, recipient_name: str, by: User, at: datetime) -> Parcel:
    """Log a parcel left at the lobby; a tracking number is taken once per carrier."""
    if tracking_no and (earlier := _duplicate(prop.id, carrier, tracking_no)):
        raise _duplicate_error(prop, earlier)
    parcel = Parcel(
        property_id=prop.id,
        number=next_number(prop, "BG", prop.local_day(at)),
        unit=unit, carrier=carrier, tracking_no=tracking_no, kind=kind, count=count, shelf=shelf,
        recipient_name=recipient_name, received_at=at, received_by=by, status=ParcelStatus.WAITING,
    )
    try:
        with db.session.begin_nested():
            db.session.add(parcel)
    except sa.exc.IntegrityError:
        # Another desk logged the same number at this very moment (the unique index decided).
        if tracking_no and (earlier := _duplicate(prop.id, carrier, tracking_no)):
            raise _duplicate_error(prop, earlier) from None
        raise
    return parcel


def lock(property_id: int, parcel_ids: list[int]) -> list[Parcel]:
    """The parcels, locked until the transaction ends, so two desks cannot hand out the same one."""
    if not parcel_ids:
        return []
    return list(db.session.scalars(
        sa.select(Parcel).where(Parcel.property_id == property_id, Parcel.id.in_(parcel_ids))
        .order_by(Parcel.id).with_for_update().execution_options(populate_existing=True)
    ))


def waiting_with(parcel: Parcel) -> list[Parcel]:
    """The other parcels of the same unit still waiting: usually collected together."""
    return list(db.session.scalars(
        sa.select(Parcel).where(Parcel.property_id == parcel.property_id, Parcel.unit_id == parcel.unit_id,
                                Parcel.status == ParcelStatus.WAITING, Parcel.id != parcel.id)
        .order_by(Parcel.received_at)
    ))


def hand_out(parcels: list[Parcel], *, collector_name: str, id_hint: str, signature: SignatureField,
             by: User, at: datetime) -> None:
    """Hand the (locked) parcels to the collector, who signed once for all of them."""
    for parcel in parcels:
        parcel.ensure_waiting()
    attachment = save_signature(signature, parcels[0])
    for parcel in parcels:
        parcel.hand_out(collector_name, id_hint, attachment, by, at)
    db.session.flush()


def handed_out_with(parcel: Parcel) -> list[Parcel]:
    """The parcels handed out under the same signature as `parcel` (itself included)."""
    return list(db.session.scalars(
        sa.select(Parcel).where(Parcel.signature_attachment_id == parcel.signature_attachment_id)
        .order_by(Parcel.received_at, Parcel.id)
    ))


STATUS_FILTERS = ("waiting", "unclaimed", "picked_up", "returned", "all")


@dataclass
class ParcelFilter(ListFilter):
    status: str = "waiting"

    def __post_init__(self):
        if self.status not in STATUS_FILTERS:
            self.status = "waiting"

    def select(self) -> sa.Select:
        newest_first = self.status in ("picked_up", "returned", "all")
        received = Parcel.received_at.desc() if newest_first else Parcel.received_at
        return self.apply(scoped(Parcel).join(Parcel.unit).order_by(received, Parcel.id))

    def where(self, stmt: sa.Select) -> sa.Select:
        if self.status == "unclaimed":
            stmt = stmt.where(Parcel.status == ParcelStatus.WAITING, Parcel.received_at < unclaimed_cutoff())
        elif self.status != "all":
            stmt = stmt.where(Parcel.status == ParcelStatus(self.status))
        if self.q:
            # "3-1502", "3 1502" and "HY-3-1502" all find the unit; the rest searches as typed.
            stmt = stmt.where(sa.or_(
                Unit.archive_no.icontains(unit_term(self.q), autoescape=True),
                Parcel.tracking_no.icontains(self.q.replace(" ", ""), autoescape=True),
                Parcel.recipient_name.icontains(self.q, autoescape=True),
                Parcel.number.icontains(self.q, autoescape=True),
            ))
        return stmt


def waiting_summary(property_id: int) -> dict[str, int]:
    """Pieces still waiting, and those waiting longer than the unclaimed limit."""
    pieces = sa.func.coalesce(sa.func.sum(Parcel.count), 0)
    waiting = sa.select(pieces).where(Parcel.property_id == property_id, Parcel.status == ParcelStatus.WAITING)
    return {
        "waiting": db.session.scalar(waiting),
        "unclaimed": db.session.scalar(waiting.where(Parcel.received_at < unclaimed_cutoff())),
    }


@dataclass(frozen=True)
class UnitWaiting:
    unit: Unit
    pieces: int
    shelves: list[str]
    since: datetime


def waiting_by_unit(property_id: int) -> list[UnitWaiting]:
    parcels = db.session.scalars(
        sa.select(Parcel).join(Parcel.unit)
        .where(Parcel.property_id == property_id, Parcel.status == ParcelStatus.WAITING)
        .order_by(Unit.archive_no, Parcel.received_at)
    )
    return [
        UnitWaiting(unit=group[0].unit, pieces=sum(p.count for p in group),
                    shelves=list(dict.fromkeys(p.shelf for p in group if p.shelf)), since=group[0].received_at)
        for group in (list(g) for _unit_id, g in groupby(parcels, key=lambda p: p.unit_id))
    ]
