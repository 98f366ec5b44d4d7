"""Asking for approval and deciding: what every module's approval kind goes through."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from models import User, db
from models.approvals import Approval, ApprovalStatus
from models.notifications import notify

from ..shared.localtime import local
from ..shared.modules import ApprovalKind, platform
from ..shared.permissions import current_roles, roles_holding, staff_holding


class ApprovalError(ValueError):
    """A decision the rules refuse; the message is for the user, in Chinese."""


def kind_of(approval: Approval) -> ApprovalKind:
    return platform().approval_kinds[approval.kind]


def request_approval(kind: str, subject, *, summary: str, reason: str, by: User, at: datetime) -> Approval:
    """Ask for `kind` on `subject` (a saved record of a property); the people who may decide are told."""
    approval = Approval(
        property_id=subject.property_id, kind=platform().approval_kinds[kind].key,
        subject_table=subject.__tablename__, subject_id=subject.id, summary=summary[:300], reason=reason[:500],
        status=ApprovalStatus.PENDING, requested_by=by, requested_at=at,
    )
    db.session.add(approval)
    db.session.flush()
    approvers = [u.id for u in staff_holding(kind_of(approval).permission, approval.property_id) if u.id != by.id]
    notify(approvers, approval.property_id, _("待审批：%(s)s（%(who)s 申请）", s=approval.summary, who=by.display_name),
           url_for("approvals.detail", approval_id=approval.id))
    return approval


def may_decide(approval: Approval, user: User) -> bool:
    """Whether `user` may decide it now: holds the kind's permission here, and did not ask for it."""
    return (approval.pending and approval.requested_by_id != user.id
            and bool(current_roles() & roles_holding(kind_of(approval).permission)))


def decide(approval: Approval, *, approve: bool, note: str, by: User, at: datetime) -> None:
    """Approve or refuse (a refusal needs a reason). The caller holds the row locked, so of two
    approvers deciding at once the second is told it was already decided."""
    if not approval.pending:
        raise ApprovalError(_("该申请已由 %(who)s 于 %(t)s %(status)s", who=approval.decided_by.display_name,
                              t=local(approval.decided_at, "%m-%d %H:%M"), status=approval.status.label))
    if approval.requested_by_id == by.id:
        raise ApprovalError(_("不能审批自己提出的申请，请由其他有权限的同事审批"))
    if not approve and not note.strip():
        raise ApprovalError(_("驳回请写明理由，申请人会看到"))
    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED
    approval.decided_by, approval.decided_at, approval.decision_note = by, at, note.strip()
    kind = kind_of(approval)
    kind.decided(approval)
    db.session.flush()
    notify([approval.requested_by_id], approval.property_id,
           _("%(status)s：%(s)s（%(who)s）", status=approval.status.label, s=approval.summary, who=by.display_name),
           kind.link(approval))


def latest_for(subject) -> Approval | None:
    """The newest request about `subject`, for its page to show where it stands."""
    return db.session.scalar(
        sa.select(Approval).where(Approval.subject_table == subject.__tablename__, Approval.subject_id == subject.id)
        .order_by(Approval.id.desc()).limit(1)
    )


def decidable_kinds() -> list[str]:
    """The kinds the current user may decide in the current property."""
    roles = current_roles()
    return [key for key, kind in platform().approval_kinds.items() if roles & roles_holding(kind.permission)]


def waiting_for(user: User, property_id: int) -> sa.Select:
    """Requests the user may decide, oldest first (never their own)."""
    return (sa.select(Approval)
            .where(Approval.property_id == property_id, Approval.status == ApprovalStatus.PENDING,
                   Approval.kind.in_(decidable_kinds()), Approval.requested_by_id != user.id)
            .order_by(Approval.requested_at, Approval.id))


def asked_by(user: User, property_id: int) -> sa.Select:
    """The user's own requests, newest first."""
    return (sa.select(Approval).where(Approval.property_id == property_id, Approval.requested_by_id == user.id)
            .order_by(Approval.requested_at.desc(), Approval.id.desc()))
