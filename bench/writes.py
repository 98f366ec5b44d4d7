"""Writes: the SQL statements and server CPU time of registering a ticket and signing a visitor in (issue 16:
each ≤ 8 statements and ≤ 15 ms of CPU in-process; bench/README.md, "Writes").

    .venv/bin/python -m bench.writes                      # fresh demo data on SQLite, then on PostgreSQL
    .venv/bin/python -m bench.writes --no-postgresql --no-readme

Through Flask's test client logged in as the demo's `lobby`, on fresh demo data: each form posted as the desk
posts it (a different unit each time, so that no "likely duplicate" warning stops it), the CSRF token fetched
before the clock starts. Statements are counted as the driver runs them, less SQLite's BEGIN; CPU is the
process's, the median over the runs after the first (which loads templates and the calendar).
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from app import create_app
from blueprints.admin.demo import DEMO_PASSWORD, _id_number
from models import Unit, db
from tests.conftest import Client

from .__main__ import write_block

POSTGRESQL = "postgresql+psycopg://postgres@127.0.0.1:5432/"
SCRATCH = "frontdesk_bench_writes"  # created and dropped on the PostgreSQL server
TARGET_STATEMENTS, TARGET_CPU_MS = 8, 15
DESCRIPTIONS = ["厨房水管漏水", "楼道灯不亮", "门禁刷卡无反应", "电梯异响", "卫生间下水慢"]


def forms(archive_nos: list[str], rng: random.Random):
    """(what, path, fields) for each write measured, n times each."""
    for n, unit in enumerate(archive_nos):
        yield "register a ticket", "/tickets/new", {
            "category": "repair", "unit": unit, "location": "", "description": DESCRIPTIONS[n % len(DESCRIPTIONS)],
            "source": "phone", "nature": "normal", "caller_name": "张三", "caller_phone": "13812345678"}
    for n, unit in enumerate(archive_nos):
        yield "sign a visitor in", "/visitors/new", {
            "name": f"刘{'备关张'[n % 3]}", "unit": unit, "id_number": _id_number(rng), "party_size": "1",
            "purpose": "visit"}


def measure(url: str, runs: int) -> dict[str, tuple[list[int], list[float]]]:
    work = Path(tempfile.mkdtemp(prefix="frontdesk-writes-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "writes-bench", "STORAGE_DIR": str(work / "files"),
                      "SCHEMA_CHECK": False})
    app.test_client_class = Client
    for command in (["db", "upgrade"], ["demo"]):
        result = app.test_cli_runner().invoke(args=command)
        assert result.exit_code == 0, result.output
    found: dict[str, tuple[list[int], list[float]]] = {}
    with app.app_context():
        statements: list[str] = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql))
        archive_nos = db.session.scalars(sa.select(Unit.archive_no).order_by(Unit.id).limit(runs)).all()
        db.session.remove()
        client = Client(app)
        assert client.login("lobby", DEMO_PASSWORD).status_code == 302
        for what, path, fields in forms(archive_nos, random.Random(16)):
            fields = {**fields, "csrf_token": client.csrf_token()}
            statements.clear()
            cpu = time.process_time()
            response = client.post(path, data=fields)
            spent = (time.process_time() - cpu) * 1000
            assert response.status_code == 302, (path, response.status_code, response.get_data(as_text=True)[:2000])
            counts, times = found.setdefault(what, ([], []))
            counts.append(sum(not re.match(r"BEGIN\b", sql) for sql in statements))
            times.append(spent)
    return found


def table(results: dict[str, dict[str, tuple[list[int], list[float]]]], runs: int) -> str:
    rows = [f"{runs} of each on fresh demo data, logged in as `lobby`; CPU: the median of the runs after the first.",
            "",
            "| database | write | statements | CPU ms (first run) | target | met |",
            "|---|---|--:|--:|---|---|"]
    for database, found in results.items():
        for what, (counts, times) in found.items():
            cpu = statistics.median(times[1:])
            met = max(counts) <= TARGET_STATEMENTS and cpu <= TARGET_CPU_MS
            statements = f"{min(counts)}–{max(counts)}" if min(counts) != max(counts) else str(counts[0])
            rows.append(f"| {database} | {what} | {statements} | {cpu:.1f} ({times[0]:.0f}) "
                        f"| ≤ {TARGET_STATEMENTS}, ≤ {TARGET_CPU_MS} ms | {'yes' if met else '**no**'} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.writes", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-postgresql", action="store_true")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    results = {"SQLite": measure(f"sqlite:///{tempfile.mkdtemp(prefix='frontdesk-writes-')}/writes.db", args.runs)}
    if not args.no_postgresql:
        server = sa.create_engine(f"{POSTGRESQL}postgres", isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {SCRATCH}")
            connection.exec_driver_sql(f"CREATE DATABASE {SCRATCH}")
        try:
            results["PostgreSQL"] = measure(f"{POSTGRESQL}{SCRATCH}", args.runs)
        finally:
            with server.connect() as connection:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
    text = table(results, args.runs)
    print(text)
    if not args.no_readme:
        write_block("writes", text)


if __name__ == "__main__":
    main()
