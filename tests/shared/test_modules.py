"""The module platform: each module's declaration adds up, and a new module plugs in from its own
package (the fixture module in tests/platform_fixture/, added only to the app's list of modules)."""
import ast
import importlib
import inspect
import pkgutil
from datetime import date
from pathlib import Path

import pytest
from flask import Blueprint

from app import MODULES, create_app
from blueprints.shared.modules import DeclarationError, Module, Platform, grant
from blueprints.shared.storage import storage
from models import Attachment, Role, db
from models.numbering import next_number

from ..conftest import Client

ROOT = Path(__file__).resolve().parents[2]


def _handover_functions(package) -> list:
    """The functions of a module's package that build handover lines, declared or not."""
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        submodule = importlib.import_module(f"{package.__name__}.{info.name}")
        for _name, function in inspect.getmembers(submodule, inspect.isfunction):
            returns = str(inspect.signature(function).return_annotation)
            if function.__module__ == submodule.__name__ and returns.startswith("list[") and "HandoverItem" in returns:
                found.append(function)
    return found


@pytest.mark.parametrize("name", MODULES)
def test_every_handover_source_a_module_has_is_declared(name):
    package = importlib.import_module(name)
    assert set(_handover_functions(package)) == set(package.module.handover)


def test_the_app_merges_every_modules_declarations(app):
    platform = app.extensions["platform"]
    assert [m.name for m in platform.modules] == [name.rsplit(".", 1)[1] for name in MODULES]
    assert {"tickets.register", "parcels.work", "approvals.view", "admin.manage"} <= set(platform.permissions)
    assert all(p.roles for p in platform.permissions.values())
    assert platform.number_codes.keys() >= {"TK", "BG", "FX", "XC", "WZ", "BC", "CA"}
    assert app.config["PARCEL_UNCLAIMED_DAYS"] == 3 and app.config["VISITOR_RETENTION_DAYS"] == 180
    assert {"demo", "patrols-schedule", "visitors-purge", "calendar-import"} <= set(app.cli.commands)


def _module(name="fixture", **fields) -> Module:
    return Module(name, Blueprint(name, __name__), name, **fields)


@pytest.mark.parametrize(("first", "second", "problem"), [
    ({"permissions": {"x.view": grant("x", Role.LOBBY)}}, {"permissions": {"x.view": grant("y", Role.ADMIN)}},
     "already declared"),
    ({}, {"permissions": {"x.view": grant("x")}}, "no role holds"),
    ({"number_codes": {"TK": "报事"}}, {"number_codes": {"TK": "钥匙"}}, "already used"),
    ({"field_labels": {"shelf": "货架"}}, {"field_labels": {"shelf": "柜子"}}, "already labelled"),
])
def test_a_declaration_that_does_not_add_up_is_refused(first, second, problem):
    platform = Platform()
    platform.add(_module("one", **first))
    with pytest.raises(DeclarationError, match=problem):
        platform.add(_module("two", **second))


def test_an_app_whose_views_need_an_undeclared_permission_does_not_start():
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "SCHEMA_CHECK": False,
              "MODULES": [*MODULES, "tests.platform_fixture.broken"]}
    with pytest.raises(DeclarationError, match="fixture_broken.page needs 'nobody.declared.this'"):
        create_app(config)


def test_an_undeclared_number_code_is_refused(app, prop):
    with pytest.raises(KeyError, match="'ZZ' is not declared"):
        next_number(prop, "ZZ", date(2026, 11, 18))


def test_no_view_or_service_commits_only_the_request_does():
    """One transaction per request: views and services flush; the request hook (shared/transaction.py) and
    the CLI commands commit."""
    offenders = [
        f"{path.relative_to(ROOT)}:{n}" for path in (ROOT / "blueprints").rglob("*.py")
        if path.name not in ("cli.py", "transaction.py")
        for n, line in enumerate(path.read_text().splitlines(), 1) if "session.commit()" in line
    ]
    assert offenders == []


def test_there_is_one_clock():
    """Every "now" is models.clock.now(); nothing else asks the system clock."""
    offenders = [
        f"{path.relative_to(ROOT)}:{n}" for folder in ("blueprints", "models") for path in (ROOT / folder).rglob("*.py")
        if path.name != "clock.py"
        for n, line in enumerate(path.read_text().splitlines(), 1) if "datetime.now(" in line or "utcnow" in line
    ]
    assert offenders == []


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module:  # from ..tickets.forms import …
            found.append(node.module)
    return found


def test_no_module_imports_another_modules_views_or_forms():
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "blueprints").rglob("*.py")
        for module in _imports(path)
        if module.split(".")[0] not in ("shared", path.parent.name) and module.split(".")[-1] in ("views", "forms")
    ]
    assert offenders == []


@pytest.fixture
def fixture_app(app_config):
    app_config["MODULES"] = [*MODULES, "tests.platform_fixture"]
    app = create_app(app_config)
    app.test_client_class = Client
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_a_module_plugs_in_from_its_own_package(fixture_app, make):
    """The fixture module touches nothing but its package and the app's list of modules."""
    from .. import platform_fixture

    prop = make.property("HY", "恒宇花园")
    make.user("desk", {prop: [Role.LOBBY]})
    make.user("admin", {prop: [Role.ADMIN]})
    client = fixture_app.test_client()
    client.login("desk")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "雨伞架" in dashboard  # its menu entry
    assert "今日借出雨伞 0 把" in dashboard  # its dashboard panel
    assert client.get("/fixture/").status_code == 200
    assert fixture_app.config["FIXTURE_UMBRELLAS"] == 12
    assert platform_fixture.umbrella_stand in fixture_app.extensions["platform"].handover_sources
    assert next_number(prop, "YS", date(2026, 11, 18)) == "HY-YS-20261118-0001"
    assert "umbrellas" in fixture_app.test_cli_runner().invoke(args=["fixture-count"]).output
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    client.login("admin")
    matrix = client.get("/admin/permissions").get_data(as_text=True)
    assert "查看雨伞架" in matrix and "fixture.view" in matrix


def test_the_files_of_a_table_no_module_declares_are_served_to_no_one(client, make, prop, login_as):
    key = storage().put(b"x", prefix="photos/1", suffix=".jpg")
    stray = Attachment(property_id=prop.id, owner_table="nowhere", owner_id=1, storage_key=key,
                       content_type="image/jpeg", size=1)
    db.session.add(stray)
    db.session.commit()
    login_as(Role.ADMIN)
    assert client.get(f"/files/{stray.id}").status_code == 404
