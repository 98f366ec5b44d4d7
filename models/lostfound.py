"""Lost property (失物招领, seed 002 大堂前台 §5–6: 《客户失物登记表》, 《物品发还清单》) and items held for
owners (代为保管, seed 001 顾客财产治理): what is found in the estate, kept on a shelf or in the safe until its
owner claims it or its retention ends and it is disposed of; what owners report lost; and what someone
leaves at the desk for someone else. Nothing is ever deleted: a record only changes status."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .attachments import Attachment
from .base import PropertyScoped, Timestamped, UTCDateTime, db
from .enums import LabelledEnum, enum_type
from .org import IdType, Unit, mask_phone
from .users import User


class Category(LabelledEnum):
    PHONE = "phone", _l("手机/电子产品")
    CASH = "cash", _l("现金")
    CARDS = "cards", _l("银行卡/会员卡")
    ID_DOC = "id_doc", _l("证件")
    JEWELLERY = "jewellery", _l("首饰/手表")
    WALLET = "wallet", _l("钱包/包")
    KEYS = "keys", _l("钥匙")
    CLOTHING = "clothing", _l("衣物")
    DOCUMENTS = "documents", _l("文件资料")
    PERISHABLE = "perishable", _l("食品/易腐物品")
    OTHER = "other", _l("其他")


# Kept in the safe, counted before a witness, released only with a supervisor's approval.
VALUABLE_CATEGORIES = frozenset({Category.PHONE, Category.CASH, Category.CARDS, Category.ID_DOC, Category.JEWELLERY})
# Retention in days when the property has set none (admin-editable per category, table lostfound_retention).
DEFAULT_RETENTION_DAYS = {c: 90 for c in Category} | {c: 365 for c in VALUABLE_CATEGORIES} | {Category.PERISHABLE: 1}
DENOMINATIONS = ("100", "50", "20", "10", "5", "1", "0.5", "0.1")


class FinderKind(LabelledEnum):
    STAFF = "staff", _l("员工")
    PERSON = "person", _l("业户/访客")


class Storage(LabelledEnum):
    SHELF = "shelf", _l("失物架")
    SAFE = "safe", _l("保险柜")


class FoundStatus(LabelledEnum):
    IN_STORE = "in_store", _l("待认领")
    CLAIMED = "claimed", _l("已发还")
    DISPOSED = "disposed", _l("已处置")


class Disposal(LabelledEnum):
    POLICE = "police", _l("移交派出所")
    DONATE = "donate", _l("捐赠")
    DESTROY = "destroy", _l("销毁")


class LostFoundError(ValueError):
    """A step the rules refuse; the message is for the user, in Chinese."""


class FoundItem(PropertyScoped, Timestamped, db.Model):
    __tablename__ = "found_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    category: Mapped[Category] = mapped_column(enum_type(Category))
    description: Mapped[str] = mapped_column(sa.String(300))
    colour: Mapped[str] = mapped_column(sa.String(30), default="")
    brand: Mapped[str] = mapped_column(sa.String(50), default="")
    found_place: Mapped[str] = mapped_column(sa.String(100))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finder_kind: Mapped[FinderKind] = mapped_column(enum_type(FinderKind), default=FinderKind.STAFF)
    finder_name: Mapped[str] = mapped_column(sa.String(50), default="")
    finder_phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    storage: Mapped[Storage] = mapped_column(enum_type(Storage), default=Storage.SHELF)
    storage_place: Mapped[str] = mapped_column(sa.String(30), default="")
    valuable: Mapped[bool] = mapped_column(default=False)
    witness_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # counted it with the desk
    cash: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)  # denomination → notes/coins
    cash_total: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), default=Decimal("0"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)  # device time
    registered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    retain_until: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[FoundStatus] = mapped_column(enum_type(FoundStatus), default=FoundStatus.IN_STORE)
    # A valuable is released only once a supervisor approved it (approval kind lostfound.release).
    release_approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The claim (物品发还): who took it, the ID shown (stored masked), their signature.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimant_name: Mapped[str] = mapped_column(sa.String(50), default="")
    claimant_phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    claimant_id_type: Mapped[IdType | None] = mapped_column(enum_type(IdType))
    claimant_id_masked: Mapped[str] = mapped_column(sa.String(40), default="")
    claimant_description: Mapped[str] = mapped_column(sa.String(300), default="")
    signature_attachment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachments.id"))
    released_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Disposal once retention ended: how, by whom, before which witness.
    disposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disposal: Mapped[Disposal | None] = mapped_column(enum_type(Disposal))
    disposal_note: Mapped[str] = mapped_column(sa.String(300), default="")
    disposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    disposal_witness_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    registered_by: Mapped[User] = relationship(foreign_keys=[registered_by_id])
    witness: Mapped[User | None] = relationship(foreign_keys=[witness_id])
    release_approved_by: Mapped[User | None] = relationship(foreign_keys=[release_approved_by_id])
    released_by: Mapped[User | None] = relationship(foreign_keys=[released_by_id])
    disposed_by: Mapped[User | None] = relationship(foreign_keys=[disposed_by_id])
    disposal_witness: Mapped[User | None] = relationship(foreign_keys=[disposal_witness_id])
    signature: Mapped[Attachment | None] = relationship()

    __table_args__ = (
        sa.Index("ix_found_items_property_status", "property_id", "status", "found_at"),
        sa.CheckConstraint("NOT valuable OR witness_id IS NOT NULL", name="valuable_witnessed"),
        sa.CheckConstraint("witness_id IS NULL OR witness_id <> registered_by_id", name="witness_is_another"),
        sa.CheckConstraint("(status = 'claimed') = (claimed_at IS NOT NULL)", name="claimed_when_claimed"),
        sa.CheckConstraint("status <> 'claimed' OR signature_attachment_id IS NOT NULL", name="claim_signed"),
        sa.CheckConstraint("status <> 'claimed' OR NOT valuable OR release_approved_by_id IS NOT NULL",
                           name="valuable_release_approved"),
        sa.CheckConstraint("(status = 'disposed') = (disposed_at IS NOT NULL)", name="disposed_when_disposed"),
        sa.CheckConstraint("status <> 'disposed' OR disposal_witness_id IS NOT NULL", name="disposal_witnessed"),
    )

    @property
    def finder_phone_masked(self) -> str:
        return mask_phone(self.finder_phone)

    def ensure_in_store(self) -> None:
        if self.status is FoundStatus.CLAIMED:
            raise LostFoundError(_("%(n)s 已发还给 %(who)s，不能重复发还", n=self.number, who=self.claimant_name))
        if self.status is FoundStatus.DISPOSED:
            raise LostFoundError(_("%(n)s 已处置（%(how)s）", n=self.number, how=self.disposal.label))

    def __str__(self) -> str:
        return self.number


class Retention(PropertyScoped, db.Model):
    """How long a property keeps found items of a category before they may be disposed of."""

    __tablename__ = "lostfound_retention"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[Category] = mapped_column(enum_type(Category))
    days: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint("property_id", "category"),
        sa.CheckConstraint("days >= 1", name="days_positive"),
    )


class LostStatus(LabelledEnum):
    OPEN = "open", _l("寻找中")
    RETURNED = "returned", _l("已找回")
    CLOSED = "closed", _l("已关闭")


class LostReport(PropertyScoped, Timestamped, db.Model):
    """An owner's report of something lost (挂失): matched against found items on both sides."""

    __tablename__ = "lost_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    category: Mapped[Category] = mapped_column(enum_type(Category))
    description: Mapped[str] = mapped_column(sa.String(300))
    lost_place: Mapped[str] = mapped_column(sa.String(100), default="")
    lost_on: Mapped[date] = mapped_column(sa.Date)
    owner_name: Mapped[str] = mapped_column(sa.String(50))
    owner_phone: Mapped[str] = mapped_column(sa.String(20), info={"sensitive": True})
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reported_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[LostStatus] = mapped_column(enum_type(LostStatus), default=LostStatus.OPEN)
    found_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("found_items.id"))

    unit: Mapped[Unit | None] = relationship()
    reported_by: Mapped[User] = relationship()
    found_item: Mapped[FoundItem | None] = relationship()

    @property
    def owner_phone_masked(self) -> str:
        return mask_phone(self.owner_phone)

    def __str__(self) -> str:
        return self.number


