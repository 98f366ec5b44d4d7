"""Staff accounts and their roles, each role held in one property."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .base import Timestamped, UTCDateTime, db
from .clock import now
from .enums import LabelledEnum, enum_type
from .org import Department, Property


class Role(LabelledEnum):
    CONCIERGE = "concierge", _l("楼层客服")
    LOBBY = "lobby", _l("前台")
    SUPERVISOR = "supervisor", _l("客服主管")
    DEPARTMENT = "department", _l("部门人员")
    ADMIN = "admin", _l("管理员")


def _new_login_token() -> str:
    return secrets.token_urlsafe(32)


class User(Timestamped, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(50))
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(200), info={"secret": True})
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info={"unaudited": True})
    # The interface language the user chose (zh_CN, zh_Hant, en); None: the browser's.
    language: Mapped[str | None] = mapped_column(sa.String(10), info={"unaudited": True})

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserRole.id"
    )

    # Flask-Login protocol: the login cookie names the log-in (a LoginSession's token), not the user, so
    # one device's log-out ends that log-in only and a copy of the cookie dies with it.
    is_authenticated = True
    is_anonymous = False
    login_token = None  # the log-in this request runs under (set by login and the user loader)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.login_token

    def set_password(self, password: str) -> None:
        """A new password ends every log-in made with the old one, on any device."""
        self.password_hash = generate_password_hash(password, current_app.config["PASSWORD_HASH_METHOD"])
        self.end_sessions("password")

    def deactivate(self) -> None:
        """Refuse new log-ins and end the sessions still open on any device."""
        self.active = False
        self.end_sessions("deactivated")

    def end_sessions(self, reason: str, at: datetime | None = None) -> None:
        if self.id is None:
            return
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.user_id == self.id, LoginSession.ended_at.is_(None))
            .values(ended_at=at or now(), end_reason=reason)
        )

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def property_ids(self) -> list[int]:
        return sorted({r.property_id for r in self.roles})

    def roles_in(self, property_id: int) -> set[Role]:
        return {r.role for r in self.roles if r.property_id == property_id}

    def __str__(self) -> str:
        return self.display_name


class UserRole(db.Model):
    __tablename__ = "user_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    property_id: Mapped[int] = mapped_column(sa.ForeignKey("properties.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role))
    # For the department role: which department's queue the user works.
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))

    user: Mapped[User] = relationship(back_populates="roles")
    property: Mapped[Property] = relationship()
    department: Mapped[Department | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("user_id", "property_id", "role"),)


class LoginSession(db.Model):
    """One log-in on one device: the session cookie carries its token. Ending it (log-out, a new
    password, deactivation, an admin's "sign out everywhere") makes every copy of that cookie worthless."""

    __tablename__ = "login_sessions"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=_new_login_token, info={"secret": True})
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str] = mapped_column(sa.String(20), default="")  # logout, password, deactivated, admin
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(45), default="")

    user: Mapped[User] = relationship()

    @classmethod
    def start(cls, user: User, *, at: datetime, user_agent: str, address: str) -> LoginSession:
        login = cls(user=user, started_at=at, user_agent=user_agent[:200], address=address[:45])
        db.session.add(login)
        db.session.flush()
        user.login_token = login.token
        return login


class LoginFailure(db.Model):
    """A wrong password (log-in, the incoming shift's confirmation, the password asked again), counted
    per address and account name in the database, so that every worker and host sees the same count."""

    __tablename__ = "login_failures"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    address: Mapped[str] = mapped_column(sa.String(45))
    username: Mapped[str] = mapped_column(sa.String(40))

    __table_args__ = (sa.Index("ix_login_failures_address_at", "address", "at"),)
