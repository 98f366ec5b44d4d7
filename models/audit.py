"""The append-only audit log, written for every create, update and delete by one session hook.

Models opt out with ``__audited__ = False``. Columns marked ``info={"sensitive": True}`` are logged
masked, ``info={"secret": True}`` only as "changed". Database triggers (see the migration) refuse
UPDATE and DELETE on the table.
"""
from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import UTCDateTime, db
from .clock import now
from .enums import LabelledEnum, enum_type
from .org import mask_id_number


class AuditAction(LabelledEnum):
    CREATE = "create", _l("新建")
    UPDATE = "update", _l("修改")
    DELETE = "delete", _l("删除")
    REVEAL = "reveal", _l("查看完整个人信息")


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    property_id: Mapped[int | None] = mapped_column(sa.ForeignKey("properties.id"))
    table_name: Mapped[str] = mapped_column(sa.String(50))
    record_id: Mapped[str] = mapped_column(sa.String(40))
    action: Mapped[AuditAction] = mapped_column(enum_type(AuditAction))
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    user = sa.orm.relationship("User")

    __table_args__ = (sa.Index("ix_audit_log_record", "table_name", "record_id", "id"),)


def _acting_user_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _logged_value(column: sa.Column, value: Any) -> Any:
    if column.info.get("secret"):
        return "***"
    if column.info.get("sensitive") and value:
        return mask_id_number(str(value))
    return _plain(value)


def _property_of(obj) -> int | None:
    if obj.__tablename__ == "properties":
        return obj.id
    return getattr(obj, "property_id", None)


def _snapshot(obj) -> dict[str, Any]:
    mapper = sa.inspect(obj).mapper
    return {
        col.key: _logged_value(col, getattr(obj, col.key))
        for col in mapper.columns
        if col.key not in ("id", "property_id", "created_at", "updated_at")
        and not col.info.get("unaudited")
        and getattr(obj, col.key) not in (None, "")
    }


def _diff(obj) -> dict[str, list[Any]]:
    state = sa.inspect(obj)
    changes = {}
    for col in state.mapper.columns:
        if col.key == "updated_at" or col.info.get("unaudited"):
            continue
        history = state.attrs[col.key].history
        if history.has_changes() and history.deleted != history.added:
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[col.key] = [_logged_value(col, old), _logged_value(col, new)]
    return changes


def _audited(obj) -> bool:
    return getattr(obj, "__audited__", True)


@sa.event.listens_for(sa.orm.Mapper, "mapper_configured")
def _keep_old_values(mapper, class_) -> None:
    """Load a column's old value before it is overwritten, even on an expired object, so the log
    shows what it was (the same as `mapped_column(active_history=True)` on every audited column)."""
    if getattr(class_, "__audited__", True):
        for prop in mapper.column_attrs:
            mapper.class_manager[prop.key].impl.active_history = True


@sa.event.listens_for(Session, "after_flush")
def _write_audit_entries(session: Session, flush_context) -> None:
    rows = []
    for action, objects in (
        (AuditAction.CREATE, session.new),
        (AuditAction.UPDATE, session.dirty),
        (AuditAction.DELETE, session.deleted),
    ):
        for obj in objects:
            if not _audited(obj):
                continue
            if action is AuditAction.UPDATE:
                changes = _diff(obj)
                if not changes:
                    continue
            else:
                changes = _snapshot(obj)
            rows.append(_entry(obj, action, changes))
    if rows:
        session.connection().execute(sa.insert(AuditEntry.__table__), rows)


def _entry(obj, action: AuditAction, changes: dict) -> dict:
    return {
        "at": now(),
        "user_id": _acting_user_id(),
        "property_id": _property_of(obj),
        "table_name": obj.__tablename__,
        "record_id": str(sa.inspect(obj).mapper.primary_key_from_instance(obj)[0]),
        "action": action,
        "changes": changes,
    }


def log_reveal(obj, fields: list[str], reason: str = "") -> None:
    """Record that the full (unmasked) personal data of `obj` was shown to the current user (and why,
    when it is shown for a job rather than asked for)."""
    changes = {"fields": fields, **({"reason": reason} if reason else {})}
    entry = [_entry(obj, AuditAction.REVEAL, changes)]
    try:
        db.session.execute(sa.insert(AuditEntry.__table__), entry)
    except sa.exc.OperationalError:
        page = has_request_context() and request.method in ("GET", "HEAD")
        if not (page and db.session.get_bind().dialect.name == "sqlite"):
            raise
        # A page shows the data: its transaction has been reading (app.py begins a GET's deferred), and SQLite
        # lets it write only if no other request wrote since it began ("database is locked" at once, as
        # waiting cannot help). A page has nothing to lose in a rollback (what it loaded is read again as it
        # goes on): a new transaction waits its turn to write the entry, and the request commits it.
        db.session.rollback()
        db.session.execute(sa.insert(AuditEntry.__table__), entry)