class LeftBy(LabelledEnum):
    OWNER = "owner", _l("业主/住户")
    COURIER = "courier", _l("快递/外卖员")
    STAFF = "staff", _l("员工")
    OTHER = "other", _l("其他人")


class HeldStatus(LabelledEnum):
    HELD = "held", _l("保管中")
    COLLECTED = "collected", _l("已领取")


class HeldItem(PropertyScoped, Timestamped, db.Model):
    """代为保管: something left at the desk for a named person; on every handover until collected."""

    __tablename__ = "held_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    description: Mapped[str] = mapped_column(sa.String(300))
    for_name: Mapped[str] = mapped_column(sa.String(50))  # who may collect it
    for_phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    left_by_kind: Mapped[LeftBy] = mapped_column(enum_type(LeftBy))
    left_by_name: Mapped[str] = mapped_column(sa.String(50), default="")
    storage_place: Mapped[str] = mapped_column(sa.String(30))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[HeldStatus] = mapped_column(enum_type(HeldStatus), default=HeldStatus.HELD)
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    collector_name: Mapped[str] = mapped_column(sa.String(50), default="")
    collector_is_named: Mapped[bool] = mapped_column(default=True)
    collector_id_tail: Mapped[str] = mapped_column(sa.String(4), default="", info={"sensitive": True})
    signature_attachment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachments.id"))
    handed_over_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    unit: Mapped[Unit | None] = relationship()
    received_by: Mapped[User] = relationship(foreign_keys=[received_by_id])
    handed_over_by: Mapped[User | None] = relationship(foreign_keys=[handed_over_by_id])
    signature: Mapped[Attachment | None] = relationship()

    __table_args__ = (
        sa.Index("ix_held_items_property_status", "property_id", "status", "received_at"),
        sa.CheckConstraint("(status = 'collected') = (collected_at IS NOT NULL)", name="collected_when_collected"),
        sa.CheckConstraint("status <> 'collected' OR signature_attachment_id IS NOT NULL", name="collected_signed"),
        sa.CheckConstraint("status <> 'collected' OR collector_is_named OR collector_id_tail <> ''",
                           name="proxy_shows_id"),
    )

    def ensure_held(self) -> None:
        if self.status is HeldStatus.COLLECTED:
            raise LostFoundError(_("%(n)s 已由 %(who)s 领取", n=self.number, who=self.collector_name))

    def __str__(self) -> str:
        return self.number
