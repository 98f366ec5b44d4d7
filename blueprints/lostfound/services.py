"""Lost property: registration (number, retention date), matches between found items and lost reports,
release of valuables through the approval flow, the claim, disposal, and items held for owners."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from models import Property, User, db
from models.approvals import Approval, ApprovalStatus
from models.numbering import next_number
from models.org import IdType, mask_id_number
from models.lostfound import (
    DEFAULT_RETENTION_DAYS, Category, Disposal, FoundItem, FoundStatus, HeldItem, HeldStatus, LostFoundError,
    LostReport, LostStatus, Retention, Storage,
)

from ..approvals.services import latest_for, request_approval
from ..shared.lists import ListFilter
from ..shared.permissions import scoped

APPROVAL_KIND = "lostfound.release"
MATCH_DAYS = 7  # a report and a found item this many days apart may still be the same thing


def retention_days(property_id: int) -> dict[Category, int]:
    """Days a found item of each category is kept, as the property set them (defaults otherwise)."""
    rows = db.session.scalars(sa.select(Retention).where(Retention.property_id == property_id))
    return DEFAULT_RETENTION_DAYS | {r.category: r.days for r in rows}


def set_retention(property_id: int, days: dict[Category, int]) -> None:
    existing = {r.category: r for r in db.session.scalars(sa.select(Retention).where(Retention.property_id == property_id))}
    for category, n in days.items():
        if category in existing:
            existing[category].days = n
        else:
            db.session.add(Retention(property_id=property_id, category=category, days=n))
    db.session.flush()


def register(prop: Property, *, category: Category, description: str, colour: str, brand: str, found_place: str,
             found_at: datetime, finder_kind, finder_name: str, finder_phone: str, storage: Storage,
             storage_place: str, valuable: bool, witness: User | None, cash: dict[str, int], cash_total: Decimal,
             by: User, at: datetime) -> FoundItem:
    days = retention_days(prop.id)[category]
    item = FoundItem(
        property_id=prop.id, number=next_number(prop, "SW", at), category=category, description=description,
        colour=colour, brand=brand, found_place=found_place, found_at=found_at, finder_kind=finder_kind,
        finder_name=finder_name or by.display_name, finder_phone=finder_phone, storage=storage,
        storage_place=storage_place, valuable=valuable, witness=witness, cash=cash, cash_total=cash_total,
        registered_at=at, registered_by=by, retain_until=prop.local_day(found_at) + timedelta(days=days),
        status=FoundStatus.IN_STORE,
    )
    db.session.add(item)
    db.session.flush()
    return item


def locked(model, record_id: int):
    """The record, locked until the request ends (SELECT … FOR UPDATE; SQLite's writers queue anyway)."""
    return db.first_or_404(scoped(model).where(model.id == record_id).with_for_update()
                           .execution_options(populate_existing=True))


# Release of valuables -------------------------------------------------------------------------------

def release_state(item: FoundItem) -> str:
    """For a valuable: "approved", "pending", "refused" or "none" (never asked); ordinary items: "approved"."""
    if not item.valuable or item.release_approved_by_id:
        return "approved"
    approval = latest_for(item)
    if approval is None:
        return "none"
    return approval.status.value


def ask_release(item: FoundItem, reason: str, by: User, at: datetime) -> Approval:
    item.ensure_in_store()
    if release_state(item) == "pending":
        raise LostFoundError(_("%(n)s 的发还申请正在等待主管审批", n=item.number))
    return request_approval(APPROVAL_KIND, item, by=by, at=at, reason=reason,
                            summary=_("贵重失物发还 %(n)s：%(what)s", n=item.number, what=item.description))


def release_decided(approval: Approval) -> None:
    item = db.session.get(FoundItem, approval.subject_id)
    if approval.status is ApprovalStatus.APPROVED:
        item.release_approved_by = approval.decided_by


def claim(item: FoundItem, *, name: str, phone: str, description: str, id_type: IdType, id_number: str,
          signature, by: User, at: datetime) -> None:
    """Hand the (locked) item to its owner, who showed ID and signed."""
    from ..shared.signatures import save_signature

    item.ensure_in_store()
    if item.valuable and not item.release_approved_by_id:
        raise LostFoundError(_("贵重物品须经主管审批后才能发还"))
    item.signature = save_signature(signature, item)
    item.status, item.claimed_at, item.released_by = FoundStatus.CLAIMED, at, by
    item.claimant_name, item.claimant_phone, item.claimant_description = name, phone, description
    item.claimant_id_type, item.claimant_id_masked = id_type, mask_id_number(id_number)
    for report in db.session.scalars(sa.select(LostReport).where(LostReport.found_item_id == item.id,
                                                                 LostReport.status == LostStatus.OPEN)):
        report.status = LostStatus.RETURNED
    db.session.flush()


# Matches ------------------------------------------------------------------------------------------

def matches_for_report(report: LostReport) -> list[FoundItem]:
    return list(db.session.scalars(
        scoped(FoundItem).where(
            FoundItem.status == FoundStatus.IN_STORE, FoundItem.category == report.category,
            FoundItem.found_at >= _start_of(report.lost_on - timedelta(days=1)),
            FoundItem.found_at < _start_of(report.lost_on + timedelta(days=MATCH_DAYS + 1)),
        ).order_by(_place_first(FoundItem.found_place, report.lost_place), FoundItem.found_at)
    ))


def matches_for_item(item: FoundItem) -> list[LostReport]:
    found_day = item.found_at.astimezone(_zone()).date()
    return list(db.session.scalars(
        scoped(LostReport).where(
            LostReport.status == LostStatus.OPEN, LostReport.category == item.category,
            LostReport.lost_on >= found_day - timedelta(days=MATCH_DAYS), LostReport.lost_on <= found_day + timedelta(days=1),
        ).order_by(_place_first(LostReport.lost_place, item.found_place), LostReport.lost_on.desc())
    ))


def _zone():
    from ..shared.localtime import zone
    return zone()


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), _zone())


