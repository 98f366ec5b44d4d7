"""Wrong passwords, throttled: a few per account from one address (so one person cannot lock the desk
out), more per address across accounts (so one machine cannot try a common password on every account).

The count lives in the database, so every gunicorn worker and host sees the same one without extra
infrastructure. Used wherever a password is typed: the log-in, the incoming shift's confirmation and
the password asked again before sensitive actions.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request
from flask_babel import gettext as _

from models import LoginFailure, clock, db

from ..shared.transaction import keep_on_failure


def _address() -> str:
    return (request.remote_addr or "")[:45]


def throttled(username: str) -> bool:
    """Whether a password for `username` from this address must wait, whatever it is."""
    config = current_app.config
    since = clock.now() - timedelta(minutes=int(config["LOGIN_FAILURE_MINUTES"]))
    recent = sa.select(sa.func.count()).select_from(LoginFailure).where(
        LoginFailure.address == _address(), LoginFailure.at >= since)
    per_account = db.session.scalar(recent.where(LoginFailure.username == username.strip().lower()[:40]))
    return (per_account >= int(config["LOGIN_FAILURES_PER_ACCOUNT"])
            or db.session.scalar(recent) >= int(config["LOGIN_FAILURES_PER_ADDRESS"]))


def record_failure(username: str) -> None:
    """Count a wrong password: kept even though the request's answer (422) rolls back what it did."""
    failure = LoginFailure(at=clock.now(), address=_address(), username=username.strip().lower()[:40])
    db.session.add(failure)
    db.session.flush()  # counted at once (the password asked again checks right after)
    keep_on_failure(LoginFailure(at=failure.at, address=failure.address, username=failure.username))


def forget_old_failures() -> None:
    """On a successful log-in: counts older than a day are of no more use."""
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < clock.now() - timedelta(days=1)))


def wait_message() -> str:
    return _("密码错误次数过多，请 %(n)s 分钟后再试。", n=current_app.config["LOGIN_FAILURE_MINUTES"])
