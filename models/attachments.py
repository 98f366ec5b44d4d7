"""Photos and other files attached to any record, stored through the storage interface."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import PropertyScoped, UTCDateTime, db
from .clock import now


class Attachment(PropertyScoped, db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The record it belongs to, by table name and id (photos of tickets, patrol checkpoints, …).
    owner_table: Mapped[str] = mapped_column(sa.String(50))
    owner_id: Mapped[int]
    storage_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(200), default="")
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    width: Mapped[int | None]
    height: Mapped[int | None]
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    __table_args__ = (sa.Index("ix_attachments_owner", "owner_table", "owner_id"),)


def attachments_of(owner) -> list[Attachment]:
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.owner_table == owner.__tablename__, Attachment.owner_id == owner.id)
            .order_by(Attachment.id)
        )
    )
