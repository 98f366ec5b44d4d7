"""Parcel operations: intake (number, duplicate check, the resident told), finding a household's parcels at
the desk, hand-out under one signature, reminders of unclaimed parcels, the lists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager

from models import Property, Resident, ResidentRelation, Unit, User, clock, db
from models.numbering import next_number
from models.org import PINYIN_INITIALS
from models.parcels import Carrier, Parcel, ParcelError, ParcelKind, ParcelStatus
from models.resident_messages import MessageReason, MessageStatus, ResidentMessage

from ..shared import messaging
from ..shared.lists import ListFilter
from ..shared.localtime import local
from ..shared.permissions import scoped
from ..shared.signatures import SignatureField, save_signature
from ..shared.units import unit_ids_matching, unit_term


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


# Who collects a unit's parcels when the label names no one: whoever lives there (a tenant before a
# landlord), and someone with a phone, who can be told.
CONTACT_ORDER = {ResidentRelation.TENANT: 0, ResidentRelation.OWNER: 1, ResidentRelation.FAMILY: 2}


def household_contact(unit: Unit, name: str = "") -> Resident | None:
    """The resident of `unit` named `name`, or else the household's contact."""
    residents = sorted(unit.residents, key=lambda r: (not r.phone, CONTACT_ORDER.get(r.relation, 9), r.id))
    named = [r for r in residents if name and r.name == name]
    return (named or residents or [None])[0]


def receive(prop: Property, *, unit: Unit, carrier: Carrier, tracking_no: str, kind: ParcelKind, count: int,
            shelf: str, recipient_name: str, by: User, at: datetime) -> Parcel:
    """Log a parcel left at the lobby and queue the resident's notice; a tracking number is taken once per
    carrier. A parcel naming no one is the household's: its contact is the recipient."""
    if tracking_no and (earlier := _duplicate(prop.id, carrier, tracking_no)):
        raise _duplicate_error(prop, earlier)
    contact = household_contact(unit, recipient_name)
    recipient_name = recipient_name or (contact.name if contact else "")
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
    _notify(prop, parcel, contact, MessageReason.PARCEL_WAITING, prop.local_day(at))
    return parcel


def _what(parcel: Parcel) -> str:
    tail = _("（单号尾号 %(t)s）", t=parcel.tracking_no[-4:]) if parcel.tracking_no else ""
    return _("%(carrier)s%(kind)s%(tail)s", carrier=parcel.carrier.label, kind=parcel.kind.label, tail=tail)


def notice_text(prop: Property, parcel: Parcel, reason: MessageReason, now: datetime) -> str:
    """What the resident is told: the words the desk reads out, or the SMS."""
    whom = " ".join(filter(None, [parcel.unit.archive_no, parcel.recipient_name]))
    shelf = _("，货架 %(s)s", s=parcel.shelf) if parcel.shelf else ""
    if reason is MessageReason.PARCEL_REMINDER:
        return _("【%(p)s】您好，%(whom)s 的%(what)s已在物业前台存放 %(days)d 天，取件编号 %(n)s%(shelf)s，"
                 "请尽快凭房号或手机尾号领取。",
                 p=prop.name, whom=whom, what=_what(parcel), days=(now - parcel.received_at).days,
                 n=parcel.number, shelf=shelf)
    return _("【%(p)s】您好，%(whom)s 的%(what)s已到物业前台，取件编号 %(n)s%(shelf)s，请凭房号或手机尾号领取。",
             p=prop.name, whom=whom, what=_what(parcel), n=parcel.number, shelf=shelf)


def _notify(prop: Property, parcel: Parcel, contact: Resident | None, reason: MessageReason, day,
            now: datetime | None = None) -> ResidentMessage | None:
    """Queue the notice, when the archive has someone with a phone to tell."""
    if contact is None or not contact.phone:
        return None
    return messaging.queue(
        prop, subject=parcel, reason=reason, unit=parcel.unit, resident=contact,
        recipient_name=parcel.recipient_name or contact.name,
        text=notice_text(prop, parcel, reason, now or parcel.received_at),
        link=url_for("parcels.detail", parcel_id=parcel.id), day=day,
    )


def remind_unclaimed(prop: Property, now: datetime) -> list[ResidentMessage]:
    """A reminder for each parcel waiting past PARCEL_UNCLAIMED_DAYS, at most one a parcel a day; a reminder
    not yet told replaces the earlier notices of that parcel still on the desk's list."""
    day = prop.local_day(now)
    queued = []
    for parcel in db.session.scalars(
        sa.select(Parcel).where(Parcel.property_id == prop.id, Parcel.status == ParcelStatus.WAITING,
                                Parcel.received_at < unclaimed_cutoff(now))
        .order_by(Parcel.received_at, Parcel.id)
    ):
        earlier = messaging.open_messages_of(parcel)
        if message := _notify(prop, parcel, household_contact(parcel.unit, parcel.recipient_name),
                              MessageReason.PARCEL_REMINDER, day, now):
            for old in earlier:
                old.status, old.handled_at = MessageStatus.CANCELLED, now
            queued.append(message)
    db.session.flush()
    return queued


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
        messaging.cancel_open(parcel, at)
    db.session.flush()


