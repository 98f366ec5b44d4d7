from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import CalendarDay, LoginSession, Property, Role, User, UserRole, db

from ..auth import sessions
from ..auth.sessions import password_confirmed
from ..shared.forms import EmptyForm
from ..shared.htmx import INVALID, render
from ..shared.localtime import today
from ..shared.modules import platform
from ..shared.permissions import can, current_property, get_or_404, require, scoped
from . import bp
from .forms import CalendarDayForm, PropertyForm, UserForm, users_of_current_property
from .services import (
    CALENDAR_YEARS,
    create_property,
    import_official_calendar,
    renumber_units,
    year_has_official_data,
)


@bp.get("/")
@require("admin.manage")
def index():
    return render("admin/index.html", module_links=[link for link in platform().admin if can(link.permission)])


# Properties: an admin manages the properties where they hold the admin role.


def _administered_properties() -> list[Property]:
    ids = [r.property_id for r in current_user.roles if r.role is Role.ADMIN]
    return list(db.session.scalars(sa.select(Property).where(Property.id.in_(ids)).order_by(Property.code)))


@bp.get("/properties")
@require("admin.manage")
def properties():
    return render("admin/properties.html", properties=_administered_properties())


@bp.route("/properties/new", methods=["GET", "POST"])
@bp.route("/properties/<int:property_id>", methods=["GET", "POST"])
@require("admin.manage")
@password_confirmed
def edit_property(property_id: int | None = None):
    prop = None
    if property_id is not None:
        prop = next((p for p in _administered_properties() if p.id == property_id), None)
        if prop is None:
            abort(404)
    form = PropertyForm(obj=prop)
    if form.validate_on_submit():
        code_taken = db.session.scalar(
            sa.select(sa.exists().where(Property.code == form.code.data, Property.id != (property_id or 0)))
        )
        if code_taken:
            form.code.errors.append(_("该代号已被其他项目使用"))
        else:
            target = prop or Property()
            old_code = target.code
            form.populate_obj(target)
            if prop is None:
                create_property(target, current_user)
            elif target.code != old_code:
                renumber_units(target)
            db.session.flush()
            flash(_("已保存项目：%(name)s", name=target.name), "success")
            return redirect(url_for("admin.properties"))
    return render(
        "admin/property_form.html", form=form, prop=prop, status=INVALID if request.method == "POST" else 200
    )


# Users: accounts are company-wide; an admin grants and withdraws roles in the current property.


@bp.get("/users")
@require("admin.manage")
def users():
    return render("admin/users.html", users=users_of_current_property())


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require("admin.manage")
@password_confirmed
def edit_user(user_id: int | None = None):
    prop = current_property()
    user = None
    if user_id is not None:
        user = db.session.get(User, user_id)
        if user is None or prop.id not in user.property_ids():
            abort(404)
    roles_here = [r for r in user.roles if r.property_id == prop.id] if user else []
    form = UserForm(creating=user is None, data=_user_form_data(user, roles_here))
    if form.validate_on_submit():
        clash = db.session.scalar(
            sa.select(sa.exists().where(User.username == form.username.data, User.id != (user_id or 0)))
        )
        if clash:
            form.username.errors.append(_("该用户名已被使用"))
        elif user is not None and user.id == current_user.id and Role.ADMIN.value not in form.roles.data:
            form.roles.errors.append(_("不能取消自己的管理员角色"))
        elif user is not None and user.id == current_user.id and not form.active.data:
            form.active.errors.append(_("不能停用自己的账号"))
        elif user is not None and form.password.data and not _administers_all_properties_of(user):
            form.password.errors.append(_("此人还在其他项目任职，密码只能由其所有项目的管理员修改"))
        elif user is not None and (changed := _account_fields_changed(form, user)) and not _administers_all_properties_of(user):
            changed[0].errors.append(_("此人还在其他项目任职，账号资料和启用状态只能由其所有项目的管理员修改；"
                                       "您可以调整其在本项目的角色"))
        else:
            user = _save_user(form, user, roles_here)
            db.session.flush()
            if user.id == current_user.id and form.password.data:
                sessions.start(user, keep=["property_id"])  # a new password ends the other log-ins, not this one
            flash(_("已保存用户：%(name)s", name=user.display_name), "success")
            return redirect(url_for("admin.users"))
    return render(
        "admin/user_form.html", form=form, user=user, open_log_ins=_open_log_ins(user),
        may_sign_out=user is not None and _administers_all_properties_of(user),
        status=INVALID if request.method == "POST" else 200,
    )


def _open_log_ins(user: User | None) -> list[LoginSession]:
    if user is None:
        return []
    return list(db.session.scalars(
        sa.select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .order_by(LoginSession.started_at.desc())
    ))


