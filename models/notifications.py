"""In-app notifications. Other channels (e-mail, SMS) can be added behind `notify` later."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import PropertyScoped, UTCDateTime, db
from .clock import now


class Notification(PropertyScoped, db.Model):
    __tablename__ = "notifications"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.String(300))
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_notifications_user_unread", "user_id", "read_at"),)


def notify(user_ids, property_id: int, text: str, link: str = "") -> None:
    for user_id in sorted(set(user_ids)):
        db.session.add(Notification(user_id=user_id, property_id=property_id, text=text, link=link))


def unread(user_id, property_id) -> sa.Select:
    """The count of a user's unread notifications in a property (each a value or an SQL expression)."""
    return sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.property_id == property_id, Notification.read_at.is_(None)
    )


def unread_count(user_id: int, property_id: int) -> int:
    return db.session.scalar(unread(user_id, property_id))
