"""Today's rounds, and a round on the tablet: start, one small offline form per checkpoint, finish."""
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from wtforms.fields.choices import SelectChoice

from models import Department, clock, db
from models.patrols import (
    Outcome,
    PatrolCheckpoint,
    PatrolError,
    PatrolRound,
    PatrolRoute,
    PatrolSchedule,
    RoundStatus,
)
from models.tickets import TicketCategory

from ..shared.forms import EmptyForm
from ..shared.htmx import INVALID, render
from ..shared.lists import Column, ListFilter, export_xlsx
from ..shared.localtime import today
from ..shared.offline import client_time, offline_submit
from ..shared.permissions import can, current_property, get_or_404, require, scoped
from . import bp
from .forms import AdHocRoundForm, FinishForm, ResultForm
from .services import (
    code_problem,
    presence_of,
    finish_round,
    open_findings,
    open_findings_of,
    photos_of,
    progress,
    record_result,
    repair_departments,
    rounds_between,
    rounds_of,
    start_ad_hoc_round,
    start_scheduled_round,
)


@dataclass
class RoundFilter(ListFilter):
    """The rounds of a day: ?date=, today by default."""

    day: date = field(default_factory=today)

    params = {"day": "date"}

    def select(self) -> sa.Select:
        return self.apply(rounds_between(current_property(), self.day, self.day))


@bp.get("/")
@require("patrols.view")
def index():
    prop = current_property()
    filters = RoundFilter.from_args(request.args)
    day = filters.day
    rounds = rounds_of(prop, day, day)
    return render(
        "patrols/index.html", day=day, rounds=rounds, progress=progress(rounds), findings=open_findings_of(prop),
        ad_hoc_form=_ad_hoc_form(), as_of=clock.now(), prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1),
    )


ROUND_COLUMNS = [
    Column(_l("编号"), lambda r: r.number),
    Column(_l("路线"), lambda r: r.route.name, width=24),
    Column(_l("计划时间"), lambda r: r.scheduled_for),
    Column(_l("最迟开始"), lambda r: r.due_by),
    Column(_l("状态"), lambda r: r.status_at(clock.now()).label),
    Column(_l("负责人"), lambda r: r.assignee.display_name if r.assignee else ""),
    Column(_l("巡查人"), lambda r: r.started_by.display_name if r.started_by else ""),
    Column(_l("开始时间"), lambda r: r.started_at),
    Column(_l("完成时间"), lambda r: r.finished_at),
    Column(_l("已记录检查点"), lambda r: len(r.results), numeric=True),
    Column(_l("备注"), lambda r: r.note, width=40),
]


@bp.get("/rounds.xlsx")
@require("patrols.view")
def export_rounds():
    """The day's rounds made so far (those only planned are not records yet)."""
    stmt = RoundFilter.from_args(request.args).select().options(
        joinedload(PatrolRound.route), joinedload(PatrolRound.assignee), joinedload(PatrolRound.started_by),
        selectinload(PatrolRound.results),
    )
    return export_xlsx(_("巡查记录"), ROUND_COLUMNS, stmt)


def _round(round_id: int, *, lock: bool = False) -> PatrolRound:
    stmt = scoped(PatrolRound).where(PatrolRound.id == round_id)
    # Results, start and finish of one round queue behind each other (PostgreSQL; SQLite writes one at a time).
    return db.first_or_404(stmt.with_for_update() if lock else stmt)


def _result_form(checkpoint: PatrolCheckpoint, departments: list[Department], *, blank: bool = False) -> ResultForm:
    """The checkpoint's form: as submitted, or `blank` for the page (engineering chosen for findings)."""
    prefix = f"cp{checkpoint.id}"
    if blank:
        form = ResultForm(prefix=prefix, formdata=None, data={"department": departments[0].id if departments else None})
    else:
        form = ResultForm(prefix=prefix)
    form.department.choices = [SelectChoice(d.id, d.name) for d in departments]
    return form


def render_round(round_: PatrolRound, *, failed: dict[int, ResultForm] | None = None, finish_form=None,
                 start_error: str = "", status: int = 200):
    prop = current_property()
    departments = repair_departments(prop)
    checkpoints = round_.checkpoints
    forms = {c.id: (failed or {}).get(c.id) or _result_form(c, departments, blank=True) for c in checkpoints}
    findings = {
        checkpoint_id: [f for f in found if f.result.round_id != round_.id]
        for checkpoint_id, found in open_findings([c.id for c in checkpoints]).items()
    }
    walkable = can("patrols.walk") and round_.status is not RoundStatus.DONE
    return render(
        "patrols/round.html", round=round_, checkpoints=checkpoints, forms=forms, findings=findings,
        results={r.checkpoint_id: r for r in round_.results}, photos=photos_of(round_.results), walkable=walkable,
        finish_form=finish_form or FinishForm(formdata=None), Outcome=Outcome, as_of=clock.now(), status=status,
        start_error=start_error,
    )


