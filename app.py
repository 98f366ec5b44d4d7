"""Frontdesk: the intranet of a property-management customer-service centre.

`create_app()` is the application factory used by `flask`, gunicorn (`app:create_app()`) and the tests.
"""
from __future__ import annotations

import functools
import importlib
import os
import secrets
import time
from pathlib import Path

import click
import sqlalchemy as sa
from sqlalchemy.orm import Load, joinedload
from flask import Flask, flash, g, has_request_context, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from blueprints.shared import i18n, localtime
from blueprints.shared.extensions import csrf, init_babel, login_manager, migrate
from blueprints.shared.htmx import add_vary_header
from blueprints.shared.lists import row_url
from blueprints.shared.modules import install, platform
from blueprints.shared.navigation import visible_nav
from blueprints.shared.offline import keep_offline, mark_offline_page, new_idempotency_key
from blueprints.shared.permissions import can, current_property
from blueprints.shared.request import CleanRequest
from blueprints.shared.security import add_security_headers
from blueprints.shared.storage import init_storage
from blueprints.shared.transaction import commit_or_roll_back
from models import LoginSession, User, UserRole, clock, db
from models.base import render_migration_item
from models.notifications import unread, unread_count

# The modules, in the order the menu, the dashboard's desk panel and the shift handover list them. Each
# declares what it contributes in its package (`module = Module(...)`, see blueprints/shared/modules.py).
MODULES = [
    "blueprints.auth",
    "blueprints.health",
    "blueprints.offline",
    "blueprints.files",
    "blueprints.audit",
    "blueprints.dashboard",
    "blueprints.approvals",
    "blueprints.tickets",
    "blueprints.journal",
    "blueprints.patrols",
    "blueprints.visitors",
    "blueprints.parcels",
    "blueprints.lostfound",
    "blueprints.lending",
    "blueprints.keys",
    "blueprints.decoration",
    "blueprints.rooms",
    "blueprints.archive",
    "blueprints.reports",
    "blueprints.admin",
]


class SchemaBehindError(RuntimeError):
    pass


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = CleanRequest
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=os.environ.get(
            "DATABASE_URL", f"sqlite:///{Path(app.instance_path) / 'frontdesk.db'}"
        ),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="frontdesk_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        # Desk screens stay open all day: the CSRF token lives as long as the session.
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="zh_CN",
        BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
        STORAGE_DIR=str(Path(app.instance_path) / "files"),
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,
        # Any one text field (forms' own limits are far below: a few thousand characters at most).
        MAX_FORM_MEMORY_SIZE=500_000,
        SCHEMA_CHECK=True,
        # How long a starting worker waits for an unreachable database (below gunicorn's 30 s boot timeout).
        DATABASE_WAIT_SECONDS=20,
        # Reverse proxies in front of gunicorn (nginx: 1): their X-Forwarded-For/-Proto are trusted.
        PROXY_HOPS=0,
        # Werkzeug's method for new password hashes (its default, scrypt). The tests use a cheap one: the
        # check reads the method from the stored hash, so old and new hashes keep working side by side.
        PASSWORD_HASH_METHOD="scrypt",
        MODULES=MODULES,
    )
    app.config.from_prefixed_env()
    if config:
        app.config.update(config)
    if app.config["PROXY_HOPS"]:
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret_key(app)

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path) / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    init_babel(app, i18n.select_locale)
    login_manager.init_app(app)
    init_storage(app)
    with app.app_context():
        _configure_engine(db.engine)
        if app.config["SCHEMA_CHECK"] and _serving(app):
            _wait_for_database(app)
            db.engine.dispose()  # under gunicorn --preload, no connection of the master's is shared by a worker

    for name in app.config["MODULES"]:
        install(app, importlib.import_module(name).module)
    app.extensions["platform"].check(app)
    app.after_request(commit_or_roll_back)
    app.after_request(mark_offline_page)

    _register_template_helpers(app)
    _register_error_pages(app)
    app.after_request(add_vary_header)
    app.after_request(add_security_headers)
    return app


def _development_secret_key(app: Flask) -> str:
    """Outside production (where FLASK_SECRET_KEY is set) keep a random key in the instance folder."""
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
    return key_file.read_text().strip()


