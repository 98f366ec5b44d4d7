import pytest

from app import SchemaBehindError, create_app


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["db"] == "ok"
    assert "Noto Sans CJK SC" in response.json["details"]["cjk_fonts"]


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing-dir/x.db",
            "SECRET_KEY": "x",
            "SCHEMA_CHECK": False,
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "db": "unreachable", "details": response.json["details"]}


def test_app_refuses_to_start_on_a_schema_behind_its_migrations(tmp_path):
    with pytest.raises(SchemaBehindError, match="flask db upgrade"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/empty.db", "SECRET_KEY": "x"})
