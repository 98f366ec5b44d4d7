"""Supervision (supervisors): rounds due, late and missed, completion per route and per person over a
date range, and each checkpoint's history."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _

from models import clock, db
from models.patrols import Outcome, PatrolCheckpoint, PatrolResult, PatrolRound, Presence, RoundStatus

from ..shared.htmx import render
from ..shared.localtime import today as local_today
from ..shared.permissions import current_property, get_or_404, require
from . import bp
from .services import open_findings_of, rounds_of

DEFAULT_DAYS = 7
MAX_DAYS = 366


def requested_range() -> tuple[date, date]:
    """?start=&end= (YYYY-MM-DD), by default the last seven days; at most a year, in order."""
    today = local_today()
    try:
        last = date.fromisoformat(request.args.get("end", ""))
    except ValueError:
        last = today
    try:
        first = date.fromisoformat(request.args.get("start", ""))
    except ValueError:
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    first, last = min(first, last), max(first, last)
    return max(first, last - timedelta(days=MAX_DAYS - 1)), last


@dataclass
class Completion:
    """Rounds whose time has come, and what became of them."""

    name: str
    scheduled: int = 0
    done: int = 0
    late: int = 0
    missed: int = 0
    open: int = 0  # due or being walked

    @property
    def rate(self) -> float | None:
        return self.done / self.scheduled if self.scheduled else None

    def add(self, round_: PatrolRound, now: datetime) -> None:
        status = round_.status_at(now)
        self.scheduled += 1
        self.done += status is RoundStatus.DONE
        self.missed += status is RoundStatus.MISSED
        self.open += status in (RoundStatus.DUE, RoundStatus.IN_PROGRESS)
        self.late += round_.started_late


@dataclass
class Walker:
    name: str
    rounds: int = 0
    done: int = 0
    late: int = 0
    outcomes: Counter = field(default_factory=Counter)
    presence: Counter = field(default_factory=Counter)  # results by Presence

    @property
    def rate(self) -> float | None:
        return self.done / self.rounds if self.rounds else None

    @property
    def recorded(self) -> int:
        return sum(self.outcomes.values())


@bp.get("/supervision")
@require("patrols.manage")
def supervision():
    prop = current_property()
    first, last = requested_range()
    now = clock.now()
    # The rounds whose time has come, and any started early: what the counts and the lists below agree on.
    rounds = [r for r in rounds_of(prop, first, last) if r.scheduled_for <= now or r.started_at is not None]
    by_route: dict[int, Completion] = {}
    walkers: dict[int, Walker] = {}
    for round_ in rounds:
        by_route.setdefault(round_.route_id, Completion(round_.route.name)).add(round_, now)
        if round_.started_by is not None:
            walker = walkers.setdefault(round_.started_by_id, Walker(round_.started_by.display_name))
            walker.rounds += 1
            walker.done += round_.status is RoundStatus.DONE
            walker.late += round_.started_late
    start, end = prop.day_range(first, last)
    results = db.session.execute(
        sa.select(PatrolResult.recorded_by_id, PatrolResult.outcome, PatrolResult.presence, sa.func.count())
        .where(PatrolResult.property_id == prop.id, PatrolResult.done_at >= start, PatrolResult.done_at < end)
        .group_by(PatrolResult.recorded_by_id, PatrolResult.outcome, PatrolResult.presence)
    )
    for user_id, outcome, presence, count in results:
        if user_id in walkers:
            walkers[user_id].outcomes[outcome] += count
            walkers[user_id].presence[presence] += count
    total = Completion(_("合计"))
    for round_ in rounds:
        total.add(round_, now)
    attention = [r for r in rounds if r.status_at(now) is RoundStatus.MISSED or r.overdue(now) or r.started_late
                 or r.started_early]
    return render(
        "patrols/supervision.html", first=first, last=last, routes=sorted(by_route.values(), key=lambda c: c.name),
        total=total, walkers=sorted(walkers.values(), key=lambda w: w.name), attention=attention[::-1],
        due_now=[r for r in rounds if r.status is RoundStatus.DUE and not r.overdue(now)],
        checkpoints=_checkpoint_summary(prop, start, end), findings=open_findings_of(prop), as_of=now,
        Outcome=Outcome, Presence=Presence,
    )


@dataclass
class CheckpointSummary:
    checkpoint: PatrolCheckpoint
    outcomes: Counter
    presence: Counter  # results by Presence: scanned and typed shown apart
    last_at: datetime | None


def _checkpoint_summary(prop, start: datetime, end: datetime) -> list[CheckpointSummary]:
    rows = db.session.execute(
        sa.select(PatrolResult.checkpoint_id, PatrolResult.outcome, PatrolResult.presence, sa.func.count(),
                  sa.func.max(PatrolResult.done_at))
        .where(PatrolResult.property_id == prop.id, PatrolResult.done_at >= start, PatrolResult.done_at < end)
        .group_by(PatrolResult.checkpoint_id, PatrolResult.outcome, PatrolResult.presence)
    )
    outcomes: dict[int, Counter] = defaultdict(Counter)
    presence: dict[int, Counter] = defaultdict(Counter)
    last: dict[int, datetime] = {}
    for checkpoint_id, outcome, how, count, latest in rows:
        outcomes[checkpoint_id][outcome] += count
        presence[checkpoint_id][how] += count
        last[checkpoint_id] = max(filter(None, (last.get(checkpoint_id), latest)), default=None)
    checkpoints = db.session.scalars(
        sa.select(PatrolCheckpoint).where(PatrolCheckpoint.property_id == prop.id, PatrolCheckpoint.active)
        .order_by(PatrolCheckpoint.route_id, PatrolCheckpoint.position, PatrolCheckpoint.id)
    )
    return [CheckpointSummary(c, outcomes[c.id], presence[c.id], last.get(c.id)) for c in checkpoints]


@bp.get("/checkpoints/<int:checkpoint_id>/history")
@require("patrols.view")
def checkpoint_history(checkpoint_id: int):
    checkpoint = get_or_404(PatrolCheckpoint, checkpoint_id)
    first, last = requested_range()
    start, end = current_property().day_range(first, last)
    results = db.session.scalars(
        sa.select(PatrolResult).where(PatrolResult.checkpoint_id == checkpoint.id, PatrolResult.done_at >= start,
                                      PatrolResult.done_at < end)
        .order_by(PatrolResult.done_at.desc())
    ).all()
    missed = db.session.scalars(
        sa.select(PatrolRound).where(PatrolRound.route_id == checkpoint.route_id, PatrolRound.status == RoundStatus.MISSED,
                                     PatrolRound.scheduled_for >= start, PatrolRound.scheduled_for < end)
        .order_by(PatrolRound.scheduled_for.desc())
    ).all()
    return render("patrols/checkpoint_history.html", checkpoint=checkpoint, results=results, missed=missed,
                  first=first, last=last, Outcome=Outcome)