@bp.post("/users/<int:user_id>/sign-out")
@require("admin.manage")
@password_confirmed
def sign_out_everywhere(user_id: int):
    """End every open log-in of the account, on every device (a lost tablet, a shared password)."""
    user = db.session.get(User, user_id)
    if user is None or current_property().id not in user.property_ids():
        abort(404)
    if not _administers_all_properties_of(user):
        abort(403)
    user.end_sessions("admin")
    if user.id == current_user.id:
        sessions.end("admin")
        return redirect(url_for("auth.login"))
    flash(_("已让 %(name)s 在所有设备上退出登录", name=user.display_name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


def _administers_all_properties_of(user: User) -> bool:
    """A password opens every property of the account: only an admin of all of them may reset it."""
    administered = {r.property_id for r in current_user.roles if r.role is Role.ADMIN}
    return set(user.property_ids()) <= administered


def _account_fields_changed(form: UserForm, user: User) -> list:
    """The fields of the account itself (not its roles here) that the form would change."""
    fields = [(form.username, user.username), (form.display_name, user.display_name), (form.phone, user.phone),
              (form.active, user.active)]
    return [field for field, value in fields if (field.data or type(value)()) != value]


def _user_form_data(user: User | None, roles_here: list[UserRole]) -> dict | None:
    if user is None:
        return None
    department = next((r.department_id for r in roles_here if r.department_id), None)
    return {
        "username": user.username,
        "display_name": user.display_name,
        "phone": user.phone,
        "active": user.active,
        "roles": [r.role.value for r in roles_here],
        "department_id": department,
    }


def _save_user(form: UserForm, user: User | None, roles_here: list[UserRole]) -> User:
    prop = current_property()
    if user is None:
        user = User()
        db.session.add(user)
    user.username = form.username.data
    user.display_name = form.display_name.data
    user.phone = form.phone.data or ""
    if form.password.data:
        user.set_password(form.password.data)
    if user.active and not form.active.data:
        user.deactivate()
    user.active = form.active.data
    wanted = {Role(v) for v in form.roles.data}
    for role in roles_here:
        if role.role not in wanted:
            user.roles.remove(role)
    held = {r.role: r for r in roles_here if r.role in wanted}
    for role in wanted:
        if role not in held:
            held[role] = UserRole(property_id=prop.id, role=role)
            user.roles.append(held[role])
        held[role].department_id = form.department_id.data if role is Role.DEPARTMENT else None
    return user


# Working calendar: holidays and 调休 workdays that change the Monday–Friday week.


def _year_shown() -> int:
    year = request.args.get("year", today().year, type=int)
    if year not in CALENDAR_YEARS:
        abort(404)
    return year


@bp.get("/calendar")
@require("admin.manage")
def calendar():
    return _calendar_page(_year_shown(), CalendarDayForm())


def _calendar_page(year: int, form: CalendarDayForm, status: int = 200):
    days = db.session.scalars(
        scoped(CalendarDay)
        .where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(CalendarDay.day)
    ).all()
    return render(
        "admin/calendar.html",
        year=year,
        days=days,
        form=form,
        official=year_has_official_data(year),
        status=status,
    )


@bp.post("/calendar")
@require("admin.manage")
def add_calendar_day():
    form = CalendarDayForm()
    year = _year_shown()
    if form.validate_on_submit():
        existing = db.session.scalar(scoped(CalendarDay).where(CalendarDay.day == form.day.data))
        day = existing or CalendarDay(property_id=current_property().id, day=form.day.data)
        day.is_workday = form.is_workday.data == "1"
        day.name = form.name.data or ""
        db.session.add(day)
        db.session.flush()
        flash(_("已保存 %(day)s", day=form.day.data.isoformat()), "success")
        return redirect(url_for("admin.calendar", year=form.day.data.year))
    return _calendar_page(year, form, INVALID)


@bp.post("/calendar/<int:day_id>/delete")
@require("admin.manage")
def delete_calendar_day(day_id: int):
    day = get_or_404(CalendarDay, day_id)
    if EmptyForm().validate_on_submit():
        db.session.delete(day)
        db.session.flush()
    return redirect(url_for("admin.calendar", year=day.day.year))


@bp.post("/calendar/import-official")
@require("admin.manage")
def import_official():
    year = request.form.get("year", type=int)
    if not EmptyForm().validate_on_submit() or year not in CALENDAR_YEARS:
        abort(400)
    if not year_has_official_data(year):
        flash(_("程序内置的国家节假日数据不包含 %(year)d 年，请按国务院通知逐日录入。", year=year), "warning")
    else:
        added = import_official_calendar(current_property(), year)
        db.session.flush()
        flash(_("已导入 %(year)d 年的节假日和调休安排 %(n)d 天", year=year, n=added), "success")
    return redirect(url_for("admin.calendar", year=year))


@bp.get("/permissions")
@require("admin.manage")
def permission_matrix():
    """权限一览: every permission the modules declare, and the roles holding it."""
    return render("admin/permissions.html", modules=[m for m in platform().modules if m.permissions], roles=list(Role))
