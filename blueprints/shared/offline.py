"""Server side of offline-capable forms: each submission is processed once per client key.

A form rendered with the `offline_form` macro is submitted by static/js/offline.js with the headers
`X-Idempotency-Key` (one per user action), `X-Client-Time` (when the user pressed the button) and
`X-Offline-Submit`. The view is wrapped with `@offline_submit`:

- a new key: the view runs; on success the key, a digest of the body and the outcome are stored in
  the same transaction as the record (the request's one commit, see app.py);
- the same key and body again (a replay): the stored outcome is returned and nothing is created;
- the same key with another body: 409;
- a validation error (422) stores nothing, so the corrected form can be sent with the same key —
  unless the same key was taken meanwhile by a request sent at the same moment, whose outcome is
  then the answer.

Script requests get JSON instead of a redirect (`{"location": …}`), because a browser's fetch
cannot read the target of a redirect it does not follow.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta, timezone
from functools import wraps

import sqlalchemy as sa
from flask import abort, current_app, g, jsonify, make_response, redirect, request, session
from flask_babel import gettext as _
from flask_login import current_user

from models import clock, db
from models.offline import IdempotencyKey

from .modules import platform
from .permissions import current_property

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# A device clock may be off a little: a time up to this far ahead is taken as "now".
CLOCK_SKEW = timedelta(minutes=5)


def is_script_submit() -> bool:
    return request.headers.get("X-Offline-Submit") == "1"


def client_time() -> datetime:
    """When the user did it: the device's time of the action, if plausible — within the days a tablet
    may stay offline (OFFLINE_MAX_DAYS) and not ahead beyond clock skew — else the time it arrived. An
    implausible device time is kept, raw, on the submission's key (`refused_client_time`)."""
    now = clock.now()
    raw = request.headers.get("X-Client-Time") or request.form.get("_client_time", "")
    if not raw:
        return now
    try:
        sent = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        sent = None
    oldest = now - timedelta(days=int(current_app.config["OFFLINE_MAX_DAYS"]))
    if sent is None or sent.tzinfo is None or not oldest <= sent <= now + CLOCK_SKEW:
        g.refused_client_time = raw[:40]
        return now
    return min(sent.astimezone(timezone.utc), now)


def request_digest() -> str:
    """A digest of what was submitted: fields (minus the CSRF token, which changes) and file contents."""
    h = hashlib.sha256()
    for name in sorted(request.form):
        if name in ("csrf_token", "_client_time"):
            continue
        for value in request.form.getlist(name):
            h.update(f"{name}={value}\n".encode())
    for name in sorted(request.files):
        for upload in request.files.getlist(name):
            h.update(f"{name}:{upload.filename}:".encode())
            h.update(hashlib.sha256(upload.stream.read()).digest())
            upload.stream.seek(0)
    return h.hexdigest()


def _stored(key: str) -> IdempotencyKey | None:
    return db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.key == key))


def _replay(stored: IdempotencyKey, digest: str):
    if stored.user_id != current_user.id or stored.digest != digest:
        message = _("这条记录已用同一编号提交过，但内容不同。请在待同步列表中检查后重新填写。")
        if is_script_submit():
            return make_response(jsonify(error=message), 409)
        abort(409)
    return _success(stored.location, replayed=True)


def _success(location: str, *, replayed: bool = False):
    if is_script_submit():
        return make_response(jsonify(location=location, replayed=replayed), 201)
    return redirect(location, 303)


def keep_offline() -> str:
    """Let the service worker keep the page being rendered, so that it opens on this device without
    network. The `offline_form` macro calls it: a page with an offline-capable form is kept because it
    has one. Returns "" so that a template can call it in place."""
    g.offline_page = True
    return ""


def offline_page(view):
    """For a page without an offline form that a tablet must still open without network (the outbox)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        keep_offline()
        return view(*args, **kwargs)

    return wrapped


def mark_offline_page(response):
    """After a request: the service worker's mark on every page to keep — those with an offline form,
    those a view asked for, and the menu's pages, which a tablet opens first thing."""
    wanted = g.get("offline_page") or request.endpoint in {item.endpoint for item in platform().nav}
    if wanted and request.method == "GET" and response.status_code == 200:
        response.headers["X-Offline-Page"] = "1"
    return response


def new_idempotency_key() -> str:
    """Rendered into offline forms, so that even a form posted without JavaScript is taken once."""
    return secrets.token_hex(16)


def offline_submit(view):
    """For the create views of offline-capable forms (GET shows the form, POST creates)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        key = request.headers.get("X-Idempotency-Key") or request.form.get("_idempotency_key")
        if request.method != "POST" or not key:
            return make_response(view(*args, **kwargs))
        if not KEY_PATTERN.match(key):
            return make_response(jsonify(error=_("提交编号格式不正确")), 400)
        digest = request_digest()
        if stored := _stored(key):
            return _replay(stored, digest)
        response = make_response(view(*args, **kwargs))
        if response.status_code >= 400:
            if stored := _stored(key):
                # The same key finished in another request while this one ran (its record is what
                # this one's checks, e.g. for a repeat, tripped on): answer as that one did.
                db.session.rollback()
                return _replay(stored, digest)
            return response
        if request.headers.get("X-Offline-Replay") == "1":
            # Sent in the background, later: its "已登记…" is not news for whatever page the user opens next.
            session.pop("_flashes", None)
        location = response.headers.get("Location", request.path)
        db.session.add(
            IdempotencyKey(
                key=key,
                user_id=current_user.id,
                property_id=current_property().id,
                path=request.path,
                digest=digest,
                status_code=response.status_code,
                location=location,
                client_time=client_time(),
                refused_client_time=g.get("refused_client_time", ""),
            )
        )
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            # The same key arrived twice at once (PostgreSQL): the other request won; answer as it did.
            db.session.rollback()
            return _replay(_stored(key), digest)
        return _success(location)

    wrapped.offline = True
    return wrapped
