"""`flask backup` and `flask restore`: the database and the stored files, consistent with each other.

A backup is a directory: `database.sqlite3` (SQLite's online backup API: one consistent snapshot even
while the app writes) or `database.pgdump` (pg_dump, itself a snapshot), then `files/` with every stored
file the snapshot's attachments name, copied through the storage interface, and `manifest.json`. Files
are never changed once stored, so copying them after the snapshot gives each of its rows its file. A
plain `cp` of a SQLite database in WAL mode loses what is still in the WAL (and reissues its numbers).
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from models import Attachment, clock, db

from ..shared.storage import storage

MANIFEST = "manifest.json"


def _libpq_url() -> str:
    """The database URL for pg_dump / pg_restore (no SQLAlchemy driver name)."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _schema() -> str:
    return db.session.scalar(sa.text("SELECT current_schema()"))


def backup_to(target: Path) -> dict:
    target.mkdir(parents=True)
    backend = db.engine.dialect.name
    if backend == "sqlite":
        source = db.engine.raw_connection()
        try:
            with sqlite3.connect(target / "database.sqlite3") as copy:
                source.driver_connection.backup(copy)  # all pages in one step: one snapshot
            copy.close()
        finally:
            source.close()
        keys_from = sa.create_engine(f"sqlite:///{target / 'database.sqlite3'}")
    else:
        # The app's schema only (a database may hold others); its extensions are named in the manifest.
        subprocess.run(["pg_dump", "--format=custom", f"--schema={_schema()}", "--no-owner",
                        f"--file={target / 'database.pgdump'}", _libpq_url()], check=True)
        keys_from = None
    keys = _snapshot_keys(keys_from)
    store, files = storage(), target / "files"
    for key in keys:
        path = files / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(store.get(key))
    manifest = {"created_at": clock.now().isoformat(), "database": backend, "files": len(keys),
                "revision": db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))}
    if backend == "postgresql":
        manifest["extensions"] = list(db.session.scalars(
            sa.text("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY extname")))
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def _snapshot_keys(engine: sa.Engine | None) -> list[str]:
    """The files the snapshot's rows name. For PostgreSQL the dump was taken first, so every key it
    holds was committed by then and is also in the live table; later rows add keys, harmlessly."""
    query = sa.select(Attachment.storage_key).order_by(Attachment.id)
    if engine is None:
        return list(db.session.scalars(query))
    with engine.connect() as connection:
        keys = list(connection.scalars(query))
    engine.dispose()
    return keys


def restore_from(source: Path) -> dict:
    manifest = json.loads((source / MANIFEST).read_text())
    backend = db.engine.dialect.name
    if manifest["database"] != backend:
        raise click.ClickException(f"the backup is of a {manifest['database']} database, this app uses {backend}")
    db.session.remove()
    if backend == "sqlite":
        db.engine.dispose()
        target = db.engine.raw_connection()
        try:
            with sqlite3.connect(source / "database.sqlite3") as copy:
                copy.backup(target.driver_connection)
            copy.close()
        finally:
            target.close()
    else:
        _restore_postgresql(source / "database.pgdump", manifest.get("extensions", []))
    db.engine.dispose()
    store, files = storage(), source / "files"
    for path in sorted(p for p in files.rglob("*") if p.is_file()):
        store.put_at(str(path.relative_to(files)), path.read_bytes())
    return manifest


def _restore_postgresql(dump: Path, extensions: list[str]) -> None:
    """Into the app's schema, which stays (it may hold the extensions: `public`); its tables are replaced."""
    with db.engine.begin() as connection:
        for name in extensions:
            connection.exec_driver_sql(f'CREATE EXTENSION IF NOT EXISTS "{name}"')
    db.engine.dispose()
    listing = subprocess.run(["pg_restore", "--list", str(dump)], check=True, capture_output=True, text=True).stdout
    wanted = [line for line in listing.splitlines() if " SCHEMA - " not in line and "COMMENT - SCHEMA" not in line]
    with tempfile.NamedTemporaryFile("w", suffix=".toc") as toc:
        toc.write("\n".join(wanted) + "\n")
        toc.flush()
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        f"--use-list={toc.name}", f"--dbname={_libpq_url()}", str(dump)], check=True)


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default="backups")
@with_appcontext
def backup(directory: Path) -> None:
    """Back up the database and its files into DIRECTORY/frontdesk-YYYYmmdd-HHMMSS (safe while serving)."""
    target = directory / f"frontdesk-{clock.now():%Y%m%d-%H%M%S}"  # UTC
    manifest = backup_to(target)
    click.echo(f"Backed up the {manifest['database']} database and {manifest['files']} files to {target}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.confirmation_option(prompt="This replaces the whole database and restores its files. Stop the app first. Go on?")
@with_appcontext
def restore(source: Path) -> None:
    """Replace the database with the backup in SOURCE and put its files back (the app stopped)."""
    manifest = restore_from(source)
    click.echo(f"Restored the backup of {manifest['created_at']} ({manifest['files']} files); "
               "run `flask db upgrade` if the code is newer than the backup")

