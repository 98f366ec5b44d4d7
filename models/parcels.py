"""Parcels and mail (签收与发放, seed 002 大堂前台 §8): what couriers leave at the lobby for a unit,
kept on a shelf until someone collects it and signs for it, or it goes back to the carrier."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .attachments import Attachment
from .base import PropertyScoped, Timestamped, UTCDateTime, db
from .enums import LabelledEnum, enum_type
from .org import Unit
from .users import User


class Carrier(LabelledEnum):
    SF = "sf", _l("顺丰")
    ZTO = "zto", _l("中通")
    YTO = "yto", _l("圆通")
    YUNDA = "yunda", _l("韵达")
    STO = "sto", _l("申通")
    JT = "jt", _l("极兔")
    JD = "jd", _l("京东")
    EMS = "ems", _l("EMS")
    POST = "post", _l("邮政")
    OTHER = "other", _l("其他")


class ParcelKind(LabelledEnum):
    PARCEL = "parcel", _l("包裹")
    LETTER = "letter", _l("信件")
    NEWSPAPER = "newspaper", _l("报刊")


class ParcelStatus(LabelledEnum):
    WAITING = "waiting", _l("待领取")
    PICKED_UP = "picked_up", _l("已领取")
    RETURNED = "returned", _l("已退回")


class ParcelError(ValueError):
    """A step the parcel's rules refuse; the message is for the user, in Chinese."""


class Parcel(PropertyScoped, Timestamped, db.Model):
    __tablename__ = "parcels"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    recipient_name: Mapped[str] = mapped_column(sa.String(50), default="")
    carrier: Mapped[Carrier] = mapped_column(enum_type(Carrier))
    tracking_no: Mapped[str] = mapped_column(sa.String(40), default="")
    kind: Mapped[ParcelKind] = mapped_column(enum_type(ParcelKind), default=ParcelKind.PARCEL)
    count: Mapped[int] = mapped_column(default=1)
    shelf: Mapped[str] = mapped_column(sa.String(20), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the lobby took it (device time)
    received_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[ParcelStatus] = mapped_column(enum_type(ParcelStatus), default=ParcelStatus.WAITING)
    # Pick-up: who collected it, signed on the desk's screen.
    picked_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    collector_name: Mapped[str] = mapped_column(sa.String(50), default="")
    collector_id_hint: Mapped[str] = mapped_column(sa.String(4), default="", info={"sensitive": True})
    signature_attachment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachments.id"))
    # Returned to the carrier (refused, wrong address, never collected).
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    handed_over_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship()
    received_by: Mapped[User] = relationship(foreign_keys=[received_by_id])
    handed_over_by: Mapped[User | None] = relationship(foreign_keys=[handed_over_by_id])
    signature: Mapped[Attachment | None] = relationship()

    __table_args__ = (
        # One intake per carrier's tracking number, on both databases; letters and papers have none.
        sa.Index(
            "uq_parcels_tracking_no", "property_id", "carrier", "tracking_no", unique=True,
            postgresql_where=sa.text("tracking_no <> ''"), sqlite_where=sa.text("tracking_no <> ''"),
        ),
        sa.Index("ix_parcels_property_status", "property_id", "status", "received_at"),
        sa.Index("ix_parcels_property_received", "property_id", "received_at"),  # the 全部 tab, newest first
        # The search box (LIKE '%…%' on these columns) on PostgreSQL: a pg_trgm GIN index (migration 0023);
        # an empty partial one on SQLite, which has no trigram index, so that models and migrations agree.
        sa.Index(
            "ix_parcels_search_trgm", "number", "tracking_no", "recipient_name",
            postgresql_using="gin",
            postgresql_ops={"number": "gin_trgm_ops", "tracking_no": "gin_trgm_ops", "recipient_name": "gin_trgm_ops"},
            sqlite_where=sa.false(),
        ),
        sa.CheckConstraint("count >= 1", name="count_positive"),
        sa.CheckConstraint("(status = 'picked_up') = (picked_up_at IS NOT NULL)", name="picked_up_when_picked_up"),
        sa.CheckConstraint("status <> 'picked_up' OR signature_attachment_id IS NOT NULL", name="picked_up_signed"),
        sa.CheckConstraint("(status = 'returned') = (returned_at IS NOT NULL)", name="returned_when_returned"),
    )

    def hand_out(self, collector_name: str, id_hint: str, signature: Attachment, by: User, at: datetime) -> None:
        self.ensure_waiting()
        self.status = ParcelStatus.PICKED_UP
        self.collector_name, self.collector_id_hint = collector_name, id_hint
        self.signature, self.handed_over_by, self.picked_up_at = signature, by, at

    def send_back(self, reason: str, by: User, at: datetime) -> None:
        self.ensure_waiting()
        self.status = ParcelStatus.RETURNED
        self.return_reason, self.handed_over_by, self.returned_at = reason, by, at

    def ensure_waiting(self) -> None:
        if self.status is ParcelStatus.PICKED_UP:
            raise ParcelError(_("%(n)s 已由 %(who)s 领取，不能重复发放", n=self.number, who=self.collector_name))
        if self.status is ParcelStatus.RETURNED:
            raise ParcelError(_("%(n)s 已退回快递公司", n=self.number))

    def __str__(self) -> str:
        return self.number
