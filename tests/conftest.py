"""Fixtures: a freshly migrated database per test (SQLite, or PostgreSQL with FRONTDESK_TEST_DB=postgresql),
the app and its client with CSRF on, log-in helpers and record factories."""
from __future__ import annotations

import contextvars
import functools
import os
import re
import shutil
from datetime import datetime

import flask_migrate
import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask, has_app_context
from flask.testing import FlaskClient

from app import create_app
from models import db

from .factories import Factory

BACKEND = os.environ.get("FRONTDESK_TEST_DB", "sqlite")
PASSWORD = "correct-horse-9"
# The instant every test starts at (the clock then runs on): a Wednesday morning in Shanghai, within
# working hours. FRONTDESK_TEST_NOW runs the suite at another instant — just after midnight, on a
# holiday, at the end of the working day — to find code that assumes the time of day.
TEST_PASSWORD_HASH = "pbkdf2:sha256:1"
TEST_NOW = datetime.fromisoformat(os.environ.get("FRONTDESK_TEST_NOW", "2026-11-18T10:00:00+08:00"))


def pytest_collection_modifyitems(config, items):
    """The page walks marked one_database check what a page shows, not what the database does: once is enough
    (the PostgreSQL pass keeps every test of behaviour, and keeps the suite within its time)."""
    if BACKEND == "postgresql":
        for item in items:
            if item.get_closest_marker("one_database"):
                item.add_marker(pytest.mark.skip(reason="a page walk, run in the SQLite pass"))


@pytest.fixture(autouse=True)
def clock():
    """Each test on the same clock, so that none depends on when the suite runs."""
    with time_machine.travel(TEST_NOW, tick=True) as traveller:
        yield traveller


def _migrate(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "SCHEMA_CHECK": False})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """Run every migration once per session; tests get copies (SQLite) or truncated tables (PostgreSQL).

    On PostgreSQL each test session (each xdist worker) works in a schema of its own, so parallel runs
    cannot collide.
    """
    if BACKEND == "postgresql":
        base_url = os.environ["TEST_DATABASE_URL"]
        schema = f"test_{os.getpid()}"
        engine = sa.create_engine(base_url)
        with engine.begin() as connection:
            # An extension is one per database: pg_trgm goes in public, once (parallel sessions wait
            # for each other here), and every session's schema finds it on its search path.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7301)")
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public")
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        separator = "&" if "?" in base_url else "?"
        # Commits need not wait for the disk: a test database outlives no crash.
        url = f"{base_url}{separator}options=-csearch_path%3D{schema},public%20-csynchronous_commit%3Doff"
        _migrate(url)
        yield url
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    _migrate(f"sqlite:///{path}")
    yield path


@pytest.fixture(scope="session")
def worker_dir(tmp_path_factory):
    """Where this test session (xdist worker) keeps the database and files each test starts afresh: one
    place, so that one app serves every test with the same configuration (see `app`)."""
    return tmp_path_factory.mktemp("worker")


@functools.cache
def _emptying(url: str) -> str:
    """SQL that empties every table and restarts every id at 1: DELETE, children first, then the sequences.
    (TRUNCATE makes new files for each of the ~60 tables: 1.5–3 s a test, against ~50 ms.) The audit log
    refuses DELETE (append-only, by trigger): it alone is truncated."""
    tables = [table.name for table in reversed(db.metadata.sorted_tables) if table.name != "audit_log"]
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        sequences = connection.exec_driver_sql(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema()"
        ).scalars().all()
    engine.dispose()
    return "; ".join(["TRUNCATE audit_log"] + [f'DELETE FROM "{name}"' for name in tables] + [f'ALTER SEQUENCE "{name}" RESTART' for name in sequences])


@pytest.fixture
def database_url(migrated_database, worker_dir):
    if BACKEND == "postgresql":
        engine = sa.create_engine(migrated_database)
        with engine.begin() as connection:
            connection.exec_driver_sql(_emptying(migrated_database))
        engine.dispose()
        return migrated_database
    path = worker_dir / "test.db"
    for leftover in (path, path.with_name("test.db-wal"), path.with_name("test.db-shm")):
        leftover.unlink(missing_ok=True)  # a live server killed mid-test leaves its WAL behind
    shutil.copy(migrated_database, path)
    return f"sqlite:///{path}"


class Client(FlaskClient):
    """The test client, with a CSRF token fetched like a page would.

    Each request runs outside the test's own app context, so it gets its own `g` and database
    session, as it would in production. The test's session commits first: the request sees what the
    test set up, and the test's next read sees what the request did (SQLite would otherwise refuse a
    later write from the test's older snapshot).
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self) -> str:
        response = self.get("/csrf-token")
        assert response.status_code == 200, "log in before posting"
        return response.json["token"]

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)

    def login(self, username: str, password: str = PASSWORD):
        page = self.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return self.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def app_config(database_url, worker_dir) -> dict:
    files = worker_dir / "files"
    shutil.rmtree(files, ignore_errors=True)
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "STORAGE_DIR": str(files),
        # Tests move the clock by hours and days within one log-in, as no one at a desk would: the idle
        # close is off here and tested with its real limits in tests/auth/test_sessions.py.
        "IDLE_MINUTES": 0,
        "IDLE_MINUTES_ADMIN": 0,
        # scrypt costs ~0.2 s a hash and again a check: most tests make a user and log in.
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH,
    }


_apps: dict[str, Flask] = {}


@pytest.fixture
def app(app_config):
    """The app for this configuration, made once per test session: making one (its 250 routes compiled)
    took a third of a short test. The app keeps no state of its own between requests, as several
    gunicorn hosts need; each test gets it with the configuration it was made with, a fresh database
    (`database_url`) and no connection left over from the test before."""
    key = repr(sorted(app_config.items()))
    if key not in _apps:
        _apps[key] = create_app(app_config)
        _apps[key].test_client_class = Client
    app = _apps[key]
    config = dict(app.config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    app.config.clear()
    app.config.update(config)


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def demo(app):
    """The demo data (`flask demo`), as the page walks and the dashboard's tests meet it."""
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def make(app) -> Factory:
    return Factory(PASSWORD)


@pytest.fixture
def prop(make):
    """The property most tests work in, with its departments."""
    return make.property("HY", "恒宇花园")


@pytest.fixture
def login_as(client, make, prop):
    """Log the client in as a new user holding `role` in `prop` (or in the properties given)."""

    def login(role, *, properties=None, username=None):
        user = make.user(username or f"{role.value}-user", {p: [role] for p in (properties or [prop])})
        response = client.login(user.username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login
