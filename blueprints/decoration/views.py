from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from models import Unit, db
from models.attachments import attachments_of
from models.decoration import Decoration, DecorationError, DecorationStatus, Violation, ViolationKind

from ..shared.htmx import INVALID, render
from ..shared.lists import UNIT_ORDER, Column, ListFilter, export_xlsx
from ..shared.localtime import today
from ..shared.offline import client_time, offline_submit
from ..shared.permissions import current_property, get_or_404, require, scoped
from ..shared.printing import render_pdf
from ..shared.units import unit_term
from . import bp
from .forms import DecorationForm, EditDecorationForm, ReinspectForm, ViolationForm
from .services import (
    awaiting_reinspection, record_violation, reinspect, repeat_offenders, save_decoration, unit_violation_count,
    violation_counts,
)

STATUS_FILTERS = ("in_progress", "finished", "accepted", "all")


@dataclass
class DecorationFilter(ListFilter):
    status: str = "in_progress"

    def __post_init__(self):
        if self.status not in STATUS_FILTERS:
            self.status = "in_progress"

    def select(self) -> sa.Select:
        stmt = scoped(Decoration).join(Decoration.unit).join(Unit.building)
        return self.apply(stmt.order_by(*UNIT_ORDER, Decoration.id))

    def violations(self) -> sa.Select:
        """The violations of the decorations listed, unit by unit, as they were found."""
        stmt = scoped(Violation).join(Violation.decoration).join(Decoration.unit).join(Unit.building)
        return self.where(stmt).order_by(*UNIT_ORDER, Violation.found_at, Violation.id)

    def where(self, stmt: sa.Select) -> sa.Select:
        if self.status != "all":
            stmt = stmt.where(Decoration.status == DecorationStatus(self.status))
        if q := self.q:
            stmt = stmt.where(Unit.archive_no.icontains(unit_term(q), autoescape=True)
                              | Decoration.permit_no.icontains(q.replace(" ", ""), autoescape=True)
                              | Decoration.owner_name.contains(q, autoescape=True)
                              | Decoration.contractor.contains(q, autoescape=True))
        return stmt


@bp.get("/")
@require("decoration.view")
def index():
    filters = DecorationFilter.from_args(request.args)
    page = db.paginate(filters.select(), per_page=50, error_out=False)
    return render(
        "decoration/index.html", "results", page=page, filters=filters, statuses=DecorationStatus,
        counts=violation_counts([d.id for d in page.items]),
        due=len(awaiting_reinspection(current_property().id, today())),
    )


VIOLATION_COLUMNS = [
    Column(_l("通知书编号"), lambda v: v.number),
    Column(_l("房号"), lambda v: v.decoration.unit.archive_no),
    Column(_l("业主"), lambda v: v.decoration.owner_name),
    Column(_l("施工单位"), lambda v: v.decoration.contractor, width=24),
    Column(_l("违章"), lambda v: v.kind.label),
    Column(_l("情况"), lambda v: v.note, width=40),
    Column(_l("发现时间"), lambda v: v.found_at),
    Column(_l("发现人"), lambda v: v.found_by.display_name),
    Column(_l("整改期限"), lambda v: v.deadline),
    Column(_l("复验日期"), lambda v: v.reinspect_on),
    Column(_l("复验次数"), lambda v: len(v.reinspections), numeric=True, width=10),
    Column(_l("状态"), lambda v: v.status.label),
]


@bp.get("/violations.xlsx")
@require("decoration.view")
def export_violations():
    """The violations of the decorations the list shows as filtered, every page of it."""
    stmt = DecorationFilter.from_args(request.args).violations().options(
        contains_eager(Violation.decoration).contains_eager(Decoration.unit), joinedload(Violation.found_by),
        selectinload(Violation.reinspections),
    )
    return export_xlsx(_("装修违章"), VIOLATION_COLUMNS, stmt)


@bp.route("/new", methods=["GET", "POST"])
@require("decoration.manage")
def new():
    form = DecorationForm()
    if form.validate_on_submit():
        decoration = Decoration(property_id=current_property().id, registered_by=current_user,
                                status=DecorationStatus.IN_PROGRESS)
        if saved := _save(form, decoration):
            return saved
    return render("decoration/form.html", form=form, decoration=None,
                  status=INVALID if request.method == "POST" else 200)


@bp.route("/<int:decoration_id>/edit", methods=["GET", "POST"])
@require("decoration.manage")
def edit(decoration_id: int):
    decoration = get_or_404(Decoration, decoration_id)
    form = EditDecorationForm(obj=decoration)
    if form.validate_on_submit() and (saved := _save(form, decoration)):
        return saved
    return render("decoration/form.html", form=form, decoration=decoration,
                  status=INVALID if request.method == "POST" else 200)


