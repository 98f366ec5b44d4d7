"""Key custody (钥匙管理, seed 001 钥匙治理 and 顾客财产治理, seed 002 业主钥匙管理): the key register kept in
the desk's cabinets, loans against a signature, requests a supervisor approves first, the owners'
written authorisations for the keys they entrust to the centre, and stock-takes of the cabinet.

The database holds the rule that must never bend: one open loan per key (a partial unique index).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .attachments import Attachment
from .base import PropertyScoped, Timestamped, UTCDateTime, db
from .enums import LabelledEnum, enum_type
from .org import Building, IdType, Unit, mask_id_number, mask_phone
from .users import User


class KeyClass(LabelledEnum):
    PUBLIC = "public", _l("公共区域")
    PLANT = "plant", _l("设备机房")
    FIRE = "fire", _l("消防应急")
    ENTRUSTED = "entrusted", _l("业主委托")
    VEHICLE = "vehicle", _l("车辆")
    OTHER = "other", _l("其他")


class KeyStatus(LabelledEnum):
    ACTIVE = "active", _l("在用")
    LOST = "lost", _l("遗失")
    RETIRED = "retired", _l("停用")


class BorrowerKind(LabelledEnum):
    STAFF = "staff", _l("本公司员工")
    CONTRACTOR = "contractor", _l("外来施工/维保人员")
    AUTHORISED = "authorised", _l("业主授权人")


class RequestStatus(LabelledEnum):
    PENDING = "pending", _l("待审批")
    APPROVED = "approved", _l("已批准，待领用")
    REFUSED = "refused", _l("已驳回")
    ISSUED = "issued", _l("已领用")
    CANCELLED = "cancelled", _l("已撤销")


class KeyRefused(ValueError):
    """A step the key's rules refuse; the message is for the user, in Chinese."""


class Key(PropertyScoped, Timestamped, db.Model):
    """A key or a set of keys on one hook, with its tag (the number on the tag and in its QR code)."""

    __tablename__ = "keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(sa.String(20))
    key_class: Mapped[KeyClass] = mapped_column(enum_type(KeyClass))
    opens: Mapped[str] = mapped_column(sa.String(100))  # what it opens: "B2 水泵房", "3 号楼天台门"
    building_id: Mapped[int | None] = mapped_column(sa.ForeignKey("buildings.id"))
    floor: Mapped[str] = mapped_column(sa.String(20), default="")
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)  # an entrusted unit key
    cabinet: Mapped[str] = mapped_column(sa.String(20), default="")
    hook: Mapped[str] = mapped_column(sa.String(20), default="")
    copies: Mapped[int] = mapped_column(default=1)
    status: Mapped[KeyStatus] = mapped_column(enum_type(KeyStatus), default=KeyStatus.ACTIVE)
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    building: Mapped[Building | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("property_id", "tag", name="uq_keys_property_tag"),
        sa.CheckConstraint("copies >= 1", name="copies_positive"),
        sa.CheckConstraint("key_class <> 'entrusted' OR unit_id IS NOT NULL", name="entrusted_has_unit"),
    )

    @property
    def place(self) -> str:
        """Where its lock is, as the lists say it."""
        if self.unit:
            return self.unit.archive_no
        return " ".join(filter(None, [self.building.name if self.building else "", self.floor and _("%(f)s 层", f=self.floor)]))

    @property
    def position(self) -> str:
        """Where it hangs: cabinet and hook."""
        return "-".join(filter(None, [self.cabinet, self.hook]))

    def __str__(self) -> str:
        return f"{self.tag} {self.opens}"


class KeyAuthorisation(PropertyScoped, Timestamped, db.Model):
    """An owner's written authorisation (业主委托书) for an entrusted key: to whom it may be given, for
    what, until when; signed in person at the desk or photographed from the signed letter."""

    __tablename__ = "key_authorisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[int] = mapped_column(sa.ForeignKey("keys.id"), index=True)
    owner_name: Mapped[str] = mapped_column(sa.String(50))
    persons: Mapped[str] = mapped_column(sa.String(300))  # the names, one per line or separated by 、,
    purpose: Mapped[str] = mapped_column(sa.String(200))
    valid_until: Mapped[date]
    signature_attachment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachments.id"))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    key: Mapped[Key] = relationship()
    signature: Mapped[Attachment | None] = relationship()
    recorded_by: Mapped[User] = relationship()

    @property
    def names(self) -> list[str]:
        return [n for n in (p.strip() for p in self.persons.replace("，", ",").replace("、", ",").replace("\n", ",").split(","))
                if n]

    def allows(self, name: str, day: date) -> bool:
        return self.revoked_at is None and day <= self.valid_until and name.strip() in self.names


