"""Patrol operations: rounds made from schedules, label codes, results recorded from the tablet, and
abnormal checkpoints turned into dispatched tickets."""
from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, joinedload

from models import Department, DepartmentKind, Property, User, db
from models.patrols import (
    FindingStatus,
    Outcome,
    PatrolCheckpoint,
    PatrolError,
    PatrolFinding,
    PatrolResult,
    PatrolRound,
    PatrolRoute,
    PatrolSchedule,
    Presence,
    RoundStatus,
)
from models.tickets import Ticket, TicketCategory, TicketSource, TicketStatus
from models.attachments import Attachment
from models.numbering import next_number

from ..shared.photos import save_photos
from ..shared.storage import put_for_transaction, storage
from ..tickets.services import create_ticket

# Easy to read off a label and type: no 0/O, 1/I.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 4
# A round started by hand is due within this time.
AD_HOC_WINDOW = timedelta(hours=2)
# Where findings are sent: the departments that fix things.
REPAIR_DEPARTMENTS = (DepartmentKind.ENGINEERING, DepartmentKind.ENVIRONMENT, DepartmentKind.SECURITY)


# ---- rounds from schedules ----

def _active_schedules(prop: Property) -> list[PatrolSchedule]:
    return list(db.session.scalars(
        sa.select(PatrolSchedule).join(PatrolSchedule.route)
        .where(PatrolSchedule.property_id == prop.id, PatrolSchedule.active, PatrolRoute.active)
        .options(contains_eager(PatrolSchedule.route))
    ))


def _scheduled(prop: Property, schedules: list[PatrolSchedule], day: date) -> list[tuple[PatrolSchedule, datetime]]:
    # In order of time, so that the day's round numbers follow the clock.
    return sorted(((s, datetime.combine(day, s.at, prop.zone)) for s in schedules if s.runs_on(day)),
                  key=lambda pair: (pair[1], pair[0].route_id))


def missing_rounds(prop: Property, day: date) -> list[tuple[PatrolSchedule, datetime]]:
    """The rounds the schedules want on `day` that do not exist yet."""
    wanted = _scheduled(prop, _active_schedules(prop), day)
    if not wanted:
        return []
    start, end = prop.day_range(day)
    existing = set(db.session.execute(
        sa.select(PatrolRound.route_id, PatrolRound.scheduled_for)
        .where(PatrolRound.property_id == prop.id, PatrolRound.scheduled_for >= start, PatrolRound.scheduled_for < end)
    ))
    return [(s, at) for s, at in wanted if (s.route_id, at) not in existing]


def _new_round(prop: Property, schedule: PatrolSchedule, at: datetime) -> PatrolRound:
    return PatrolRound(
        property_id=prop.id, route=schedule.route, route_id=schedule.route_id, schedule=schedule,
        schedule_id=schedule.id, scheduled_for=at, due_by=at + timedelta(minutes=schedule.window_minutes),
        assignee=schedule.assignee, assignee_id=schedule.assignee_id, status=RoundStatus.DUE,
    )


def _make_round(prop: Property, schedule: PatrolSchedule, at: datetime) -> PatrolRound | None:
    """The scheduled round, numbered and saved; None when another request made it at this very moment."""
    round_ = _new_round(prop, schedule, at)
    try:
        # The savepoint also gives the number back when the constraint refuses the round.
        with db.session.begin_nested():
            round_.number = next_number(prop, "XC", at)
            db.session.add(round_)
    except sa.exc.IntegrityError:
        return None
    return round_


def schedule_rounds(prop: Property, day: date) -> int:
    """Create the rounds due on `day` (cron); running it again creates nothing. Returns how many were made."""
    return sum(_make_round(prop, schedule, at) is not None for schedule, at in missing_rounds(prop, day))


def start_scheduled_round(prop: Property, schedule: PatrolSchedule, day: date) -> PatrolRound:
    """The round `schedule` wants on `day`, made now if cron has not made it yet."""
    at = datetime.combine(day, schedule.at, prop.zone)
    existing = sa.select(PatrolRound).where(PatrolRound.route_id == schedule.route_id, PatrolRound.scheduled_for == at)
    return db.session.scalar(existing) or _make_round(prop, schedule, at) or db.session.scalar(existing)