def send_back(parcel: Parcel, reason: str, *, by: User, at: datetime) -> None:
    parcel.send_back(reason, by, at)
    messaging.cancel_open(parcel, at)
    db.session.flush()


@dataclass
class Collection:
    """A household's parcels waiting at the desk, as the pick-up finds them."""

    unit: Unit
    parcels: list[Parcel]
    collector: str  # who is likely collecting: the resident searched for, else the recipient

    @property
    def pieces(self) -> int:
        return sum(p.count for p in self.parcels)

    @property
    def shelves(self) -> list[str]:
        return list(dict.fromkeys(p.shelf for p in self.parcels if p.shelf))

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(p.recipient_name for p in self.parcels if p.recipient_name))


MAX_COLLECTIONS = 12


def collections(property_id: int, q: str = "", unit_id: int | None = None) -> list[Collection]:
    """The households with parcels waiting that `q` finds — by unit ("1502", "3-1502"), the last digits of a
    resident's phone, a parcel's number or tracking number, a recipient's or resident's name or its pinyin
    initials — or the one household of `unit_id`. All of a household's waiting parcels come together."""
    waiting = sa.select(Parcel.unit_id).join(Parcel.unit).where(
        Parcel.property_id == property_id, Parcel.status == ParcelStatus.WAITING)
    q = q.strip()
    matched_residents = sa.select(Resident).where(sa.false())
    if unit_id is not None:
        waiting = waiting.where(Parcel.unit_id == unit_id)
    elif q:
        resident_match = [Resident.name.icontains(q, autoescape=True)]
        if PINYIN_INITIALS.fullmatch(q):
            resident_match.append(Resident.name_initials.startswith(q.lower(), autoescape=True))
        if q.isdigit() and len(q) == 4:
            resident_match.append(Resident.phone_last4 == q)
        elif q.isdigit() and len(q) >= 7:
            resident_match.append(Resident.phone.contains(q, autoescape=True))
        matched_residents = sa.select(Resident).where(Resident.property_id == property_id, sa.or_(*resident_match))
        found = matched_residents.with_only_columns(Resident.unit_id)
        waiting = waiting.where(sa.or_(
            Unit.archive_no.icontains(unit_term(q), autoescape=True),
            Parcel.number.icontains(q, autoescape=True),
            Parcel.tracking_no.icontains(q.replace(" ", ""), autoescape=True),
            Parcel.recipient_name.icontains(q, autoescape=True),
            Parcel.unit_id.in_(found),
        ))
    else:
        return []
    unit_ids = db.session.scalars(waiting.distinct().limit(MAX_COLLECTIONS)).all()
    if not unit_ids:
        return []
    searched_for = {r.unit_id: r for r in db.session.scalars(matched_residents.where(Resident.unit_id.in_(unit_ids)))}
    parcels = db.session.scalars(
        sa.select(Parcel).join(Parcel.unit)
        .where(Parcel.property_id == property_id, Parcel.status == ParcelStatus.WAITING, Parcel.unit_id.in_(unit_ids))
        .order_by(Unit.archive_no, Parcel.received_at, Parcel.id)
    )
    found = []
    for _unit_id, group in groupby(parcels, key=lambda p: p.unit_id):
        group = list(group)
        unit = group[0].unit
        resident = searched_for.get(unit.id)
        names = [p.recipient_name for p in group if p.recipient_name]
        contact = household_contact(unit)
        collector = resident.name if resident else names[0] if names else contact.name if contact else ""
        found.append(Collection(unit=unit, parcels=group, collector=collector))
    return found


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
        return self.apply(
            scoped(Parcel).join(Parcel.unit).options(contains_eager(Parcel.unit)).order_by(received, Parcel.id))

    def where(self, stmt: sa.Select) -> sa.Select:
        if self.status == "unclaimed":
            stmt = stmt.where(Parcel.status == ParcelStatus.WAITING, Parcel.received_at < unclaimed_cutoff())
        elif self.status != "all":
            stmt = stmt.where(Parcel.status == ParcelStatus(self.status))
        if self.q:
            stmt = stmt.where(self._text_condition())
        return stmt

    def _text_condition(self):
        """"3-1502", "3 1502" and "HY-3-1502" all find the unit; the rest searches as typed, on the parcels'
        own indexes (ix_parcels_search_trgm)."""
        units = unit_ids_matching(unit_term(self.q))
        return sa.or_(
            Parcel.tracking_no.icontains(self.q.replace(" ", ""), autoescape=True),
            Parcel.recipient_name.icontains(self.q, autoescape=True),
            Parcel.number.icontains(self.q, autoescape=True),
            *([Parcel.unit_id.in_(units)] if units else []),
        )


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
