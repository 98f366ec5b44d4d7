"""Approvals (审批): a request for something that needs a permitted person's yes.

Modules declare what can be asked (`ApprovalKind` in their `Module`: who decides, what a decision does
to the record); blueprints/approvals lists the requests and takes the decisions. The database holds
the two rules that must never bend: one open request per record and kind, and never decided by the
person who asked.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import PropertyScoped, Timestamped, UTCDateTime, db
from .enums import LabelledEnum, enum_type
from .users import User


class ApprovalStatus(LabelledEnum):
    PENDING = "pending", _l("待审批")
    APPROVED = "approved", _l("已批准")
    REFUSED = "refused", _l("已驳回")


class Approval(PropertyScoped, Timestamped, db.Model):
    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # an ApprovalKind's key, "passes.arrears"
    # The record asked about, by table name and id (as attachments are).
    subject_table: Mapped[str] = mapped_column(sa.String(50))
    subject_id: Mapped[int]
    summary: Mapped[str] = mapped_column(sa.String(300))  # what is asked, as the approver's list shows it
    reason: Mapped[str] = mapped_column(sa.String(500), default="")  # why the requester asks
    status: Mapped[ApprovalStatus] = mapped_column(enum_type(ApprovalStatus), default=ApprovalStatus.PENDING)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)  # device time (a request may be sent offline)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(sa.String(500), default="")

    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        sa.Index("uq_approvals_pending_subject", "kind", "subject_table", "subject_id", unique=True,
                 postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'")),
        sa.Index("ix_approvals_property_status", "property_id", "status", "requested_at"),
        sa.Index("ix_approvals_subject", "subject_table", "subject_id"),
        sa.CheckConstraint("decided_by_id IS NULL OR decided_by_id <> requested_by_id", name="not_by_requester"),
        sa.CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name="decided_when_decided"),
        sa.CheckConstraint("status <> 'refused' OR decision_note <> ''", name="refusal_has_reason"),
    )

    @property
    def pending(self) -> bool:
        return self.status is ApprovalStatus.PENDING

    def __str__(self) -> str:
        return self.summary
