"""A database outage: signed-in pages answer with the app's Chinese page and 503 (Retry-After), and a
worker started while the database is down waits for it, within a bound, instead of exiting at once."""
import logging

import pytest
import sqlalchemy as sa

import app as app_module
from app import create_app
from models import Role, db


@pytest.fixture
def outage(app):
    """From now on every statement fails as a refused connection would."""

    def refuse(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    def start():
        db.session.commit()
        sa.event.listen(db.engine, "before_cursor_execute", refuse)

    yield start
    if sa.event.contains(db.engine, "before_cursor_execute", refuse):
        sa.event.remove(db.engine, "before_cursor_execute", refuse)


@pytest.mark.parametrize("path", ["/dashboard", "/tickets/", "/login"])
def test_a_page_during_an_outage_is_the_chinese_503_page(client, login_as, outage, path):
    login_as(Role.LOBBY)
    outage()
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "数据库暂时无法连接" in page and "Internal Server Error" not in page


def test_an_offline_replay_during_an_outage_is_told_to_wait(client, login_as, outage):
    login_as(Role.CONCIERGE)
    token = client.csrf_token()
    outage()
    response = client.post("/tickets/new", data={"description": "楼道灯不亮"},
                           headers={"X-Idempotency-Key": "b" * 32, "X-Offline-Submit": "1", "X-CSRFToken": token})
    assert response.status_code == 503 and response.headers["Retry-After"]


def test_a_worker_started_during_an_outage_waits_and_then_gives_up(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(app_module.time, "sleep", lambda _s: None)
    calls = []

    def down(_app):
        calls.append(1)
        raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(app_module, "check_schema_is_current", down)
    clock = iter(range(0, 1000, 5))
    monkeypatch.setattr(app_module.time, "monotonic", lambda: next(clock))
    with caplog.at_level(logging.WARNING), pytest.raises(sa.exc.OperationalError):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "x",
                    "DATABASE_WAIT_SECONDS": 20})
    assert len(calls) == 4  # at 5, 10, 15 s; the fourth try, at 20 s, is the last
    assert caplog.text.count("database not reachable") == 3


def test_a_worker_started_during_an_outage_serves_once_the_database_is_back(tmp_path, monkeypatch, database_url):
    monkeypatch.setattr(app_module.time, "sleep", lambda _s: None)
    real, tries = app_module.check_schema_is_current, []

    def comes_back(app):
        tries.append(1)
        if len(tries) < 3:
            raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))
        return real(app)

    monkeypatch.setattr(app_module, "check_schema_is_current", comes_back)
    started = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"})
    assert len(tries) == 3
    assert started.test_client().get("/healthz").status_code == 200
    with started.app_context():
        db.engine.dispose()
