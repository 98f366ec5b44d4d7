"""Run the benchmark: data, servers, load, table (bench/README.md explains it; `bench/run` calls this).

1. `bench.generate` fills the database (once; later runs reuse it),
2. gunicorn serves Frontdesk and the bare Flask app (`bench.hello`) with the same settings,
3. wrk loads each URL in turn with the same connections and duration, logged in as the lobby user,
4. the figures are printed and written into bench/README.md.
"""
from __future__ import annotations

import argparse
import difflib
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from datetime import time as dtime
from http.cookiejar import CookieJar
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from . import generate
from .bulk import sqlite_value

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
README = BENCH / "README.md"
USER_AGENT = "frontdesk-bench"
# Targets (issue 16): list pages at ≥ 70 % of the floor's req/s, the dashboard at ≥ 60 %, p99 under 100 ms,
# and a search at no more than twice its list's cost (≥ half the list's req/s).
LIST_SHARE = 0.7
DASHBOARD_SHARE = 0.6
TARGET_P99_MS = 100
SEARCH_OF_LIST = 0.5
CSRF_TOKEN = re.compile(r'(name="csrf-token" content=|name="csrf_token" type="hidden" value=)"([^"]+)"')


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk (bench/run does it)")
    url = args.database_url
    generate.generate(url, args.tickets, fresh=args.fresh, visitors=args.visitors)
    word, digits = args.word, args.digits or phone_digits(url)
    day, name, plate = visitor_terms(url)
    name, plate = args.visitor_name or name, args.plate_digits or plate
    # label, server, path, share of the floor's req/s, the list a search is held against (≥ half its req/s)
    targets = [
        ("hello (bare Flask)", "hello", "/", None, None),
        ("floor (bench/floor.py)", "floor", "/tickets/", None, None),
        ("ticket list", "app", "/tickets/", LIST_SHARE, None),
        ("filtered list", "app", "/tickets/?status=open&category=repair", LIST_SHARE, None),
        ("search, a word", "app", "/tickets/?" + urllib.parse.urlencode({"q": word}), LIST_SHARE, "ticket list"),
        ("search, phone digits", "app", "/tickets/?" + urllib.parse.urlencode({"q": digits}), LIST_SHARE, "ticket list"),
        ("dashboard", "app", "/dashboard", DASHBOARD_SHARE, None),
        ("visitor list", "app", "/visitors/", LIST_SHARE, None),
        ("visitors of a day", "app", "/visitors/?" + urllib.parse.urlencode({"show": "day", "date": day}),
         LIST_SHARE, None),
        ("visitor search, a name", "app",
         "/visitors/?" + urllib.parse.urlencode({"show": "day", "date": day, "q": name}), LIST_SHARE, "visitors of a day"),
        ("visitor search, plate digits", "app",
         "/visitors/?" + urllib.parse.urlencode({"show": "day", "date": day, "q": plate}), LIST_SHARE, "visitors of a day"),
    ]
    logs = Path(tempfile.mkdtemp(prefix="frontdesk-bench-"))
    load_before = os.getloadavg()[0]
    results = []
    environment = {"DATABASE_URL": url, "FLASK_SECRET_KEY": "bench-secret", "FLASK_STORAGE_DIR": str(logs / "files")}
    with ExitStack() as stack:
        hello = stack.enter_context(serve("bench.hello:create_app()", args, logs / "hello.log", {}))
        app = stack.enter_context(serve("app:create_app()", args, logs / "app.log", environment))
        cookie = log_in(app.base, generate.STAFF[0][0], generate.PASSWORD)
        floor = stack.enter_context(serve("bench.floor:create_app()", args, logs / "floor.log", {
            **environment, **floor_page(app.base, cookie, logs / "page.html"),
        }))
        check_same_page(app.base, floor.base, cookie)
        servers = {"hello": hello, "floor": floor, "app": app}
        for label, server_name, path, target, versus in targets:
            server = servers[server_name]
            headers = {"User-Agent": USER_AGENT, **({"Cookie": cookie} if server_name != "hello" else {})}
            check_page(server.base + path, headers)
            if args.warmup:
                run_wrk(server.base + path, headers, args, args.warmup)
            cpu = cpu_seconds(server.pid)
            figures = run_wrk(server.base + path, headers, args, args.duration)
            figures["cpu_ms"] = (cpu_seconds(server.pid) - cpu) * 1000 / max(figures["requests"], 1)
            results.append((label, path, figures, target, versus))
            print(f"{label:22} {figures['rps']:9.1f} req/s   p99 {figures['p99_us'] / 1000:7.1f} ms"
                  f"{'   ERRORS ' + str(figures['errors']) if figures['errors'] else ''}", flush=True)
    table = results_table(results)
    setup = describe_setup(args, url, (load_before, os.getloadavg()[0]))
    print()
    print(setup)
    print()
    print(table)
    if not args.no_readme:
        write_results(make_url(url).get_backend_name(), setup, table)
        print(f"\nwritten to {README.relative_to(ROOT)}")
    print(f"server logs: {logs}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description="Load-test the ticket list against a bare Flask app.")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", generate.DEFAULT_URL),
                        help="default: $DATABASE_URL, else %(default)s")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--visitors", type=int, default=generate.VISITORS)
    parser.add_argument("--fresh", action="store_true", help="regenerate the data")
    parser.add_argument("--duration", type=int, default=30, help="seconds of load per URL (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of unrecorded load first (default %(default)s)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default %(default)s, as in the production command)")
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--word", default="热水器", help="the search word (default %(default)s)")
    parser.add_argument("--digits", help="4 phone digits to search (default: a resident's, from the data)")
    parser.add_argument("--visitor-name", help="the visitor name to search (default: the commonest among today's)")
    parser.add_argument("--plate-digits", help="plate digits to search (default: the last 4 of a plate of today's)")
    parser.add_argument("--no-readme", action="store_true", help="print the table only")
    return parser.parse_args(argv)


