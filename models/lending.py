"""Lending (借用, seed 002 大堂前台 §9 借用登记表): umbrellas, ladders, toolkits, trolleys lent from the desk to
a unit's resident or a named person, against a signature and sometimes a deposit, and brought back.

Stock is guarded by the database: a counted item's `out_count` never exceeds its `stock` (a check
constraint; lending raises it by one conditional UPDATE), and a serialised piece is out on at most one
open loan (a partial unique index), so two desks lending the last umbrella at once cannot both succeed."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .attachments import Attachment
from .base import PropertyScoped, Timestamped, UTCDateTime, db
from .enums import LabelledEnum, enum_type
from .org import Unit, mask_phone
from .users import User


class LendableKind(LabelledEnum):
    UMBRELLA = "umbrella", _l("雨伞")
    LADDER = "ladder", _l("梯子")
    TOOLKIT = "toolkit", _l("工具箱")
    TROLLEY = "trolley", _l("手推车")
    DRILL = "drill", _l("电钻")
    CHARGER = "charger", _l("充电宝/充电器")
    OTHER = "other", _l("其他")


class Tracking(LabelledEnum):
    COUNTED = "counted", _l("按数量")
    SERIAL = "serial", _l("按编号逐件")


class LendableItem(PropertyScoped, Timestamped, db.Model):
    __tablename__ = "lendable_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    kind: Mapped[LendableKind] = mapped_column(enum_type(LendableKind))
    tracking: Mapped[Tracking] = mapped_column(enum_type(Tracking), default=Tracking.COUNTED)
    stock: Mapped[int] = mapped_column(default=0)  # counted items: how many the desk owns
    out_count: Mapped[int] = mapped_column(default=0)  # counted items: how many are lent now
    deposit: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), default=Decimal("0"))  # suggested
    active: Mapped[bool] = mapped_column(default=True)

    pieces: Mapped[list[LendablePiece]] = relationship(back_populates="item", order_by="LendablePiece.code")

    __table_args__ = (
        sa.UniqueConstraint("property_id", "name"),
        sa.CheckConstraint("out_count >= 0 AND out_count <= stock", name="out_within_stock"),
    )

    def __str__(self) -> str:
        return self.name


class LendablePiece(PropertyScoped, db.Model):
    """One numbered piece of a serialised item (梯子 T-01)."""

    __tablename__ = "lendable_pieces"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("lendable_items.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    active: Mapped[bool] = mapped_column(default=True)

    item: Mapped[LendableItem] = relationship(back_populates="pieces")

    __table_args__ = (sa.UniqueConstraint("item_id", "code"),)

    def __str__(self) -> str:
        return f"{self.item.name} {self.code}"


class Condition(LabelledEnum):
    GOOD = "good", _l("完好")
    DAMAGED = "damaged", _l("损坏")
    LOST = "lost", _l("丢失")


class DepositOutcome(LabelledEnum):
    NONE = "none", _l("无押金")
    REFUNDED = "refunded", _l("已退还")
    KEPT = "kept", _l("已扣留")


class LoanError(ValueError):
    """A step the lending rules refuse; the message is for the user, in Chinese."""


class Loan(PropertyScoped, Timestamped, db.Model):
    __tablename__ = "loans"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("lendable_items.id"), index=True)
    piece_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lendable_pieces.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    borrower_name: Mapped[str] = mapped_column(sa.String(50), default="")
    borrower_phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    lent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lent_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    deposit: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), default=Decimal("0"))
    deposit_receipt: Mapped[str] = mapped_column(sa.String(30), default="")
    # Set in the same transaction as the loan (the attachment needs the loan's id): never NULL once committed.
    signature_attachment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachments.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # the clerk who took it back
    condition: Mapped[Condition | None] = mapped_column(enum_type(Condition))
    return_note: Mapped[str] = mapped_column(sa.String(300), default="")
    deposit_outcome: Mapped[DepositOutcome | None] = mapped_column(enum_type(DepositOutcome))
    deposit_kept_reason: Mapped[str] = mapped_column(sa.String(200), default="")

    item: Mapped[LendableItem] = relationship()
    piece: Mapped[LendablePiece | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    lent_by: Mapped[User] = relationship(foreign_keys=[lent_by_id])
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id])
    signature: Mapped[Attachment | None] = relationship()

    __table_args__ = (
        sa.Index("uq_loans_open_piece", "piece_id", unique=True,
                 postgresql_where=sa.text("returned_at IS NULL AND piece_id IS NOT NULL"),
                 sqlite_where=sa.text("returned_at IS NULL AND piece_id IS NOT NULL")),
        sa.Index("ix_loans_property_open", "property_id", "returned_at", "due_at"),
        sa.CheckConstraint("deposit >= 0", name="deposit_not_negative"),
        sa.CheckConstraint("unit_id IS NOT NULL OR borrower_name <> ''", name="borrower_known"),
        sa.CheckConstraint("(returned_at IS NULL) = (condition IS NULL)", name="returned_with_condition"),
        sa.CheckConstraint("deposit_outcome <> 'kept' OR deposit_kept_reason <> ''", name="kept_has_reason"),
    )

    @property
    def open(self) -> bool:
        return self.returned_at is None

    @property
    def borrower(self) -> str:
        return " ".join(filter(None, [self.unit.archive_no if self.unit else "", self.borrower_name]))

    @property
    def borrower_phone_masked(self) -> str:
        return mask_phone(self.borrower_phone)

    @property
    def what(self) -> str:
        return f"{self.item.name} {self.piece.code}" if self.piece else self.item.name

    def __str__(self) -> str:
        return self.number
