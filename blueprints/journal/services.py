"""Journal operations: open a shift with its checklist, record checks, hand over, confirm; release passes."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from models import Property, Unit, User, db
from models.approvals import Approval, ApprovalStatus
from models.journal import CHECKLISTS, CheckResult, PassStatus, Post, ReleasePass, Shift, ShiftCheck, ShiftStatus
from models.numbering import next_number
from models.tickets import Ticket, TicketCategory, TicketSource

from ..approvals.services import request_approval
from ..shared.handover import compile_handover
from ..tickets.services import create_ticket


class JournalError(ValueError):
    """A step that the journal's rules refuse; the message is for the user, in Chinese."""


def open_shift(prop: Property, post: Post, staff: User, at: datetime) -> Shift:
    taken = db.session.scalar(
        sa.select(Shift).where(Shift.property_id == prop.id, Shift.post == post, Shift.status != ShiftStatus.CLOSED)
    )
    if taken is not None:
        raise JournalError(_("%(post)s 已有 %(name)s 在值班，请先交接班", post=post.label, name=taken.staff.display_name))
    shift = Shift(
        property_id=prop.id,
        number=next_number(prop, "BC", at),
        post=post,
        status=ShiftStatus.OPEN,
        staff=staff,
        opened_at=at,
    )
    for position, (key, label) in enumerate(CHECKLISTS[post]):
        shift.checks.append(ShiftCheck(position=position, key=key, label=str(label)))
    db.session.add(shift)
    db.session.flush()
    return shift


def record_check(check: ShiftCheck, result: CheckResult, note: str, at: datetime) -> None:
    if check.shift.status is not ShiftStatus.OPEN:
        raise JournalError(_("本班已交接，不能再修改检查结果"))
    if result is CheckResult.ABNORMAL and not note.strip():
        raise JournalError(_("异常请写明情况"))
    check.result, check.note, check.checked_at = result, note.strip(), at


def all_ok(shift: Shift, at: datetime) -> None:
    """Every line of the opening checklist not answered yet is OK."""
    for check in shift.checks:
        if check.result is None:
            record_check(check, CheckResult.OK, "", at)


def check_to_ticket(check: ShiftCheck, prop: Property, user: User, at: datetime) -> Ticket:
    """An abnormal checklist line becomes a repair ticket in one step, linked both ways."""
    if check.result is not CheckResult.ABNORMAL:
        raise JournalError(_("只有异常项可以转为报事"))
    if check.ticket_id:
        raise JournalError(_("此项已转为报事"))
    ticket = create_ticket(
        prop, user, at, source=TicketSource.PATROL, category=TicketCategory.REPAIR,
        location=f"{check.shift.post.label}：{check.label}", description=check.note,
        note=_("值班检查发现：%(shift)s", shift=check.shift.number),
    )
    check.ticket_id = ticket.id
    return ticket


def hand_over(shift: Shift, notes: str, at: datetime) -> None:
    """The outgoing staff close the shift: what is still open is compiled and frozen for the sheet."""
    if shift.status is not ShiftStatus.OPEN:
        raise JournalError(_("本班已提交交接"))
    if not shift.checklist_done:
        raise JournalError(_("接班检查还有未填写的项目，不能交班"))
    shift.handover_notes = notes.strip()
    shift.handover_items = compile_handover(shift)
    shift.handed_over_at = at
    shift.status = ShiftStatus.HANDING_OVER


def confirm_handover(shift: Shift, incoming: User, prop: Property, at: datetime) -> Shift:
    """The incoming staff confirm with their own password; their shift opens on the same post."""
    if shift.status is not ShiftStatus.HANDING_OVER:
        raise JournalError(_("本班尚未提交交接，或已经确认过"))
    if incoming.id == shift.staff_id:
        raise JournalError(_("接班人不能是交班人本人"))
    shift.incoming, shift.confirmed_at, shift.status = incoming, at, ShiftStatus.CLOSED
    db.session.flush()
    following = open_shift(prop, shift.post, incoming, at)
    shift.next_shift_id = following.id
    return following


def issue_pass(prop: Property, unit: Unit, *, by: User, at: datetime, override_reason: str, **fields) -> ReleasePass:
    """放行条 for goods leaving `unit`. A unit in arrears gets a pass waiting for a supervisor's approval
    (欠费放行), asked for with the requester's reason; any other pass is ready for the gate at once."""
    in_arrears = unit.in_arrears
    if in_arrears and not override_reason:
        raise JournalError(_("该户欠费：请填写需要放行的理由，提交客服主管审批"))
    release = ReleasePass(
        property_id=prop.id, number=next_number(prop, "FX", at), unit=unit, unit_in_arrears=in_arrears,
        override_reason=override_reason if in_arrears else "", issued_by=by, issued_at=at,
        status=PassStatus.PENDING if in_arrears else PassStatus.ISSUED, **fields,
    )
    db.session.add(release)
    db.session.flush()
    if in_arrears:
        request_approval("passes.arrears", release, by=by, at=at, reason=override_reason,
                         summary=_("欠费放行 %(unit)s：%(items)s", unit=unit.archive_no, items=release.items[:80]))
    return release


def arrears_decided(approval: Approval) -> None:
    """The supervisor's decision on a pass for a unit in arrears."""
    release = db.session.get(ReleasePass, approval.subject_id)
    if approval.status is ApprovalStatus.APPROVED:
        release.status, release.override_by = PassStatus.ISSUED, approval.decided_by
    else:
        release.status = PassStatus.REFUSED
