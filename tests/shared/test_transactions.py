"""One transaction per request: a request that succeeds is committed once, one that fails keeps nothing,
and no GET changes anything (the access log of who saw personal data aside: reading is recorded)."""
import pytest
import sqlalchemy as sa
from werkzeug.routing import Rule

from app import create_app
from blueprints.shared.extensions import csrf
from models import AuditAction, Building, db

from ..conftest import Client

USERS = ["admin", "supervisor", "lobby", "concierge", "engineer"]


def _state() -> dict[str, str]:
    """Every table's rows, as text: what a GET must leave exactly as it found."""
    db.session.rollback()  # a fresh snapshot: requests run in their own sessions
    state = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        if table.name == "audit_log":
            rows = [row for row in rows if row.action != AuditAction.REVEAL.value]
        state[table.name] = repr(rows)
    return state


def _get_paths(app) -> list[str]:
    """Every GET route, with 1 for each id (the demo has a record 1 of nearly everything)."""
    def path(rule: Rule) -> str:
        return rule.build({arg: "2026-11-18" if arg in ("day", "date") else 1 for arg in rule.arguments},
                          append_unknown=False)[1]
    return sorted({path(rule) for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint != "static"})


@pytest.fixture
def demo(app):
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("username", USERS)
def test_no_get_writes_anything(app, client, demo, username):
    client.login(username, "frontdesk")
    paths = _get_paths(app)
    assert len(paths) > 80
    before = _state()
    for path in paths:
        response = client.get(path)
        assert 200 <= response.status_code < 500, path  # a real answer: a page, a redirect, a refusal
        changed = [table for table, rows in _state().items() if rows != before[table]]
        assert changed == [], f"GET {path} changed {changed}"
    for path in paths:  # and as htmx asks for them (fragments)
        client.get(path, headers={"HX-Request": "true"})
    assert _state() == before


@pytest.fixture
def probe_app(app_config):
    """The app with three routes that write a building, then succeed, fail validation or crash."""
    app = create_app(app_config)
    app.test_client_class = Client

    def write(outcome):
        def view():
            db.session.add(Building(property_id=1, code=outcome, name=outcome))
            db.session.flush()
            if outcome == "crash":
                raise RuntimeError("the view failed after writing")
            return ("", 200 if outcome == "ok" else 422)
        view.__name__ = f"probe_{outcome}"
        app.add_url_rule(f"/probe/{outcome}", view_func=csrf.exempt(view), methods=["POST"])

    for outcome in ("ok", "invalid", "crash"):
        write(outcome)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_a_request_commits_what_it_did_only_when_it_succeeds(probe_app, make):
    make.property()
    client = probe_app.test_client()
    assert client.post("/probe/invalid").status_code == 422
    with pytest.raises(RuntimeError):
        client.post("/probe/crash")
    assert client.post("/probe/ok").status_code == 200
    db.session.rollback()
    assert db.session.scalars(sa.select(Building.code)).all() == ["ok"]