def phone_digits(url: str) -> str:
    """The last 4 digits of the first resident's phone: a caller with tickets to find."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        phone = connection.scalar(sa.text("SELECT phone FROM residents ORDER BY id LIMIT 1"))
    engine.dispose()
    return phone[-4:]


def visitor_terms(url: str) -> tuple[str, str, str]:
    """A day of visits and what the desk would look for in it. The visitor list searches the tab shown (仍在场内,
    or one day), so the bench takes the day of the newest visits (today's, the day the data was made; on
    later days a whole day), its commonest name (the newest of those), and the last 4 characters of the
    newest plate that ends in 4 digits."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        newest = connection.scalar(sa.text("SELECT max(signed_in_at) FROM visitors"))
        if isinstance(newest, str):  # SQLite: UTC as text
            newest = datetime.fromisoformat(newest).replace(tzinfo=timezone.utc)
        if newest is None:
            sys.exit("the bench database has no visitors: run python -m bench.generate")
        day = newest.astimezone(generate.ZONE).date()
        midnight = datetime.combine(day, dtime(), generate.ZONE).astimezone(timezone.utc)
        since = midnight if engine.dialect.name == "postgresql" else sqlite_value(midnight)
        rows = connection.execute(sa.text(
            "SELECT name, plate FROM visitors WHERE signed_in_at >= :since ORDER BY id DESC"
        ), {"since": since}).all()
    engine.dispose()
    names = Counter(name for name, _ in rows)
    name = max(names, key=names.get)  # the first of the commonest, i.e. the newest
    plate = next((p[-4:] for _, p in rows if p[-4:].isdigit()), "8888")
    return day.isoformat(), name, plate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str  # http://127.0.0.1:port
    pid: int  # gunicorn's master process


@contextmanager
def serve(app_spec: str, args: argparse.Namespace, log: Path, env: dict[str, str]):
    """gunicorn serving `app_spec` on a free local port."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", app_spec, "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--worker-class", args.worker_class, "--threads", str(args.threads),
        "--log-level", "warning", "--error-logfile", str(log),
    ]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, log)
        yield Server(base, process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children (gunicorn's master and workers), from /proc: the
    workers still running, and those that ended (gunicorn.conf.py replaces them every ~2,000 requests),
    whose time the master has in its children's time once it has waited for them."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        # fields: state, ppid, …, utime (14), stime (15), cutime (16), cstime (17) as proc(5) counts them
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += sum(int(value) for value in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}; see {log}:\n{log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # up, answering (e.g. a redirect to the log-in page)
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer on {base} within 60 s; see {log}")


def log_in(base: str, username: str, password: str) -> str:
    """Log in like a browser (form, CSRF token); returns the Cookie header of the session."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
    landing = opener.open(base + "/login", data=form)
    if "/login" in landing.url:
        sys.exit(f"could not log in as {username} (landed on {landing.url})")
    cookies = {c.name: c.value for c in jar}
    return f"frontdesk_session={cookies['frontdesk_session']}"


def fetch(url: str, cookie: str) -> str:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read().decode()


def floor_page(app_base: str, cookie: str, path: Path) -> dict[str, str]:
    """The real ticket list as this user sees it, for the floor to draw its rows into (bench/floor.py)."""
    page = fetch(app_base + "/tickets/", cookie)
    path.write_text(page)
    return {"FLOOR_PAGE": str(path), "FLOOR_TOKEN": CSRF_TOKEN.search(page).group(2)}


def check_same_page(app_base: str, floor_base: str, cookie: str) -> None:
    """The floor must serve the page the app serves (CSRF tokens and blank space aside), or it is no floor."""
    def normal(html: str) -> list[str]:
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", CSRF_TOKEN.sub(r"\1\"…\"", html))).replace("><", ">\n<").splitlines()

    for attempt in range(3):  # an SLA clock may tick over between the two requests
        real, floor = normal(fetch(app_base + "/tickets/", cookie)), normal(fetch(floor_base + "/tickets/", cookie))
        if real == floor:
            return
    sys.exit("the floor's page differs from the real one:\n" + "\n".join(difflib.unified_diff(real, floor, "app", "floor", lineterm="")))


