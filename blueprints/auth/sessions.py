"""How long a log-in lasts: ended by log-out (this device), a new password, deactivation or an admin
(every device); closed after a role's idle time; and the password asked again before sensitive actions.

All of it rides in the signed session cookie (when it was last used, when the password was last typed)
and in the log-in's row, so any gunicorn host judges a request the same way.
"""
from __future__ import annotations

from functools import wraps

from flask import current_app, flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from models import LoginSession, Role, User, clock, db

from ..shared import i18n
from ..shared.htmx import INVALID, is_htmx, render
from ..shared.permissions import current_roles
from . import throttle

SEEN = "seen"  # when this log-in last made a request (epoch seconds)
PASSWORD_AT = "password_at"  # when the password was last typed in this log-in
REAUTH_FIELD = "_reauth_password"


def _now() -> int:
    return int(clock.now().timestamp())


def start(user: User, keep: list[str] = ()) -> None:
    """Log `user` in on this device: a new log-in row, a fresh cookie (keeping only the keys `keep`)."""
    kept = {key: session[key] for key in (*keep, i18n.SESSION_KEY) if key in session}
    session.clear()
    session.update(kept)
    if user.language is None and i18n.SESSION_KEY in kept:
        user.language = kept[i18n.SESSION_KEY]  # chosen on the log-in page: remembered from now on
    LoginSession.start(user, at=clock.now(), user_agent=request.user_agent.string,
                       address=request.remote_addr or "")
    login_user(user)
    session[SEEN] = session[PASSWORD_AT] = _now()


def end(reason: str = "logout") -> None:
    """Log out of this device: the log-in ends, so a copy of the cookie opens nothing either."""
    if current_user.is_authenticated:
        db.session.execute(
            LoginSession.__table__.update()
            .where(LoginSession.token == current_user.login_token, LoginSession.ended_at.is_(None))
            .values(ended_at=clock.now(), end_reason=reason)
        )
    language = current_user.language if current_user.is_authenticated else None
    logout_user()
    session.clear()
    if language:
        session[i18n.SESSION_KEY] = language  # the log-in page stays in the user's language


def idle_minutes() -> int:
    """An admin's screen locks soon; a desk or floor tablet lasts a shift. 0 turns the limit off."""
    config = current_app.config
    if Role.ADMIN in current_roles():
        return int(config["IDLE_MINUTES_ADMIN"])
    return int(config["IDLE_MINUTES"])


def close_idle_log_in():
    """Before every request: a log-in unused for longer than the role's idle time is closed here (the
    cookie is cleared; the row stays open until its owner logs out, so no GET writes)."""
    if not current_user.is_authenticated or request.endpoint == "static":
        return None
    now, limit = _now(), idle_minutes() * 60
    seen = session.get(SEEN, now)
    if limit and now - seen > limit:
        logout_user()
        session.clear()
        if request.headers.get("X-Offline-Submit") or is_htmx():
            return jsonify(error="login required"), 401
        flash(_("长时间未操作，已自动退出，请重新登录"), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if now - seen >= 60 or SEEN not in session:  # the cookie is re-sent at most once a minute
        session[SEEN] = now
    return None


def password_confirmed(view):
    """For sensitive actions (showing a whole ID number, deciding an approval, changing settings): the
    password typed within REAUTH_MINUTES, or typed now. What the user sent waits, in a form of hidden
    fields beside the password box, and goes on once the password is right; nothing typed is lost."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        limit = int(current_app.config["REAUTH_MINUTES"]) * 60
        if not limit or request.method != "POST" or _now() - session.get(PASSWORD_AT, 0) <= limit:
            return view(*args, **kwargs)
        error = None
        if REAUTH_FIELD in request.form:
            username = current_user.username
            if not throttle.throttled(username) and current_user.check_password(request.form[REAUTH_FIELD]):
                session[PASSWORD_AT] = _now()
                return view(*args, **kwargs)
            throttle.record_failure(username)
            if throttle.throttled(username):  # someone is guessing: the log-in ends
                end("reauth")
                flash(throttle.wait_message(), "error")
                return redirect(url_for("auth.login"))
            error = _("密码不正确")
        if request.headers.get("X-Offline-Submit"):
            return jsonify(error="password required"), 403
        fields = [(name, value) for name, values in request.form.lists() if name != REAUTH_FIELD
                  for value in values]
        response = render("auth/confirm_password.html", "confirm", fields=fields, error=error, field=REAUTH_FIELD,
                          action=request.full_path.rstrip("?"), status=INVALID if error else 200)
        if is_htmx():
            # The question takes the page's main area; its form is an ordinary one, posted without htmx.
            response.headers.update({"HX-Retarget": "#main", "HX-Reswap": "innerHTML"})
        return response

    return wrapper
