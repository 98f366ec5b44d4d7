"""Setting patrols up (admins, supervisors): routes, their ordered checkpoints and their schedules."""
import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from models import Building, db
from models.patrols import (
    PatrolCheckpoint,
    PatrolResult,
    PatrolRound,
    PatrolRoute,
    PatrolSchedule,
    RouteKind,
    STANDARD_CHECKS,
)

from ..shared.crud import Register, add_register_views, taken
from ..shared.forms import EmptyForm
from ..shared.htmx import INVALID, render
from ..shared.lists import Column, ListFilter
from ..shared.permissions import current_property, get_or_404, require, scoped, staff_holding
from . import bp
from .forms import CheckpointForm, RouteForm, ScheduleForm
from .services import new_code


def _route_clashes(form, route):
    stmt = scoped(PatrolRoute).where(PatrolRoute.name == form.name.data, PatrolRoute.id != route.id)
    return {"name": _("已有同名路线")} if taken(stmt) else {}


def _save_route(form, route):
    form.populate_obj(route)
    route.kind = RouteKind(form.kind.data)


def _route_blocks_delete(route):
    if taken(sa.select(PatrolRound.id).where(PatrolRound.route_id == route.id)):
        return _("该路线已有巡查记录，不能删除；不再使用请编辑为停用")
    if route.checkpoints:
        return _("请先删除该路线的检查点")
    return None


class RouteFilter(ListFilter):
    searched = (PatrolRoute.name,)
    sorts = {"active": (PatrolRoute.active.desc(), PatrolRoute.name)}  # the routes in use first


ROUTES = Register(
    name="routes", singular="route", model=PatrolRoute, form=RouteForm, title=_l("巡查路线"),
    permission="patrols.manage",
    columns=[
        Column(_l("名称"), lambda r: r.name),
        Column(_l("类别"), lambda r: r.kind.label),
        Column(_l("检查点"), lambda r: len(r.active_checkpoints), numeric=True),
        Column(_l("巡查时间"), lambda r: "、".join(s.at.strftime("%H:%M") for s in r.schedules if s.active)),
        Column(_l("状态"), lambda r: _("启用") if r.active else _("停用")),
    ],
    filters=RouteFilter,
    save=_save_route,
    clashes=_route_clashes,
    blocks_delete=_route_blocks_delete,
    detail_url=lambda r: url_for("patrols.route", route_id=r.id),
)
add_register_views(bp, ROUTES)


def _checkpoint_form(obj=None) -> CheckpointForm:
    data = {}
    if obj is not None:
        standard = {str(line) for line in STANDARD_CHECKS}
        data = {"checks": [line for line in obj.checklist if line in standard],
                "other_checks": "\n".join(line for line in obj.checklist if line not in standard)}
    form = CheckpointForm(obj=obj, data=data or None)
    form.building_id.choices = [SelectChoice("", _("（不属于某栋楼）"))] + [
        SelectChoice(b.id, b.name) for b in db.session.scalars(scoped(Building).order_by(Building.code))
    ]
    return form


def _schedule_form() -> ScheduleForm:
    form = ScheduleForm()
    form.assignee_id.choices = [SelectChoice("", _("（不指定）"))] + [
        SelectChoice(u.id, u.display_name) for u in staff_holding("patrols.walk", current_property().id)
    ]
    return form


def render_route(route: PatrolRoute, *, checkpoint_form=None, schedule_form=None, status=200):
    return render(
        "patrols/route.html", route=route, checkpoint_form=checkpoint_form or _checkpoint_form(),
        schedule_form=schedule_form or _schedule_form(),
        used=set(db.session.scalars(  # walked already: kept for the records, never deleted
            sa.select(PatrolResult.checkpoint_id).distinct()
            .where(PatrolResult.checkpoint_id.in_([c.id for c in route.checkpoints]))
        )),
        scheduled=set(db.session.scalars(
            sa.select(PatrolRound.schedule_id).where(PatrolRound.route_id == route.id, PatrolRound.schedule_id.is_not(None))
        )),
        status=status,
    )


def _checkpoint_used(checkpoint: PatrolCheckpoint) -> bool:
    return taken(sa.select(PatrolResult.id).where(PatrolResult.checkpoint_id == checkpoint.id))


def _code_clash(form, checkpoint_id: int | None) -> bool:
    stmt = scoped(PatrolCheckpoint).where(PatrolCheckpoint.code == form.code.data)
    if checkpoint_id is not None:
        stmt = stmt.where(PatrolCheckpoint.id != checkpoint_id)
    return bool(form.code.data) and taken(stmt)


def _fill_checkpoint(form: CheckpointForm, checkpoint: PatrolCheckpoint) -> None:
    checkpoint.building_id = form.building_id.data
    checkpoint.floor, checkpoint.place = form.floor.data, form.place.data
    checkpoint.code = form.code.data or checkpoint.code or new_code(current_property())
    checkpoint.typed_allowed = form.typed_allowed.data
    checkpoint.checklist = form.checklist()


@bp.get("/routes/<int:route_id>/checkpoints")
@require("patrols.manage")
def route(route_id: int):
    return render_route(get_or_404(PatrolRoute, route_id))