def _overdue_rounds(prop: Property, now: datetime) -> sa.Select:
    return sa.select(PatrolRound).where(
        PatrolRound.property_id == prop.id, PatrolRound.status == RoundStatus.DUE, PatrolRound.due_by < now
    )


def mark_missed(prop: Property, now: datetime) -> int:
    """Rounds not started within their window are missed (漏巡). Returns how many.

    The rows are locked and read afresh: a round started meanwhile (PostgreSQL re-checks the condition
    once the starting request commits) is left as it is."""
    rounds = db.session.scalars(
        _overdue_rounds(prop, now).with_for_update().execution_options(populate_existing=True)
    ).all()
    for round_ in rounds:
        round_.status = RoundStatus.MISSED
    return len(rounds)


def rounds_of(prop: Property, first: date, last: date) -> list[PatrolRound]:
    """The rounds of these days, with those the schedules want that cron has not made yet (unsaved: no
    id, no number), in order of time. Pages show these; only starting a round saves it."""
    made = list(db.session.scalars(rounds_between(prop, first, last)))
    existing, schedules = {(r.route_id, r.scheduled_for) for r in made}, _active_schedules(prop)
    planned = [_new_round(prop, schedule, at)
               for day in (first + timedelta(days=n) for n in range((last - first).days + 1))
               for schedule, at in _scheduled(prop, schedules, day) if (schedule.route_id, at) not in existing]
    return sorted(made + planned, key=lambda r: (r.scheduled_for, r.route_id))


def start_ad_hoc_round(prop: Property, route: PatrolRoute, by: User, at: datetime) -> PatrolRound:
    """A round outside the schedule (an extra walk, a supervisor's check). A second press in the same
    minute opens the same round."""
    at = at.replace(second=0, microsecond=0)
    same_minute = sa.select(PatrolRound).where(PatrolRound.route_id == route.id, PatrolRound.scheduled_for == at)
    if (existing := db.session.scalar(same_minute)) is not None:
        return existing
    round_ = PatrolRound(property_id=prop.id, route_id=route.id, scheduled_for=at, due_by=at + AD_HOC_WINDOW,
                         assignee=by, status=RoundStatus.DUE)
    try:
        with db.session.begin_nested():
            round_.number = next_number(prop, "XC", at)
            db.session.add(round_)
    except sa.exc.IntegrityError:
        return db.session.scalar(same_minute)  # the other press won
    return round_


# ---- checkpoint label codes ----

def new_code(prop: Property) -> str:
    taken = set(db.session.scalars(sa.select(PatrolCheckpoint.code).where(PatrolCheckpoint.property_id == prop.id)))
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def label_content(prop: Property, checkpoint: PatrolCheckpoint) -> str:
    """What the QR code carries: the property's code and the checkpoint's, "HY-K7Q2"."""
    return f"{prop.code}-{checkpoint.code}"


def presence_of(prop: Property, code: str) -> Presence:
    """A code with the property's prefix came from the QR (a camera or a scanner: the label prints only
    the short code under it for typing); a bare code was typed."""
    if not code:
        return Presence.NONE
    return Presence.SCANNED if code.startswith(f"{prop.code}-") else Presence.TYPED


def code_problem(prop: Property, round_: PatrolRound, checkpoint: PatrolCheckpoint, code: str) -> str | None:
    """Why a scanned or typed code does not prove presence at `checkpoint`, or None when it does.

    The code may be the whole label content ("HY-K7Q2") or the short code under the QR ("K7Q2").
    """
    prefix, dash, short = code.rpartition("-")
    if not dash:
        short = code
    elif prefix != prop.code:
        return _("「%(code)s」是其他项目的检查点标签，不属于本项目。请扫描本检查点的标签。", code=code)
    if short == checkpoint.code:
        return None
    found = db.session.scalar(
        sa.select(PatrolCheckpoint).where(PatrolCheckpoint.property_id == prop.id, PatrolCheckpoint.code == short)
    )
    if found is None:
        elsewhere = db.session.scalar(sa.select(sa.exists().where(PatrolCheckpoint.code == short)))
        if elsewhere:
            return _("「%(code)s」是其他项目的检查点编码，不属于本项目。请扫描本检查点的标签。", code=code)
        return _("没有编码为「%(code)s」的检查点，请核对标签上的编码。", code=code)
    if found.route_id != round_.route_id:
        return _("「%(code)s」是路线「%(route)s」的检查点「%(name)s」，不在本次巡查的路线「%(this)s」上。",
                 code=code, route=found.route.name, name=found.name, this=round_.route.name)
    return _("「%(code)s」是本路线的另一个检查点「%(name)s」，不是「%(this)s」。请在对应的检查点下记录。",
             code=code, name=found.name, this=checkpoint.name)


