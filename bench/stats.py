"""Monthly statistics speed: the 客户信息统计表's queries, its page and its PDF, in-process on the bench data
(bench/README.md, "Monthly statistics").

    .venv/bin/python -m bench.stats                 # PostgreSQL frontdesk_bench, a table into bench/README.md
    .venv/bin/python -m bench.stats --runs 9 --no-readme

Flask's test client, logged in as the bench's `supervisor`, asks for the current month and the same month a
year back. "bare WeasyPrint" is the HTML the PDF request printed, printed again by WeasyPrint alone (same
fetcher and fonts); "PDF / bare" (the median of each run's ratio) is what the report adds to printing.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import time
from contextlib import contextmanager
from datetime import datetime, timezone

import sqlalchemy as sa

from .__main__ import README, ROOT, write_block

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/frontdesk_bench"
PROPERTY, USERNAME, PASSWORD = "HY", "supervisor", "frontdesk"  # bench/generate.py's
CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def timed_ms(run) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


@contextmanager
def sql_timer(engine):
    """The statements run and the time spent in them (each until the database has answered)."""
    spent = {"statements": 0, "ms": 0.0}
    started = []

    def before(conn, cursor, statement, parameters, context, executemany):
        started.append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):
        spent["statements"] += 1
        spent["ms"] += (time.perf_counter() - started.pop()) * 1000

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        yield spent
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)


def log_in(client) -> None:
    token = CSRF_TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": USERNAME, "password": PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"could not log in as {USERNAME}: is this the bench database?")


def log_out(client) -> None:
    token = client.get("/csrf-token").get_json()["token"]
    client.post("/logout", data={"csrf_token": token})


def printed_html(client, url: str) -> str:
    """The HTML a PDF request hands to WeasyPrint."""
    from blueprints.shared import pdfengine

    captured = []

    class Capturing(pdfengine.HTML):
        def __init__(self, *args, string=None, **kwargs):
            captured.append(string)
            super().__init__(*args, string=string, **kwargs)

    original, pdfengine.HTML = pdfengine.HTML, Capturing
    try:
        client.get(url)
    finally:
        pdfengine.HTML = original
    return captured[0]


def measure(app, client, key: str, runs: int) -> dict:
    """Medians of the report's queries, the page, the PDF and the bare print, taken in turn in each run (so a
    change in the machine's load falls on all of them alike), after one unrecorded warm-up run."""
    from blueprints.reports.periods import Period
    from blueprints.reports.stats import ticket_report
    from blueprints.shared.pdfengine import PRINT_ORIGIN, HTML, LocalOnlyFetcher, font_configuration
    from models import Property, db

    period = Period.parse(key)
    page_url, pdf_url = f"/reports/tickets?period={key}", f"/reports/tickets.pdf?period={key}"
    html = printed_html(client, pdf_url)
    spent = {}

    def report():
        with app.app_context():
            prop = db.session.scalar(sa.select(Property).where(Property.code == PROPERTY))
            prop.zone
            with sql_timer(db.engine) as spent["sql"]:
                ticket_report(prop, period)

    def get(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return run

    def bare():
        HTML(string=html, base_url=f"{PRINT_ORIGIN}/",
             url_fetcher=LocalOnlyFetcher(app.static_folder)).write_pdf(font_config=font_configuration())

    steps = {"report": report, "page": get(page_url), "pdf": get(pdf_url), "bare": bare}
    times = {name: [] for name in [*steps, "sql", "ratio"]}
    for run in range(runs + 1):
        figures = {name: timed_ms(step) for name, step in steps.items()}
        if run:
            for name, ms in figures.items():
                times[name].append(ms)
            times["sql"].append(spent["sql"]["ms"])
            times["ratio"].append(figures["pdf"] / figures["bare"])
    return {"period": key, "statements": spent["sql"]["statements"],
            **{name: statistics.median(values) for name, values in times.items()}}


def database_line(app) -> str:
    from models import db
    from models.tickets import Ticket

    with app.app_context():
        tickets = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))
        if db.engine.dialect.name == "postgresql":
            version = db.session.scalar(sa.text("SHOW server_version"))
            name = f"PostgreSQL {version.split()[0]}"
        else:
            name = f"SQLite {db.session.scalar(sa.text('SELECT sqlite_version()'))}"
    return f"{name}, {tickets:,} tickets"


def table(results: list[dict]) -> list[str]:
    rows = [
        "| period | statements | SQL ms | report ms | page ms | PDF ms | bare WeasyPrint ms | PDF / bare |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        rows.append(
            f"| {r['period']} | {r['statements']} | {r['sql']:.0f} | {r['report']:.0f} | {r['page']:.0f} "
            f"| {r['pdf']:.0f} | {r['bare']:.0f} | {r['ratio']:.2f}× |"
        )
    return rows


def write_readme(header: str, rows: list[str]) -> None:
    write_block("stats", header + "\n\n" + "\n".join(rows))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stats", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)

    from app import create_app
    from blueprints.reports.periods import Period, PeriodKind
    from models import Property, db

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url,
                      "SECRET_KEY": os.environ.get("FLASK_SECRET_KEY", "stats-bench")})
    with app.app_context():
        prop = db.session.scalar(sa.select(Property).where(Property.code == PROPERTY))
        this_month = Period.containing(PeriodKind.MONTH, prop.local_day(datetime.now(timezone.utc)))
    keys = [this_month.key, this_month.same_period_last_year.key]
    load_before = os.getloadavg()[0]
    client = app.test_client()
    log_in(client)
    try:
        results = [measure(app, client, key, args.runs) for key in keys]
    finally:
        log_out(client)
    header = (
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPU cores ({platform.machine()}), "
        f"{database_line(app)}; median of {args.runs} runs, in-process, logged in as `{USERNAME}`. "
        f"Load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after."
    )
    rows = table(results)
    print(header, *rows, sep="\n")
    if not args.no_readme:
        write_readme(header, rows)
        print(f"written to {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