def _configure_engine(engine: sa.Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, open transactions (see _begin below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        # A request that may write takes the write lock up front: a deferred transaction that reads
        # first and writes later fails at once ("database is locked") when another writer got in
        # between. Reads, scripts and commands keep deferred transactions (WAL readers never block).
        writing = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _serving(app: Flask) -> bool:
    """True under gunicorn and `flask run`; false for maintenance commands such as `flask db upgrade`."""
    ctx = click.get_current_context(silent=True)
    return ctx is None or ctx.info_name == "run"


def _wait_for_database(app: Flask) -> None:
    """Started while the database is down (a reboot of both, a failover): retry the schema check for up
    to DATABASE_WAIT_SECONDS, logging each try, before giving up to the process supervisor."""
    deadline = time.monotonic() + float(app.config["DATABASE_WAIT_SECONDS"])
    attempt = 1
    while True:
        try:
            return check_schema_is_current(app)
        except sa.exc.OperationalError as error:
            if time.monotonic() >= deadline:
                raise
            app.logger.warning("database not reachable (attempt %d), retrying in 2 s: %s", attempt,
                               str(error).splitlines()[0])
            db.engine.dispose()
            time.sleep(2)
            attempt += 1


def check_schema_is_current(app: Flask) -> None:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory(str(Path(app.root_path) / "migrations")).get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current != heads:
        raise SchemaBehindError(
            f"The database schema ({', '.join(current) or 'empty'}) is not at the code's migration head "
            f"({', '.join(heads)}). Run `flask db upgrade` first (the README's run command does)."
        )


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    """The user of a log-in still open; an ended one (log-out, new password, …) opens nothing. Every page
    asks for the user's roles and property (the menu, the permissions) and the header shows the unread
    notifications of the property the session works in; what the modules read of the property on most
    pages comes with it (Module.property_loads). All come with the user, in one query."""
    wanted = session.get("property_id") if has_request_context() else None  # else their first property
    here = wanted if wanted is not None else (
        sa.select(sa.func.min(UserRole.property_id)).where(UserRole.user_id == User.id).scalar_subquery())
    row = db.session.execute(
        sa.select(User, unread(User.id, here).scalar_subquery()).join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token == token, LoginSession.ended_at.is_(None), User.active)
        .options(_with_roles_and_property(tuple(platform().property_loads)))
    ).unique().one_or_none()
    if row is None:
        return None
    user, count = row
    user.login_token = token
    g.unread_notifications = (wanted if wanted is not None else min(user.property_ids(), default=None), count)
    return user


@functools.cache
def _with_roles_and_property(property_loads: tuple) -> Load:
    """The loader options of the log-in's query, built once (SQLAlchemy's options take ~100 µs to build)."""
    return joinedload(User.roles).joinedload(UserRole.property).options(*map(joinedload, property_loads))


def _unread_notifications() -> int:
    """The header's count: the one loaded with the user, unless the request works in another property."""
    prop_id = current_property().id
    loaded_for, count = g.get("unread_notifications", (None, 0))
    return count if loaded_for == prop_id else unread_count(current_user.id, prop_id)


@login_manager.unauthorized_handler
def _unauthorized():
    """Pages go to the log-in form; scripts (offline replay, htmx) get a 401 they can recognise."""
    if request.headers.get("X-Offline-Submit") or request.headers.get("HX-Request"):
        return jsonify(error="login required"), 401
    flash(_("请先登录"), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["new_idempotency_key"] = new_idempotency_key
    app.jinja_env.globals["keep_offline"] = keep_offline
    app.jinja_env.globals["row_url"] = row_url
    app.add_template_filter(localtime.local, "local")

    @app.context_processor
    def _globals():
        return {
            "can": can,
            "current_property": current_property,
            "visible_nav": visible_nav,
            "unread_notifications": _unread_notifications,
            "now": clock.now,
            "today": localtime.today,
            "html_lang": i18n.html_lang,
            "js_strings": i18n.js_strings,
            "page_counter_css": i18n.page_counter_css,
            "languages": i18n.LANGUAGES,
            "language_tags": i18n.TAGS,
            "current_language": i18n.current_language(),
        }


def _register_error_pages(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    messages = {
        400: (_l("请求有误"), _l("提交的内容无法处理，请返回重试。")),
        403: (_l("没有权限"), _l("您的角色在当前项目中不能进行此操作。如需权限，请联系管理员。")),
        404: (_l("找不到页面"), _l("该页面或记录不存在，或不属于当前项目。")),
        405: (_l("请求方式不正确"), _l("请从页面上的按钮或链接进入。")),
        409: (_l("重复提交"), _l("这条记录已经提交过，但内容不同。请返回检查后重新填写。")),
        413: (_l("内容太大"), _l("提交的内容超过了大小限制。")),
        429: (_l("操作太频繁"), _l("请稍后再试。")),
        500: (_l("系统出错"), _l("服务器处理请求时出错，已记录。请稍后重试，或联系管理员。")),
    }

    def handler(error):
        if getattr(error, "response", None) is not None:
            return error.response  # a page the raiser built, e.g. the login form when throttled
        code = getattr(error, "code", 500) or 500
        if isinstance(error, CSRFError):
            title, text = _("页面已过期"), _("表单已过期或缺少安全令牌，请刷新页面后重新提交。")
        else:
            title, text = messages.get(code, messages[500])
        if isinstance(getattr(error, "original_exception", None), sa.exc.OperationalError):
            return database_unavailable(error.original_exception)
        if code == 413:
            text = too_large()
            if request.headers.get("X-Offline-Submit"):
                return jsonify(error=text), 413  # the outbox shows it and keeps the item for the user
        try:
            return render_template("errors.html", code=code, title=title, text=text), code
        except Exception:  # the page's header needs the database too: draw it without
            app.logger.exception("the error page could not be drawn")
            db.session.rollback()
            return render_template("errors_plain.html", code=code, title=title, text=text), code

    def too_large() -> str:
        """What was too big, as far as the request tells before its form is read."""
        limit = app.config["MAX_CONTENT_LENGTH"]
        if request.content_length and limit and request.content_length > limit:
            return _("提交的内容共 %(size).1f MB，超过了 %(limit)s MB 的上限：请少传几张照片，或拍得小一些后重新提交。",
                     size=request.content_length / 2**20, limit=f"{limit / 2**20:g}")
        return _("有一项文字太长（超过 %(kb)d KB），请删减后重新提交。", kb=app.config["MAX_FORM_MEMORY_SIZE"] // 1000)

    def database_unavailable(error):
        """The database is down or unreachable: a Chinese page that needs no database, and 503 with a
        Retry-After, so that the outbox and a proxy wait rather than give up."""
        app.logger.error("database unavailable: %s", error)
        db.session.rollback()
        g._login_user = login_manager.anonymous_user()  # templates must not ask the database for the user
        page = render_template("errors_plain.html", code=503, title=_("系统暂时不可用"),
                               text=_("数据库暂时无法连接，请稍后重试。已填写并保存在本机的记录不会丢失，恢复后会自动同步。"))
        return page, 503, {"Retry-After": "30"}

    for code in messages:
        app.register_error_handler(code, handler)
    app.register_error_handler(CSRFError, handler)
    app.register_error_handler(sa.exc.OperationalError, database_unavailable)