# ---- results and findings ----

def open_findings(checkpoint_ids) -> dict[int, list[PatrolFinding]]:
    """The open findings of each checkpoint, oldest first."""
    by_checkpoint: dict[int, list[PatrolFinding]] = defaultdict(list)
    if not checkpoint_ids:
        return by_checkpoint
    findings = db.session.scalars(
        sa.select(PatrolFinding)
        .where(PatrolFinding.checkpoint_id.in_(list(checkpoint_ids)), PatrolFinding.status == FindingStatus.OPEN)
        .order_by(PatrolFinding.id)
    )
    for finding in findings:
        by_checkpoint[finding.checkpoint_id].append(finding)
    return by_checkpoint


def repair_departments(prop: Property) -> list[Department]:
    departments = db.session.scalars(
        sa.select(Department).where(Department.property_id == prop.id, Department.kind.in_(REPAIR_DEPARTMENTS))
    ).all()
    return sorted(departments, key=lambda d: (REPAIR_DEPARTMENTS.index(d.kind), d.id))


def record_result(
    prop: Property,
    round_: PatrolRound,
    checkpoint: PatrolCheckpoint,
    *,
    outcome: Outcome,
    by: User,
    at: datetime,
    presence: Presence,
    note: str = "",
    skip_reason: str = "",
    department: Department | None = None,
    category: TicketCategory = TicketCategory.REPAIR,
    photos=None,
) -> PatrolResult:
    """Record what was found at `checkpoint` (the round must be locked by the caller).

    The first result of a round starts it, so results sent before the start (or without one) are
    not lost. The same outcome sent again returns the result already there; another outcome is refused.
    An abnormal checkpoint becomes a ticket dispatched to `department`; an OK one closes the open
    findings there; "unresolved" notes on their tickets that the problem is still there.
    """
    if (existing := round_.result_for(checkpoint)) is not None:
        if existing.outcome is outcome:
            return existing
        raise PatrolError(_("此检查点已记录为「%(outcome)s」，不能再改为「%(new)s」。新的情况请在下次巡查中记录。",
                            outcome=existing.outcome.label, new=outcome.label))
    if round_.status is RoundStatus.DONE:
        raise PatrolError(_("本次巡查已完成，不能再记录检查点。"))
    earlier = [f for f in open_findings([checkpoint.id])[checkpoint.id] if f.result.round_id != round_.id]
    if outcome is Outcome.UNRESOLVED and not earlier:
        raise PatrolError(_("此检查点没有待整改的问题；发现异常请选「异常」。"))
    round_.start(by, at, alone=False)  # results are what was found: kept, whatever else is being walked
    result = PatrolResult(
        property_id=prop.id, round=round_, checkpoint=checkpoint, outcome=outcome, note=note,
        skip_reason=skip_reason if outcome is Outcome.SKIPPED else "", presence=presence, done_at=at, recorded_by=by,
    )
    db.session.add(result)
    db.session.flush()
    saved = save_photos(photos, result) if photos is not None else []
    if outcome is Outcome.OK:
        for finding in earlier:
            finding.close(round_, at)
    elif outcome is Outcome.UNRESOLVED:
        for finding in earlier:
            if finding.ticket.status is not TicketStatus.CLOSED:
                finding.ticket.add_note(by, _("巡查复查（%(round)s）：仍未整改。%(note)s", round=round_.number, note=note), at)
    elif outcome is Outcome.ABNORMAL:
        raise_finding(prop, result, department, category, saved, by, at)
    return result