def _save(form: DecorationForm, decoration: Decoration):
    """Fill `decoration` from the form and save it; None (the form carrying the error) on a clash."""
    with db.session.no_autoflush:
        for name, field in form._fields.items():
            if name not in ("unit", "status", "csrf_token"):
                field.populate_obj(decoration, name)
        decoration.unit = form.unit.unit
        if "status" in form:
            decoration.status = DecorationStatus(form.status.data)
        if problem := save_decoration(decoration):
            name, message = problem
            getattr(form, name).errors.append(message)
            db.session.rollback()
            return None
    db.session.flush()
    flash(_("已保存装修登记：%(unit)s %(owner)s", unit=decoration.unit.archive_no, owner=decoration.owner_name), "success")
    return redirect(url_for("decoration.detail", decoration_id=decoration.id))


@bp.get("/<int:decoration_id>")
@require("decoration.view")
def detail(decoration_id: int):
    decoration = get_or_404(Decoration, decoration_id)
    return render(
        "decoration/detail.html", decoration=decoration, earlier=unit_violation_count(decoration.unit_id) - len(decoration.violations),
        photos={v.id: attachments_of(v) for v in decoration.violations},
    )


@bp.route("/violations/new", methods=["GET", "POST"])
@require("decoration.inspect")
@offline_submit
def new_violation():
    """On the floors, often without signal: kept on the tablet and sent when the network returns."""
    form = ViolationForm()
    if request.method == "GET" and not form.unit.data:
        form.unit.data = request.args.get("unit", "")
    if form.validate_on_submit():
        violation = record_violation(
            current_property(), form.decoration, kind=ViolationKind(form.kind.data), note=form.note.data or "",
            deadline=form.deadline.data, photos=form.photos, by=current_user, at=client_time(),
        )
        count = unit_violation_count(form.decoration.unit_id)
        flash(_("已记录违章 %(n)s，请打印违章通知书交业主或施工负责人签收", n=violation.number)
              + (_("（该户第 %(c)d 次违章）", c=count) if count > 1 else ""), "success")
        return redirect(url_for("decoration.violation", violation_id=violation.id))
    under_way = db.session.scalars(
        scoped(Decoration).join(Decoration.unit).where(Decoration.status == DecorationStatus.IN_PROGRESS)
        .order_by(Unit.archive_no)
    ).all()
    recent = db.session.scalars(
        scoped(Violation).where(Violation.found_by_id == current_user.id).order_by(Violation.id.desc()).limit(5)
    ).all()
    return render("decoration/violation_form.html", form=form, under_way=under_way, recent=recent,
                  status=INVALID if request.method == "POST" else 200)


def render_violation(violation: Violation, reinspect_form=None, status=200):
    if reinspect_form is None:
        reinspect_form = ReinspectForm(formdata=None, data={"round": len(violation.reinspections) + 1})
    return render(
        "decoration/violation.html", violation=violation, photos=attachments_of(violation),
        reinspect_form=reinspect_form, unit_count=unit_violation_count(violation.decoration.unit_id), status=status,
    )


@bp.get("/violations/<int:violation_id>")
@require("decoration.view")
def violation(violation_id: int):
    return render_violation(get_or_404(Violation, violation_id))


@bp.post("/violations/<int:violation_id>/reinspect")
@require("decoration.inspect")
def reinspect_view(violation_id: int):
    # Locked until the request ends: two tablets cannot record the same round.
    violation = db.first_or_404(scoped(Violation).where(Violation.id == violation_id).with_for_update())
    form = ReinspectForm()
    if form.validate_on_submit():
        if violation.resolved or form.round.data != str(len(violation.reinspections) + 1):
            flash(_("%(n)s 刚刚已由他人复验，请查看最新结果", n=violation.number), "error")
            return redirect(url_for("decoration.violation", violation_id=violation.id))
        try:
            reinspect(violation, rectified=form.rectified, note=form.note.data or "",
                      new_deadline=None if form.rectified else form.new_deadline.data,
                      by=current_user, at=client_time())
        except DecorationError as error:
            target = form.new_deadline if form.new_deadline.data and not form.rectified else form.note
            target.errors.append(str(error))
        else:
            db.session.flush()
            flash(_("复验已记录：%(n)s %(s)s", n=violation.number, s=violation.status.label), "success")
            return redirect(url_for("decoration.violation", violation_id=violation.id))
    return render_violation(violation, reinspect_form=form, status=INVALID)


@bp.get("/violations/<int:violation_id>/notice.pdf")
@require("decoration.view")
def notice_pdf(violation_id: int):
    violation = get_or_404(Violation, violation_id)
    return render_pdf("print/decoration/notice.html", filename=_("违章通知书-%(n)s", n=violation.number),
                      title=_("违章通知书"), number=violation.number, violation=violation,
                      decoration=violation.decoration, photos=attachments_of(violation))


@bp.get("/reinspections")
@require("decoration.view")
def reinspections():
    """Re-inspections overdue and due today, with the coming week's for planning the rounds."""
    day = today()
    due = awaiting_reinspection(current_property().id, day + timedelta(days=7))
    return render("decoration/reinspections.html", today=day, due=due)


@bp.get("/repeats")
@require("decoration.view")
def repeats():
    return render("decoration/repeats.html", offenders=repeat_offenders(current_property().id))