@bp.post("/routes/<int:route_id>/checkpoints")
@require("patrols.manage")
def add_checkpoint(route_id: int):
    route = get_or_404(PatrolRoute, route_id)
    form = _checkpoint_form()
    if form.validate_on_submit():
        if _code_clash(form, None):
            form.code.errors.append(_("本项目已有这个编码的检查点"))
        else:
            checkpoint = PatrolCheckpoint(property_id=route.property_id, route_id=route.id,
                                          position=max((c.position for c in route.checkpoints), default=0) + 1)
            _fill_checkpoint(form, checkpoint)
            db.session.add(checkpoint)
            db.session.flush()
            flash(_("已添加检查点：%(name)s（编码 %(code)s）", name=checkpoint.name, code=checkpoint.code), "success")
            return redirect(url_for("patrols.route", route_id=route.id, _anchor="checkpoints"))
    return render_route(route, checkpoint_form=form, status=INVALID)


@bp.route("/checkpoints/<int:checkpoint_id>/edit", methods=["GET", "POST"])
@require("patrols.manage")
def edit_checkpoint(checkpoint_id: int):
    checkpoint = get_or_404(PatrolCheckpoint, checkpoint_id)
    form = _checkpoint_form(checkpoint)
    if form.validate_on_submit():
        if _code_clash(form, checkpoint.id):
            form.code.errors.append(_("本项目已有这个编码的检查点"))
        else:
            _fill_checkpoint(form, checkpoint)
            db.session.flush()
            flash(_("已保存：%(name)s", name=checkpoint.name), "success")
            return redirect(url_for("patrols.route", route_id=checkpoint.route_id, _anchor="checkpoints"))
    status = INVALID if request.method == "POST" else 200
    return render("patrols/checkpoint_form.html", checkpoint=checkpoint, form=form, status=status)


@bp.post("/checkpoints/<int:checkpoint_id>/move")
@require("patrols.manage")
def move_checkpoint(checkpoint_id: int):
    """Up or down the route by one place: positions are renumbered 1, 2, 3 … in the new order."""
    checkpoint = get_or_404(PatrolCheckpoint, checkpoint_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    order = list(checkpoint.route.checkpoints)
    index = order.index(checkpoint)
    other = index - 1 if request.form.get("direction") == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    for position, item in enumerate(order, 1):
        item.position = position
    db.session.flush()
    return redirect(url_for("patrols.route", route_id=checkpoint.route_id, _anchor=f"checkpoint-{checkpoint.id}"))


@bp.post("/checkpoints/<int:checkpoint_id>/toggle")
@require("patrols.manage")
def toggle_checkpoint(checkpoint_id: int):
    """A checkpoint out of use leaves the rounds, and keeps its history."""
    checkpoint = get_or_404(PatrolCheckpoint, checkpoint_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    checkpoint.active = not checkpoint.active
    db.session.flush()
    flash(_("已启用：%(name)s", name=checkpoint.name) if checkpoint.active else _("已停用：%(name)s", name=checkpoint.name),
          "success")
    return redirect(url_for("patrols.route", route_id=checkpoint.route_id, _anchor="checkpoints"))


@bp.post("/checkpoints/<int:checkpoint_id>/delete")
@require("patrols.manage")
def delete_checkpoint(checkpoint_id: int):
    checkpoint = get_or_404(PatrolCheckpoint, checkpoint_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if _checkpoint_used(checkpoint):
        flash(_("该检查点已有巡查记录，不能删除；不再使用请停用"), "error")
    else:
        flash(_("已删除：%(name)s", name=checkpoint.name), "success")
        db.session.delete(checkpoint)
        db.session.flush()
    return redirect(url_for("patrols.route", route_id=checkpoint.route_id, _anchor="checkpoints"))


@bp.post("/routes/<int:route_id>/schedules")
@require("patrols.manage")
def add_schedule(route_id: int):
    route = get_or_404(PatrolRoute, route_id)
    form = _schedule_form()
    if form.validate_on_submit():
        at = form.at.data.replace(second=0, microsecond=0)
        if taken(sa.select(PatrolSchedule.id).where(PatrolSchedule.route_id == route.id, PatrolSchedule.at == at)):
            form.at.errors.append(_("这条路线已有 %(t)s 的巡查", t=at.strftime("%H:%M")))
        else:
            db.session.add(PatrolSchedule(
                property_id=route.property_id, route=route, at=at, weekdays="".join(sorted(form.weekdays.data)),
                window_minutes=form.window_minutes.data, assignee_id=form.assignee_id.data,
            ))
            db.session.flush()
            flash(_("已添加巡查时间 %(t)s；从下一次安排起生效", t=at.strftime("%H:%M")), "success")
            return redirect(url_for("patrols.route", route_id=route.id, _anchor="schedules"))
    return render_route(route, schedule_form=form, status=INVALID)


@bp.post("/schedules/<int:schedule_id>/toggle")
@require("patrols.manage")
def toggle_schedule(schedule_id: int):
    schedule = get_or_404(PatrolSchedule, schedule_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    schedule.active = not schedule.active
    db.session.flush()
    return redirect(url_for("patrols.route", route_id=schedule.route_id, _anchor="schedules"))


@bp.post("/schedules/<int:schedule_id>/delete")
@require("patrols.manage")
def delete_schedule(schedule_id: int):
    schedule = get_or_404(PatrolSchedule, schedule_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if taken(sa.select(PatrolRound.id).where(PatrolRound.schedule_id == schedule.id)):
        flash(_("按这个时间已安排过巡查，不能删除；不再使用请停用"), "error")
    else:
        db.session.delete(schedule)
        db.session.flush()
        flash(_("已删除巡查时间 %(t)s", t=schedule.at.strftime("%H:%M")), "success")
    return redirect(url_for("patrols.route", route_id=schedule.route_id, _anchor="schedules"))