def raise_finding(prop: Property, result: PatrolResult, department: Department, category: TicketCategory,
                  photos: list[Attachment], by: User, at: datetime) -> PatrolFinding:
    """The abnormal checkpoint as a ticket (巡查发现) dispatched to `department` at once, linked both ways."""
    checkpoint, round_ = result.checkpoint, result.round
    ticket = create_ticket(
        prop, by, at, source=TicketSource.PATROL, category=category, location=checkpoint.name[:100],
        description=result.note,
        note=_("巡查发现：%(round)s %(route)s", round=round_.number, route=round_.route.name),
    )
    ticket.dispatch(department, None, by, _("巡查发现，直接派工"), at)
    for photo in photos:  # the department sees the photos on the ticket
        copy_attachment(photo, ticket)
    finding = PatrolFinding(property_id=prop.id, checkpoint=checkpoint, result=result, ticket=ticket,
                            status=FindingStatus.OPEN)
    db.session.add(finding)
    db.session.flush()
    return finding


def copy_attachment(attachment: Attachment, owner) -> Attachment:
    copy = Attachment(
        property_id=owner.property_id, owner_table=owner.__tablename__, owner_id=owner.id,
        storage_key=put_for_transaction(storage().get(attachment.storage_key), prefix=f"photos/{owner.property_id}",
                                        suffix="." + attachment.storage_key.rpartition(".")[2]),
        filename=attachment.filename, content_type=attachment.content_type, size=attachment.size,
        width=attachment.width, height=attachment.height, uploaded_by_id=attachment.uploaded_by_id,
    )
    db.session.add(copy)
    return copy


def photos_of(results: list[PatrolResult]) -> dict[int, list[Attachment]]:
    """The photos of each result, in one query."""
    photos: dict[int, list[Attachment]] = defaultdict(list)
    if results:
        for attachment in db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.owner_table == PatrolResult.__tablename__, Attachment.owner_id.in_([r.id for r in results]))
            .order_by(Attachment.id)
        ):
            photos[attachment.owner_id].append(attachment)
    return photos


def finish_round(round_: PatrolRound, by: User, at: datetime, note: str) -> None:
    if round_.status in (RoundStatus.DUE, RoundStatus.MISSED) and not round_.results:
        raise PatrolError(_("本次巡查还没有开始，请逐个检查点记录后再完成。"))
    round_.finish(by, at, note)


def progress(rounds: list[PatrolRound]) -> dict[PatrolRound, tuple[int, int]]:
    """(checkpoints recorded, checkpoints on the route) for each round, in one query."""
    if not rounds:
        return {}
    saved = [r.id for r in rounds if r.id]  # the rounds the schedules want that cron has not made have none
    done = (sa.select(sa.literal("round"), PatrolResult.round_id, sa.func.count(PatrolResult.id))
            .where(PatrolResult.round_id.in_(saved)).group_by(PatrolResult.round_id))
    total = (sa.select(sa.literal("route"), PatrolCheckpoint.route_id, sa.func.count(PatrolCheckpoint.id))
             .where(PatrolCheckpoint.route_id.in_({r.route_id for r in rounds}), PatrolCheckpoint.active)
             .group_by(PatrolCheckpoint.route_id))
    counts = {(of, key): n for of, key, n in db.session.execute(sa.union_all(done, total))}
    return {r: (counts.get(("round", r.id), 0), counts.get(("route", r.route_id), 0)) for r in rounds}


def rounds_between(prop: Property, first: date, last: date) -> sa.Select:
    start, end = prop.day_range(first, last)
    return (sa.select(PatrolRound)
            .where(PatrolRound.property_id == prop.id, PatrolRound.scheduled_for >= start, PatrolRound.scheduled_for < end)
            .order_by(PatrolRound.scheduled_for, PatrolRound.id)
            .options(*(joinedload(relation) for relation in (PatrolRound.route, PatrolRound.assignee,
                                                               PatrolRound.started_by))))


def open_findings_of(prop: Property) -> list[PatrolFinding]:
    return list(db.session.scalars(
        sa.select(PatrolFinding).join(PatrolFinding.ticket)
        .where(PatrolFinding.property_id == prop.id, PatrolFinding.status == FindingStatus.OPEN)
        .order_by(Ticket.received_at)
        .options(contains_eager(PatrolFinding.ticket).joinedload(Ticket.department), joinedload(PatrolFinding.result),
                 joinedload(PatrolFinding.checkpoint).options(joinedload(PatrolCheckpoint.route),
                                                              joinedload(PatrolCheckpoint.building)))
    ))