@bp.get("/rounds/<int:round_id>")
@require("patrols.view")
def round_page(round_id: int):
    return render_round(_round(round_id))


def _back_to(round_: PatrolRound, checkpoint: PatrolCheckpoint | None = None):
    """To the round, at the next checkpoint still to do."""
    recorded = {r.checkpoint_id for r in round_.results}
    after = round_.checkpoints.index(checkpoint) if checkpoint in round_.checkpoints else -1
    following = [c for c in round_.checkpoints[after + 1:] + round_.checkpoints[:after + 1] if c.id not in recorded]
    anchor = f"cp-{following[0].id}" if following else "finish"
    return redirect(url_for("patrols.round_page", round_id=round_.id, _anchor=anchor), 303)


@bp.route("/rounds/<int:round_id>/start", methods=["GET", "POST"])
@require("patrols.walk")
@offline_submit
def start(round_id: int):
    round_ = _round(round_id, lock=request.method == "POST")
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        try:
            round_.start(current_user, client_time())  # a second start changes nothing
        except PatrolError as error:
            return render_round(round_, start_error=str(error), status=INVALID)
        db.session.flush()
    return _back_to(round_)


@bp.route("/rounds/<int:round_id>/checkpoints/<int:checkpoint_id>", methods=["GET", "POST"])
@require("patrols.walk")
@offline_submit
def result(round_id: int, checkpoint_id: int):
    round_ = _round(round_id, lock=request.method == "POST")
    checkpoint = db.first_or_404(
        scoped(PatrolCheckpoint).where(PatrolCheckpoint.id == checkpoint_id, PatrolCheckpoint.route_id == round_.route_id)
    )
    if request.method == "GET":
        return redirect(url_for("patrols.round_page", round_id=round_.id, _anchor=f"cp-{checkpoint.id}"))
    prop = current_property()
    departments = repair_departments(prop)
    form = _result_form(checkpoint, departments)
    if form.validate_on_submit():
        if form.code.data and (problem := code_problem(prop, round_, checkpoint, form.code.data)):
            form.code.errors.append(problem)
        else:
            try:
                record_result(
                    prop, round_, checkpoint, outcome=Outcome(form.outcome.data), by=current_user, at=client_time(),
                    presence=presence_of(prop, form.code.data or ""), note=form.note.data, skip_reason=form.reason.data,
                    department=next((d for d in departments if d.id == form.department.data), None),
                    category=TicketCategory(form.category.data or TicketCategory.REPAIR.value), photos=form.photos,
                )
            except PatrolError as error:
                form.form_errors.append(str(error))
            else:
                return _back_to(round_, checkpoint)
    return render_round(round_, failed={checkpoint.id: form}, status=INVALID)


@bp.route("/rounds/<int:round_id>/finish", methods=["GET", "POST"])
@require("patrols.walk")
@offline_submit
def finish(round_id: int):
    round_ = _round(round_id, lock=request.method == "POST")
    if request.method == "GET":
        return redirect(url_for("patrols.round_page", round_id=round_.id, _anchor="finish"))
    form = FinishForm()
    if form.validate_on_submit():
        try:
            finish_round(round_, current_user, client_time(), form.note.data or "")  # a second finish changes nothing
        except PatrolError as error:
            form.form_errors.append(str(error))
        else:
            return redirect(url_for("patrols.round_page", round_id=round_.id), 303)
    return render_round(round_, finish_form=form, status=INVALID)


@bp.post("/schedules/<int:schedule_id>/<day>/start")
@require("patrols.walk")
def start_scheduled(schedule_id: int, day: str):
    """Start a round the schedule wants that cron has not made yet."""
    schedule = get_or_404(PatrolSchedule, schedule_id)
    try:
        on = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    round_ = start_scheduled_round(current_property(), schedule, on)
    return redirect(url_for("patrols.round_page", round_id=round_.id), 303)


def _ad_hoc_form() -> AdHocRoundForm:
    form = AdHocRoundForm()
    form.route_id.choices = [
        SelectChoice(r.id, r.name) for r in db.session.scalars(scoped(PatrolRoute).where(PatrolRoute.active).order_by(PatrolRoute.name))
    ]
    return form


@bp.post("/rounds")
@require("patrols.walk")
def ad_hoc_round():
    """A walk outside the schedule (an extra round, a supervisor's spot check)."""
    form = _ad_hoc_form()
    if not form.validate_on_submit():
        abort(400)
    route = get_or_404(PatrolRoute, form.route_id.data)
    round_ = start_ad_hoc_round(current_property(), route, current_user, clock.now())
    db.session.flush()
    return redirect(url_for("patrols.round_page", round_id=round_.id))