class Borrower:
    """Who takes a key, as a request and a loan both record it."""

    borrower_kind: Mapped[BorrowerKind] = mapped_column(enum_type(BorrowerKind))
    borrower_name: Mapped[str] = mapped_column(sa.String(50))
    company: Mapped[str] = mapped_column(sa.String(100), default="")
    id_type: Mapped[IdType] = mapped_column(enum_type(IdType), default=IdType.RESIDENT_ID)
    id_number: Mapped[str] = mapped_column(sa.String(40), default="", info={"sensitive": True})
    phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    purpose: Mapped[str] = mapped_column(sa.String(200))
    expected_return_at: Mapped[datetime] = mapped_column(UTCDateTime)
    shift_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a staff borrower's end of shift

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def due_at(self) -> datetime:
        """Back by this time: the expected return, or the borrower's end of shift when that comes first."""
        return min(filter(None, [self.expected_return_at, self.shift_ends_at]))

    @property
    def borrower(self) -> str:
        return " ".join(filter(None, [self.company, self.borrower_name]))


class KeyRequest(Borrower, PropertyScoped, Timestamped, db.Model):
    """A loan of a key whose class needs a supervisor's approval, asked for before it is handed out."""

    __tablename__ = "key_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[int] = mapped_column(sa.ForeignKey("keys.id"), index=True)
    status: Mapped[RequestStatus] = mapped_column(enum_type(RequestStatus), default=RequestStatus.PENDING)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)

    key: Mapped[Key] = relationship()
    requested_by: Mapped[User] = relationship()

    @property
    def open(self) -> bool:
        return self.status in (RequestStatus.PENDING, RequestStatus.APPROVED)


class KeyLoan(Borrower, PropertyScoped, Timestamped, db.Model):
    """A key out of the cabinet (领借用登记): handed out against the borrower's signature, back against
    a signature again."""

    __tablename__ = "key_loans"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    key_id: Mapped[int] = mapped_column(sa.ForeignKey("keys.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("key_requests.id"))
    authorisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("key_authorisations.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    signature_attachment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachments.id"))  # set once saved
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_by_name: Mapped[str] = mapped_column(sa.String(50), default="")
    received_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    return_signature_attachment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachments.id"))
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    key: Mapped[Key] = relationship()
    request: Mapped[KeyRequest | None] = relationship()
    authorisation: Mapped[KeyAuthorisation | None] = relationship()
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
    signature: Mapped[Attachment | None] = relationship(foreign_keys=[signature_attachment_id])
    return_signature: Mapped[Attachment | None] = relationship(foreign_keys=[return_signature_attachment_id])

    __table_args__ = (
        # One open loan per key, on both databases: of two desks issuing it at once, one succeeds.
        sa.Index("uq_key_loans_one_open", "key_id", unique=True,
                 postgresql_where=sa.text("returned_at IS NULL"), sqlite_where=sa.text("returned_at IS NULL")),
        sa.Index("ix_key_loans_property_issued", "property_id", "issued_at"),
        sa.CheckConstraint("returned_at IS NULL OR return_signature_attachment_id IS NOT NULL", name="returned_signed"),
    )

    @property
    def out(self) -> bool:
        return self.returned_at is None

    def overdue(self, now: datetime, grace: timedelta = timedelta(0)) -> bool:
        return self.out and now > self.due_at + grace

    def __str__(self) -> str:
        return self.number


class KeyCount(PropertyScoped, Timestamped, db.Model):
    """A stock-take (盘点) of the cabinet: what was found on the hooks, against the register and the loans."""

    __tablename__ = "key_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    started_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Frozen when finished: [{"tag", "opens", "position", "finding", "note"}], finding one of counts.FINDINGS.
    result: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)

    started_by: Mapped[User] = relationship()
    items: Mapped[list[KeyCountItem]] = relationship(back_populates="count", cascade="all, delete-orphan",
                                                     order_by="KeyCountItem.id")


class KeyCountItem(db.Model):
    """A tag seen during a stock-take, and on which hook it was found."""

    __tablename__ = "key_count_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    count_id: Mapped[int] = mapped_column(sa.ForeignKey("key_counts.id"), index=True)
    tag: Mapped[str] = mapped_column(sa.String(20))
    hook: Mapped[str] = mapped_column(sa.String(20), default="")  # where it was found, when not its own
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)

    count: Mapped[KeyCount] = relationship(back_populates="items")

    __table_args__ = (sa.UniqueConstraint("count_id", "tag", name="uq_key_count_items_tag"),)
