"""Visitors (来访登记): who came, to see whom, when they left; owners' expected guests; the block list."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import PropertyScoped, Timestamped, UTCDateTime, db
from .clock import now
from .enums import LabelledEnum, enum_type
from .org import IdType, Unit, mask_id_number, mask_phone, name_initials
from .users import User


class Purpose(LabelledEnum):
    VISIT = "visit", _l("拜访")
    DELIVERY = "delivery", _l("送货/快递")
    REPAIR = "repair", _l("维修")
    DECORATION = "decoration", _l("装修")
    AGENT = "agent", _l("中介看房")
    BUSINESS = "business", _l("商务洽谈")
    OTHER = "other", _l("其他")


class Visitor(PropertyScoped, Timestamped, db.Model):
    __tablename__ = "visitors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    name_initials: Mapped[str] = mapped_column(sa.String(50), default="")  # pinyin: 张飞 → zf
    id_type: Mapped[IdType] = mapped_column(enum_type(IdType), default=IdType.RESIDENT_ID)
    # Kept whole for the retention period (police enquiries), shown masked, then wiped by the purge.
    id_number: Mapped[str] = mapped_column(sa.String(40), default="", info={"sensitive": True})
    phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    company: Mapped[str] = mapped_column(sa.String(100), default="")  # the company visited, in office towers
    host_name: Mapped[str] = mapped_column(sa.String(50), default="")
    purpose: Mapped[Purpose] = mapped_column(enum_type(Purpose), default=Purpose.VISIT)
    party_size: Mapped[int] = mapped_column(default=1)
    plate: Mapped[str] = mapped_column(sa.String(20), default="", index=True)
    pass_no: Mapped[str] = mapped_column(sa.String(20), default="")
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    signed_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    signed_in_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    signed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_out_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    expected_guest_id: Mapped[int | None] = mapped_column(sa.ForeignKey("expected_guests.id"))
    # Block-list hits found at registration: shown as a prominent warning wherever the visit shows.
    alert: Mapped[str] = mapped_column(sa.String(300), default="")
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit | None] = relationship()
    signed_in_by: Mapped[User] = relationship(foreign_keys=[signed_in_by_id])
    signed_out_by: Mapped[User | None] = relationship(foreign_keys=[signed_out_by_id])
    expected_guest: Mapped[ExpectedGuest | None] = relationship()

    __table_args__ = (
        sa.Index("ix_visitors_inside", "property_id", "signed_out_at"),
        sa.Index("ix_visitors_property_signed_in", "property_id", "signed_in_at"),
    )

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def visiting(self) -> str:
        return " ".join(p for p in (self.unit.archive_no if self.unit else "", self.company, self.host_name) if p)


class ExpectedGuest(PropertyScoped, Timestamped, db.Model):
    """A guest an owner announced (by phone or at the desk), expected between two dates."""

    __tablename__ = "expected_guests"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    guest_name: Mapped[str] = mapped_column(sa.String(50))
    phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    plate: Mapped[str] = mapped_column(sa.String(20), default="")
    valid_from: Mapped[date]
    valid_to: Mapped[date]
    announced_by: Mapped[str] = mapped_column(sa.String(50), default="")  # the owner who called
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    registered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship()

    __table_args__ = (sa.CheckConstraint("valid_from <= valid_to", name="dates_in_order"),)


class BlockEntry(PropertyScoped, Timestamped, db.Model):
    """A person or vehicle not to be let in: matched exactly on name + ID number, or on the plate."""

    __tablename__ = "block_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), default="")
    id_number: Mapped[str] = mapped_column(sa.String(40), default="", info={"sensitive": True})
    plate: Mapped[str] = mapped_column(sa.String(20), default="")
    reason: Mapped[str] = mapped_column(sa.String(300))
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        sa.CheckConstraint("(name <> '' AND id_number <> '') OR plate <> ''", name="something_to_match"),
    )

    def __str__(self) -> str:
        return self.plate or self.name


@sa.event.listens_for(Visitor, "before_insert")
@sa.event.listens_for(Visitor, "before_update")
def _visitor_search_keys(mapper, connection, visit: Visitor) -> None:
    visit.name_initials = name_initials(visit.name or "")
