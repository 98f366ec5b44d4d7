"""The organisation: properties (项目), their buildings, units, residents, departments and calendars."""
from __future__ import annotations

import re
import secrets
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from pypinyin import Style, lazy_pinyin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import PropertyScoped, Timestamped, db
from .enums import LabelledEnum, enum_type


class Property(Timestamped, db.Model):
    __tablename__ = "properties"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    timezone: Mapped[str] = mapped_column(sa.String(40), default="Asia/Shanghai")
    work_starts_at: Mapped[time] = mapped_column(sa.Time, default=time(8, 30))
    work_ends_at: Mapped[time] = mapped_column(sa.Time, default=time(17, 30))
    # A new random value whenever the property's calendar days change: each process keeps the days it
    # read under this key (models/calendar.py), so every host sees a change with the property it loads.
    # Not audited: the days' own entries say what changed.
    calendar_token: Mapped[str] = mapped_column(sa.String(32), default=lambda: secrets.token_hex(16),
                                                server_default="", info={"unaudited": True})
    active: Mapped[bool] = mapped_column(default=True)

    buildings: Mapped[list[Building]] = relationship(
        back_populates="property", order_by="Building.code", cascade="all, delete-orphan"
    )
    departments: Mapped[list[Department]] = relationship(
        back_populates="property", order_by="Department.id", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.CheckConstraint("work_starts_at < work_ends_at", name="work_hours_order"),)

    def __str__(self) -> str:
        return self.name

    # The property's own clock: dates on forms, numbers and rounds are local to the property, in a
    # request or in a cron job alike.
    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_day(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def day_range(self, first: date, last: date | None = None) -> tuple[datetime, datetime]:
        """From the start of `first` to the end of `last` (default: `first`), as aware datetimes."""
        start = datetime.combine(first, time(), self.zone)
        return start, datetime.combine((last or first) + timedelta(days=1), time(), self.zone)


class Building(PropertyScoped, Timestamped, db.Model):
    __tablename__ = "buildings"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(50))
    floors: Mapped[int | None]

    property: Mapped[Property] = relationship(back_populates="buildings")
    units: Mapped[list[Unit]] = relationship(back_populates="building", order_by="Unit.room")

    __table_args__ = (sa.UniqueConstraint("property_id", "code"),)

    def __str__(self) -> str:
        return self.name


class Unit(PropertyScoped, Timestamped, db.Model):
    """A room or shop; its archive number is property code + building + room (seed 003 §4.3.3)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("buildings.id"), index=True)
    room: Mapped[str] = mapped_column(sa.String(20))
    floor: Mapped[int | None]
    area: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))
    archive_no: Mapped[str] = mapped_column(sa.String(40))
    in_arrears: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    building: Mapped[Building] = relationship(back_populates="units")
    residents: Mapped[list[Resident]] = relationship(
        back_populates="unit", order_by="(Resident.relation, Resident.id)"
    )

    __table_args__ = (
        sa.UniqueConstraint("building_id", "room"),
        sa.UniqueConstraint("property_id", "archive_no"),
    )

    @staticmethod
    def make_archive_no(property_code: str, building_code: str, room: str) -> str:
        return f"{property_code}-{building_code}-{room}"

    def __str__(self) -> str:
        return self.archive_no


class ResidentRelation(LabelledEnum):
    OWNER = "owner", _l("业主")
    TENANT = "tenant", _l("租户")
    FAMILY = "family", _l("家庭成员")


class IdType(LabelledEnum):
    """An identity document shown at the desk (a visitor, a claimant, a contractor taking a key)."""

    RESIDENT_ID = "resident_id", _l("居民身份证")
    PASSPORT = "passport", _l("护照")
    OTHER = "other", _l("其他证件")
    NONE = "none", _l("未出示")


def mask_phone(phone: str | None) -> str:
    """138****5678: enough to recognise a number, not enough to call it."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_id_number(number: str | None) -> str:
    if not number:
        return ""
    if len(number) < 8:
        return "*" * len(number)
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


# Two to six latin letters typed in a search box may be a name's pinyin initials (杨华丽: yhl).
PINYIN_INITIALS = re.compile(r"[A-Za-z]{2,6}")


def name_initials(name: str) -> str:
    """Pinyin initials for search: 张三 → zs."""
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower()


class Resident(PropertyScoped, Timestamped, db.Model):
    """A person of a unit's household: owner, tenant or family member."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    name_initials: Mapped[str] = mapped_column(sa.String(50), index=True, default="")
    relation: Mapped[ResidentRelation] = mapped_column(enum_type(ResidentRelation))
    phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    phone_last4: Mapped[str] = mapped_column(sa.String(4), index=True, default="")
    id_number: Mapped[str] = mapped_column(sa.String(30), default="", info={"sensitive": True})
    moved_in_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")

    unit: Mapped[Unit] = relationship(back_populates="residents")

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    def __str__(self) -> str:
        return self.name


@sa.event.listens_for(Resident, "before_insert")
@sa.event.listens_for(Resident, "before_update")
def _derive_search_keys(mapper, connection, resident: Resident) -> None:
    resident.name_initials = name_initials(resident.name)
    resident.phone_last4 = (resident.phone or "")[-4:]


class DepartmentKind(LabelledEnum):
    CUSTOMER_SERVICE = "customer_service", _l("客服部")
    ENGINEERING = "engineering", _l("工程部")
    SECURITY = "security", _l("安管部")
    ENVIRONMENT = "environment", _l("环境部")
    MANAGEMENT = "management", _l("项目负责人")


class Department(PropertyScoped, Timestamped, db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DepartmentKind] = mapped_column(enum_type(DepartmentKind))
    name: Mapped[str] = mapped_column(sa.String(50))
    lead_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    property: Mapped[Property] = relationship(back_populates="departments")
    lead: Mapped["User | None"] = relationship()  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("property_id", "name"),)

    def __str__(self) -> str:
        return self.name


class CalendarDay(PropertyScoped, db.Model):
    """An exception to the Monday–Friday week: a public holiday, or a 调休 make-up workday."""

    __tablename__ = "calendar_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    is_workday: Mapped[bool]
    name: Mapped[str] = mapped_column(sa.String(50), default="")

    __table_args__ = (sa.UniqueConstraint("property_id", "day"),)
