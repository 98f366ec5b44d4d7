"""Who may do what, in which property: the one mechanism every blueprint uses.

- `@require("perm")` on a view: anonymous → login page, no such permission in the current property → 403.
- `scoped(Model)` / `get_or_404(Model, id)` for queries: a record of another property is a 404.
"""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import abort, g, session
from flask_login import current_user, login_required

from models import Property, Role, db

A, S, L, C, D = Role.ADMIN, Role.SUPERVISOR, Role.LOBBY, Role.CONCIERGE, Role.DEPARTMENT

PERMISSIONS: dict[str, frozenset[Role]] = {
    "dashboard.view": frozenset({A, S, L, C, D}),
    "outbox.use": frozenset({A, S, L, C, D}),
    "files.view": frozenset({A, S, L, C, D}),
    "tickets.view": frozenset({A, S, L, C, D}),
    "tickets.register": frozenset({S, L, C}),
    "tickets.dispatch": frozenset({S, L, C}),
    "tickets.work": frozenset({S, D}),
    "tickets.feedback": frozenset({S, L, C}),
    "tickets.visit": frozenset({S, L, C}),
    "tickets.capa": frozenset({S, A}),
    "reports.view": frozenset({S, A}),
    "tickets.settings": frozenset({A}),
    "journal.view": frozenset({A, S, L, C}),
    "journal.work": frozenset({S, L, C}),
    "journal.print": frozenset({A, S, L}),
    "passes.view": frozenset({A, S, L, C, D}),
    "passes.issue": frozenset({S, L}),
    "passes.use": frozenset({S, L, C, D}),
    "visitors.view": frozenset({A, S, L, C}),
    "visitors.register": frozenset({S, L, C}),
    "visitors.blocklist": frozenset({S}),
    "parcels.view": frozenset({A, S, L, C}),
    "parcels.work": frozenset({S, L, C}),
    "patrols.view": frozenset({A, S, C, L}),
    "patrols.walk": frozenset({S, C}),
    "patrols.manage": frozenset({A, S}),
    "decoration.view": frozenset({A, S, L, C}),
    "decoration.manage": frozenset({A, S, L}),
    "decoration.inspect": frozenset({S, C}),
    "admin.manage": frozenset({A}),
    "archive.view": frozenset({A, S, L, C}),
    "archive.reveal": frozenset({A, S}),
    "archive.print": frozenset({A, S}),
    "audit.read": frozenset({A, S}),
}


def current_property() -> Property | None:
    """The property the signed-in user is working in (chosen from the header), loaded once a request."""
    if "property" not in g:
        g.property = _resolve_current_property()
    return g.property


def _resolve_current_property() -> Property | None:
    if not current_user.is_authenticated:
        return None
    allowed = current_user.property_ids()
    if not allowed:
        return None
    wanted = session.get("property_id")
    property_id = wanted if wanted in allowed else allowed[0]
    return db.session.get(Property, property_id)


def current_roles() -> frozenset[Role]:
    """The user's roles in the current property, worked out once a request (menus ask many times)."""
    if "roles" not in g:
        prop = current_property()
        g.roles = frozenset(current_user.roles_in(prop.id)) if prop else frozenset()
    return g.roles


def can(permission: str) -> bool:
    """Whether the current user holds `permission` in the current property (also used by templates)."""
    return bool(current_roles() & PERMISSIONS[permission])


def require(permission: str):
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = permission
        return wrapped

    return decorator


def scoped(model) -> sa.Select:
    """SELECT model rows of the current property only."""
    return sa.select(model).where(model.property_id == current_property().id)


def get_or_404(model, record_id):
    return db.first_or_404(scoped(model).where(model.id == record_id))
