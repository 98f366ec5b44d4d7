"""The idempotency store: each client-generated key is processed once, whatever the replays."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db
from .clock import now


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_keys"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    property_id: Mapped[int] = mapped_column(sa.ForeignKey("properties.id"))
    path: Mapped[str] = mapped_column(sa.String(200))
    # SHA-256 of the submitted fields and files: the same key with another body is refused.
    digest: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int]
    location: Mapped[str] = mapped_column(sa.String(300), default="")
    client_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The device's time as sent, when it was not believed (years back, far ahead): the record got the
    # arrival time instead, and this says why it differs from what the tablet showed.
    refused_client_time: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
