from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from models import User, clock, db

from ..shared import i18n
from ..shared.htmx import INVALID, render
from . import bp, sessions, throttle
from .forms import LanguageForm, LoginForm, SwitchPropertyForm


def _safe_next(target: str | None) -> str:
    """Only local paths: an open redirect after login would hand the session to another site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render("auth/login.html", form=form, status=INVALID if request.method == "POST" else 200)
    if throttle.throttled(form.username.data):
        form.password.errors = [throttle.wait_message()]  # even the right password waits
        return render("auth/login.html", form=form, status=429)
    user = db.session.scalar(sa.select(User).where(User.username == form.username.data.strip()))
    if user is None or not user.check_password(form.password.data):
        throttle.record_failure(form.username.data)
        form.password.errors = [_("用户名或密码不正确")]
        return render("auth/login.html", form=form, status=INVALID)
    if not user.active:
        form.username.errors = [_("此账号已停用，请联系管理员")]
        return render("auth/login.html", form=form, status=INVALID)
    if not user.property_ids():
        form.username.errors = [_("此账号尚未分配项目，请联系管理员")]
        return render("auth/login.html", form=form, status=INVALID)
    sessions.start(user)
    throttle.forget_old_failures()
    user.last_login_at = clock.now()
    db.session.flush()
    return redirect(_safe_next(form.next.data))


@bp.post("/logout")
@login_required
def logout():
    sessions.end()
    flash(_("已退出登录"), "info")
    return redirect(url_for("auth.login"))


@bp.get("/csrf-token")
def csrf_token():
    """A fresh CSRF token for scripts (offline replay); 401 rather than a login redirect when signed out."""
    if not current_user.is_authenticated:
        return jsonify(error="login required"), 401
    response = jsonify(token=generate_csrf(), user=current_user.username)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/language")
def language():
    """The header's 简 / 繁 / EN: the choice is remembered on the user (any tablet) and in the session."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    i18n.choose(form.language.data)
    return redirect(_safe_next(form.next.data))


@bp.post("/switch-property")
@login_required
def switch_property():
    form = SwitchPropertyForm()
    if not form.validate_on_submit() or form.property_id.data not in current_user.property_ids():
        abort(403)
    session["property_id"] = form.property_id.data
    return redirect(url_for("dashboard.index"))
