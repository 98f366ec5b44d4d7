"""Messages to residents (outbound: "your parcel is at the desk"), one record per message whatever the
channel: by default the lobby reads it off its 待通知 list and tells the resident by phone or WeChat;
with an SMS provider configured (blueprints/shared/messaging.py) the provider sends it.

Staff's own in-app notices are another thing: models/notifications.py.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import PropertyScoped, UTCDateTime, db
from .clock import now
from .enums import LabelledEnum, enum_type
from .org import Resident, Unit
from .users import User


class MessageReason(LabelledEnum):
    PARCEL_WAITING = "parcel_waiting", _l("到件通知")
    PARCEL_REMINDER = "parcel_reminder", _l("催领提醒")


class MessageStatus(LabelledEnum):
    PENDING = "pending", _l("待通知")
    NOTIFIED = "notified", _l("已通知")  # told by the desk (phone call, WeChat)
    SENT = "sent", _l("已发送")  # sent by the configured provider
    FAILED = "failed", _l("失败")  # the provider could not send it: back on the desk's list
    CANCELLED = "cancelled", _l("已取消")  # no longer needed (the parcel was collected, a newer reminder)


class NotifiedVia(LabelledEnum):
    PHONE = "phone", _l("电话")
    WECHAT = "wechat", _l("微信")
    SMS = "sms", _l("短信")


# Still to be told: the desk's 待通知 list (a failed SMS included, so a person calls instead).
OPEN_STATUSES = (MessageStatus.PENDING, MessageStatus.FAILED)


class ResidentMessage(PropertyScoped, db.Model):
    __tablename__ = "resident_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    resident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("residents.id", ondelete="SET NULL"))
    recipient_name: Mapped[str] = mapped_column(sa.String(50), default="")
    phone: Mapped[str] = mapped_column(sa.String(20), default="", info={"sensitive": True})
    text: Mapped[str] = mapped_column(sa.String(500))
    reason: Mapped[MessageReason] = mapped_column(enum_type(MessageReason))
    # The record the message is about (a parcel), by table name and id, and its page.
    subject_table: Mapped[str] = mapped_column(sa.String(50))
    subject_id: Mapped[int]
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    # The property's local day it was queued on: a subject gets at most one message per reason a day.
    queued_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    status: Mapped[MessageStatus] = mapped_column(enum_type(MessageStatus), default=MessageStatus.PENDING)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    via: Mapped[NotifiedVia | None] = mapped_column(enum_type(NotifiedVia))
    error: Mapped[str] = mapped_column(sa.String(300), default="")

    unit: Mapped[Unit] = relationship()
    resident: Mapped[Resident | None] = relationship()
    handled_by: Mapped[User | None] = relationship()

    __table_args__ = (
        # Also the index by subject: its leading columns.
        sa.UniqueConstraint("subject_table", "subject_id", "reason", "queued_on",
                            name="uq_resident_messages_once_a_day"),
        sa.Index("ix_resident_messages_open", "property_id", "status", "created_at"),
        sa.CheckConstraint("(status = 'pending') = (handled_at IS NULL)", name="handled_when_handled"),
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __str__(self) -> str:
        return f"{self.unit.archive_no} {self.reason.label}"
