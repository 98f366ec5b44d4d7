"""Who may do what, in which property: the one mechanism every blueprint uses.

- Each module declares its permissions and the roles holding them (`permissions=` of its `Module`,
  see modules.py); the admin page 权限一览 shows the whole matrix.
- `@require("perm")` on a view: anonymous → login page, no such permission in the current property → 403.
- `scoped(Model)` / `get_or_404(Model, id)` for queries: a record of another property is a 404.
"""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import abort, g, session
from flask_login import current_user, login_required

from models import Property, Role, User, UserRole, db

from .modules import platform

A, S, L, C, D = Role.ADMIN, Role.SUPERVISOR, Role.LOBBY, Role.CONCIERGE, Role.DEPARTMENT


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


def roles_holding(permission: str) -> frozenset[Role]:
    return platform().permissions[permission].roles


def can(permission: str) -> bool:
    """Whether the current user holds `permission` in the current property (also used by templates)."""
    return bool(current_roles() & roles_holding(permission))


def require(permission: str):
    """Guard a view; the app refuses to start when no module declares `permission`."""

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


def staff(property_id: int, roles=None) -> list[User]:
    """Active users holding any of `roles` (default: any role) in the property, by name."""
    held = sa.select(UserRole.user_id).where(UserRole.property_id == property_id)
    if roles is not None:
        held = held.where(UserRole.role.in_(list(roles)))
    return list(db.session.scalars(sa.select(User).where(User.active, User.id.in_(held)).order_by(User.display_name)))


def staff_holding(permission: str, property_id: int) -> list[User]:
    return staff(property_id, roles_holding(permission))


def supervisor_ids(property_id: int) -> list[int]:
    """Whom to tell when something needs a supervisor's attention."""
    return [user.id for user in staff(property_id, {Role.SUPERVISOR})]