def _place_first(column, place: str):
    """Those found where it was lost first (the place's first characters appear in the other's)."""
    key = (place or "").strip()[:4]
    if not key:
        return sa.literal(0)
    return sa.case((column.icontains(key, autoescape=True), 0), else_=1)


def link_report(report: LostReport, item: FoundItem) -> None:
    report.found_item = item
    db.session.flush()


def report_lost(prop: Property, *, by: User, at: datetime, **fields) -> LostReport:
    report = LostReport(property_id=prop.id, number=next_number(prop, "GS", at), reported_at=at, reported_by=by,
                        status=LostStatus.OPEN, **fields)
    db.session.add(report)
    db.session.flush()
    return report


# Retention and disposal -----------------------------------------------------------------------------

def past_retention(property_id: int, on: date) -> sa.Select:
    return (sa.select(FoundItem).where(FoundItem.property_id == property_id, FoundItem.status == FoundStatus.IN_STORE,
                                       FoundItem.retain_until < on)
            .order_by(FoundItem.retain_until, FoundItem.id))


def dispose(item: FoundItem, *, how: Disposal, witness: User, note: str, by: User, at: datetime, today: date) -> None:
    item.ensure_in_store()
    if item.retain_until >= today:
        raise LostFoundError(_("%(n)s 保管期至 %(d)s，未到期不能处置", n=item.number, d=item.retain_until.isoformat()))
    if witness.id == by.id:
        raise LostFoundError(_("见证人须是另一名员工"))
    item.status, item.disposal, item.disposal_note = FoundStatus.DISPOSED, how, note
    item.disposed_at, item.disposed_by, item.disposal_witness = at, by, witness
    db.session.flush()


# Items held for owners ------------------------------------------------------------------------------

def hold(prop: Property, *, by: User, at: datetime, **fields) -> HeldItem:
    item = HeldItem(property_id=prop.id, number=next_number(prop, "DB", at), received_at=at, received_by=by,
                    status=HeldStatus.HELD, **fields)
    db.session.add(item)
    db.session.flush()
    return item


def collect(item: HeldItem, *, name: str, id_tail: str, signature, by: User, at: datetime) -> None:
    from ..shared.signatures import save_signature

    item.ensure_held()
    named = _same_person(name, item.for_name)
    if not named and not id_tail:
        raise LostFoundError(_("领取人不是 %(who)s 本人，请核对证件并填写证件号后四位", who=item.for_name))
    item.signature = save_signature(signature, item)
    item.status, item.collected_at, item.handed_over_by = HeldStatus.COLLECTED, at, by
    item.collector_name, item.collector_is_named, item.collector_id_tail = name, named, id_tail
    db.session.flush()


def _same_person(a: str, b: str) -> bool:
    return a.replace(" ", "") == b.replace(" ", "")


# Lists --------------------------------------------------------------------------------------------

FOUND_STATUSES = ("in_store", "safe", "past", "claimed", "disposed", "all")


@dataclass
class FoundFilter(ListFilter):
    status: str = "in_store"
    category: str = ""

    sorts = {"found": (FoundItem.found_at.desc(), FoundItem.id.desc()), "number": (FoundItem.number,),
             "retain": (FoundItem.retain_until, FoundItem.id)}
    searched = (FoundItem.number, FoundItem.description, FoundItem.found_place, FoundItem.brand, FoundItem.colour,
                FoundItem.claimant_name)

    def __post_init__(self):
        if self.status not in FOUND_STATUSES:
            self.status = "in_store"
        if self.category not in {c.value for c in Category}:
            self.category = ""

    def select(self) -> sa.Select:
        return self.apply(scoped(FoundItem).order_by(FoundItem.found_at.desc(), FoundItem.id.desc()))

    def where(self, stmt: sa.Select) -> sa.Select:
        stmt = super().where(stmt)
        if self.status == "safe":
            stmt = stmt.where(FoundItem.status == FoundStatus.IN_STORE, FoundItem.storage == Storage.SAFE)
        elif self.status == "past":
            from ..shared.localtime import today
            stmt = stmt.where(FoundItem.status == FoundStatus.IN_STORE, FoundItem.retain_until < today())
        elif self.status != "all":
            stmt = stmt.where(FoundItem.status == FoundStatus(self.status))
        if self.category:
            stmt = stmt.where(FoundItem.category == Category(self.category))
        return stmt


def summary(property_id: int, on: date) -> dict[str, int]:
    base = sa.select(sa.func.count(FoundItem.id)).where(FoundItem.property_id == property_id,
                                                        FoundItem.status == FoundStatus.IN_STORE)
    return {
        "in_store": db.session.scalar(base),
        "safe": db.session.scalar(base.where(FoundItem.storage == Storage.SAFE)),
        "past": db.session.scalar(base.where(FoundItem.retain_until < on)),
        "held": db.session.scalar(sa.select(sa.func.count(HeldItem.id)).where(
            HeldItem.property_id == property_id, HeldItem.status == HeldStatus.HELD)),
        "lost": db.session.scalar(sa.select(sa.func.count(LostReport.id)).where(
            LostReport.property_id == property_id, LostReport.status == LostStatus.OPEN)),
    }

