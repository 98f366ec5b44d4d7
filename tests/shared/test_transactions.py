"""One transaction per request: a request that succeeds is committed once, one that fails keeps nothing,
and no GET changes anything (the access log of who saw personal data aside: reading is recorded)."""
import pytest
import sqlalchemy as sa

from app import create_app
from blueprints.shared.extensions import csrf
from models import AuditAction, Building, db
from models.audit import log_reveal

from ..conftest import Client
from ..sql import recorded_statements
from ..walk import USERS, get_paths


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



def _writes_sent():
    """The statements that would change rows, as the app sends them to the database (reading is recorded
    in the audit log: those inserts aside)."""
    def write(statement, parameters):
        words = statement.split(None, 3)
        reading_logged = words[:3] == ["INSERT", "INTO", "audit_log"] and repr(AuditAction.REVEAL.value) in repr(parameters)
        return words[0].upper() in WRITES and not reading_logged

    return recorded_statements(keep=write)


WRITES = {"INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE"}


@pytest.mark.parametrize("username", USERS)
def test_no_get_writes_anything(app, client, demo, username):
    client.login(username, "frontdesk")
    paths = get_paths(app)
    assert len(paths) > 80
    before = _state()
    pages = []
    with _writes_sent() as sent:
        for path in paths:
            response = client.get(path)
            assert 200 <= response.status_code < 500, path  # a real answer: a page, a redirect, a refusal
            assert sent == [], f"GET {path} wrote: {sent}"
            if response.mimetype == "text/html":
                pages.append(path)
        for path in pages:  # and as htmx asks for them (fragments; PDFs and workbooks are the same either way)
            client.get(path, headers={"HX-Request": "true"})
            assert sent == [], f"GET {path} (htmx) wrote: {sent}"
    assert _state() == before  # nor anything the statements above could miss


def test_the_write_watch_sees_a_write_and_lets_the_reading_log_through(app, make, prop):
    with _writes_sent() as sent:
        log_reveal(prop, ["name"])
        assert sent == []
        db.session.add(Building(property_id=prop.id, code="9", name="9号楼"))
        db.session.flush()
    assert [statement.split(" (")[0] for statement in sent] == ["INSERT INTO buildings", "INSERT INTO audit_log"]


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
