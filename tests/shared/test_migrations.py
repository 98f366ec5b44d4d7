import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app import create_app
from models import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_sqlite_runs_with_foreign_keys_and_wal(app):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_the_calendar_token_is_added_to_properties_holding_data_each_its_own(tmp_path):
    """0022 on SQLite with foreign keys on: `properties` is referred to by every property-scoped table, so
    the column must be added in place, not by copying the table."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}", "SCHEMA_CHECK": False,
                      "SECRET_KEY": "test"})
    with app.app_context():
        upgrade(revision="0021")
        for code in ("HY", "HD"):
            db.session.execute(sa.text("INSERT INTO properties (code, name, address, phone, timezone, work_starts_at, "
                                       "work_ends_at, active, created_at, updated_at) VALUES (:c, :c, '', '', 'Asia/Shanghai', '08:30:00', "
                                       "'17:30:00', 1, '2026-01-01', '2026-01-01')"), {"c": code})
        db.session.execute(sa.text("INSERT INTO calendar_days (property_id, day, is_workday, name) "
                                   "VALUES (1, '2026-10-01', 0, '国庆节')"))
        db.session.commit()
        upgrade()
        tokens = db.session.scalars(sa.text("SELECT calendar_token FROM properties")).all()
        assert len(set(tokens)) == 2 and all(len(t) == 32 for t in tokens)
        assert db.session.scalar(sa.text("SELECT count(*) FROM calendar_days")) == 1