def check_page(url: str, headers: dict[str, str]) -> None:
    """Fail early on a page that does not answer 200 (a log-in redirect would be measured as fast)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        sys.exit(f"{url} answered {response.status}, not 200")


def run_wrk(url: str, headers: dict[str, str], args: argparse.Namespace, seconds: int) -> dict:
    command = ["wrk", "--threads", str(args.wrk_threads), "--connections", str(args.connections),
               "--duration", f"{seconds}s", "--timeout", "10s", "--script", str(BENCH / "report.lua")]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH-JSON "))
    return json.loads(line.removeprefix("BENCH-JSON "))


def results_table(results: list[tuple[str, str, dict, float | None, str | None]]) -> str:
    hello_rps, floor_rps = results[0][2]["rps"], results[1][2]["rps"]
    rps = {label: f["rps"] for label, _, f, _, _ in results}
    rows = [
        "| URL | req/s | share of hello | share of floor | p50 ms | p99 ms | errors | gunicorn CPU ms/request | target met |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for label, path, f, target, versus in results:
        share = f["rps"] / floor_rps
        p50, p99 = (f"{f[key] / 1000:.1f}" if f["requests"] else "–" for key in ("p50_us", "p99_us"))
        if target is None:
            met = "(baseline)"
        else:
            ok = share >= target and f["requests"] and f["p99_us"] < TARGET_P99_MS * 1000 and not f["errors"]
            against = ""
            if versus:
                ok = ok and f["rps"] >= SEARCH_OF_LIST * rps[versus]
                against = f", ≥ ½ of {versus}: {f['rps'] / rps[versus]:.0%}"
            met = f"{'yes' if ok else 'no'} (≥ {target:.0%} of floor{against})"
        rows.append(f"| {label} `{urllib.parse.unquote(path)}` | {f['rps']:.0f} | {f['rps'] / hello_rps:.0%} | "
                    f"{share:.0%} | {p50} | {p99} | {f['errors']} | {f['cpu_ms']:.2f} | {met} |")
    return "\n".join(rows)


def describe_setup(args: argparse.Namespace, url: str, load: tuple[float, float]) -> str:
    backend = make_url(url).get_backend_name()
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        tickets = connection.scalar(sa.text("SELECT count(*) FROM tickets"))
        events = connection.scalar(sa.text("SELECT count(*) FROM ticket_events"))
        visitors = connection.scalar(sa.text("SELECT count(*) FROM visitors"))
        version = connection.scalar(sa.text("SELECT version()" if backend == "postgresql" else "SELECT 'SQLite ' || sqlite_version()"))
    engine.dispose()
    threads = f", {args.threads} threads each" if args.worker_class == "gthread" else ""
    if (ROOT / "gunicorn.conf.py").exists():  # gunicorn reads it from the working directory
        threads += " (and gunicorn.conf.py: the app preloaded, workers replaced after ~2,000 requests)"
    return (
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPU cores ({platform.processor() or platform.machine()}), "
        f"{version.split(' on ')[0]}; {tickets:,} tickets, {events:,} timeline events, {visitors:,} visitors.\n"
        f"gunicorn: {args.workers} {args.worker_class} workers{threads}, for both apps. "
        f"wrk: {args.wrk_threads} thread(s), {args.connections} connections, {args.duration} s per URL "
        f"after {args.warmup} s of warm-up, logged in as `{generate.STAFF[0][0]}` (lobby). "
        f"Load average {load[0]:.1f} before, {load[1]:.1f} after. "
        f"Targets: list pages ≥ {LIST_SHARE:.0%} and the dashboard ≥ {DASHBOARD_SHARE:.0%} of the floor's req/s, "
        f"p99 < {TARGET_P99_MS} ms, a search ≥ {SEARCH_OF_LIST:.0%} of its list's req/s (≤ 2× its cost)."
    )


def write_block(name: str, text: str) -> None:
    """Replace what the README holds between <!-- name:start --> and <!-- name:end --> (each script its block)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    readme = README.read_text()
    if start not in readme or end not in readme:
        sys.exit(f"{README.relative_to(ROOT)} has no {start} … {end} block to write into")
    before, rest = readme.split(start, 1)
    README.write_text(f"{before}{start}\n{text}\n{end}{rest.split(end, 1)[1]}")


def write_results(backend: str, setup: str, table: str) -> None:
    """Replace this backend's part of the README's results section."""
    start, end = f"<!-- results:{backend} -->", f"<!-- /results:{backend} -->"
    text = README.read_text()
    if start not in text:
        sys.exit(f"{README} has no {start} … {end} section to write into")
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    README.write_text(f"{before}{start}\n{setup}\n\n{table}\n{end}{after}")


if __name__ == "__main__":
    main()
