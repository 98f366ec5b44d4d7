"""Worker memory: PSS, RSS and USS of each gunicorn worker under the README's production command, after
start, after warm-up and after 1,000 mixed requests including printing (bench/README.md, "Worker memory").

    .venv/bin/python -m bench.memory              # fresh demo data on SQLite, a table into bench/README.md
    .venv/bin/python -m bench.memory --no-readme

Variants on the same data: as shipped (gunicorn.conf.py, whose master keeps its objects out of the garbage
collector's scans with `gc.freeze()` before each fork, and glibc's mmap threshold fixed at 128 KiB); as
shipped without the fixed threshold; as the Production command was before either (the same workers, preload
and recycling; WeasyPrint imported by a worker when it first prints, as in all the others); and that with
WeasyPrint imported by the master before it forks, so that its pages are shared copy-on-write. Memory is read
from /proc/<pid>/smaps_rollup of the master and its workers.
"""
from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from blueprints.admin.demo import DEMO_PASSWORD

from .__main__ import README, ROOT, free_port, log_in, wait_until_up, write_block
from .desk import demo_database

USERS = ["admin", "supervisor", "lobby", "concierge", "engineer"]  # the demo's, who between them see every page
# The README's Production command, on a local port (measure() adds the logs and the variant's config file).
GUNICORN = [str(Path(sys.executable).parent / "gunicorn")]
WORKERS = 4
# Each variant: a gunicorn config file's text (run in the master before the app loads), extra environment.
SHIPPED = (ROOT / "gunicorn.conf.py").read_text()
THRESHOLD = {"MALLOC_MMAP_THRESHOLD_": "131072"}  # the README's Production command sets it
BEFORE = "workers = 4\npreload_app = True\nmax_requests = 2000\nmax_requests_jitter = 200\n"
VARIANTS = {
    "as shipped": (SHIPPED, THRESHOLD),
    "as shipped, without the mmap threshold": (SHIPPED, {}),
    "before (no gc.freeze(), no threshold)": (BEFORE, {}),
    "before, WeasyPrint in the master": (BEFORE + "import blueprints.shared.pdfengine  # noqa: E402, F401\n", {}),
}
MIXED, SHARES = 1000, {"page": 0.5, "detail": 0.35, "pdf": 0.15}  # the mixed requests and their kinds
CLIENTS = 8  # concurrent client threads
TARGET_WARM_MB, TARGET_PRINTED_MB = 120, 160  # PSS per worker (issue 16)
SKIP = {"/", "/login", "/csrf-token", "/healthz", "/offline", "/sw.js"}


def discover(database: Path) -> dict[str, list[tuple[str, str]]]:
    """The pages to load, as (path, user): argument-free HTML pages, records' detail pages and every PDF,
    each with the first demo user it answers 200 for (in-process, with Flask's test client)."""
    from app import create_app
    from models import db
    from tests.conftest import Client
    from tests.shared.test_pdf_conformance import _add_what_the_demo_lacks

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "memory-bench",
                      "STORAGE_DIR": str(database.parent / "files"), "SCHEMA_CHECK": False})
    app.test_client_class = Client
    found = defaultdict(list)
    with app.app_context():
        clients = {user: app.test_client() for user in USERS}
        for user, client in clients.items():
            assert client.login(user, DEMO_PASSWORD).status_code == 302, user
        _add_what_the_demo_lacks(clients)  # a few records the PDFs print that the demo has none of
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.rule in SKIP or rule.rule.endswith((".xlsx", ".csv")):
                continue
            kind = "pdf" if rule.rule.endswith(".pdf") else "page" if not rule.arguments else "detail"
            if kind == "detail" and not re.fullmatch(r"/[^<]+<int:\w+>", rule.rule):
                continue  # forms and sub-pages of a record: its detail page stands for them
            for record_id in range(1, 41) if rule.arguments else [None]:
                path = rule.build({arg: record_id for arg in rule.arguments}, append_unknown=False)[1]
                user = next((u for u, c in clients.items() if ok(c.get(path), kind)), None)
                if user:
                    found[kind].append((path, user))
                    break
        db.session.remove()
    return found


def ok(response, kind: str) -> bool:
    return response.status_code == 200 and response.mimetype == ("application/pdf" if kind == "pdf" else "text/html")


def memory(pid: int) -> dict[str, float]:
    """Rss, Pss and USS (private clean + dirty) of a process in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":")
        values[name] = int(value.split()[0]) / 1024
    return {"rss": values["Rss"], "pss": values["Pss"], "uss": values["Private_Clean"] + values["Private_Dirty"]}


def workers(master: int) -> list[int]:
    return sorted(int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split())


def has_weasyprint(pid: int) -> bool:
    return "libpango" in Path(f"/proc/{pid}/maps").read_text()


def private_by_mapping(pid: int, top: int = 4) -> list[tuple[str, float]]:
    """Where a process's private memory is, by mapping, largest first: [heap] is glibc malloc's main arena,
    anonymous mostly Python's object arenas and large mallocs, others a library's or a file's own pages."""
    sizes, name = Counter(), ""
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if re.fullmatch(r"[0-9a-f]+-[0-9a-f]+", fields[0]):
            name = Path(fields[5]).name if len(fields) > 5 else "anonymous"
        elif fields[0] in ("Private_Clean:", "Private_Dirty:"):
            sizes[re.sub(r"\.so[.\d]*$", ".so", name)] += int(fields[1]) / 1024
    return sizes.most_common(top)


def fetch(base: str, cookies: dict[str, str], path: str, user: str) -> tuple[int, str]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=300)
    connection.request("GET", path, headers={"Cookie": cookies[user], "User-Agent": "frontdesk-bench"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, path


def load(base: str, cookies: dict[str, str], requests: list[tuple[str, str]]) -> None:
    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(pool.map(lambda r: fetch(base, cookies, *r), requests))
    failed = [(status, path) for status, path in statuses if status != 200]
    if failed:
        sys.exit(f"{len(failed)} requests did not answer 200, e.g. {failed[:5]}")


def served(log: Path) -> Counter:
    """Requests each worker served so far, from the access log (`<pid> status path`)."""
    return Counter(int(line.split()[0].strip("<>")) for line in log.read_text().splitlines() if line.startswith("<"))


def measure(config: str, urls: dict, env: dict[str, str], work: Path) -> tuple[list[dict], list]:
    port, log, config_file = free_port(), work / "access.log", work / "gunicorn.conf.py"
    log.write_text("")
    config_file.write_text(config)
    command = GUNICORN + ["-c", str(config_file), "-b", f"127.0.0.1:{port}", "--error-logfile", str(work / "error.log"),
                          "--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s", "app:create_app()"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    base, rows = f"http://127.0.0.1:{port}", []
    rng = random.Random(16)
    try:
        wait_until_up(base, process, work / "error.log")
        while len(workers(process.pid)) < WORKERS:
            time.sleep(0.2)

        def snapshot(phase: str) -> None:
            pids, counts = workers(process.pid), served(log)
            rows.append({"phase": phase, "master": memory(process.pid), "workers": [memory(p) for p in pids],
                         "served": [counts[p] for p in pids], "weasyprint": sum(map(has_weasyprint, pids))})

        snapshot("start")
        cookies = {user: log_in(base, user, DEMO_PASSWORD) for user in USERS}
        html = urls["page"] + urls["detail"]
        load(base, cookies, rng.sample(html * WORKERS, len(html) * WORKERS))  # each page about once a worker
        snapshot("warm-up")
        kinds = rng.choices(list(SHARES), weights=list(SHARES.values()), k=MIXED)
        mixed = [rng.choice(urls[kind]) for kind in kinds]
        for half, phase in ((mixed[:MIXED // 2], f"+{MIXED // 2} mixed"), (mixed[MIXED // 2:], f"+{MIXED} mixed")):
            load(base, cookies, half)
            snapshot(phase)
        largest = max(workers(process.pid), key=lambda p: memory(p)["pss"])
        return rows, private_by_mapping(largest)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def table(results: dict[str, list[dict]]) -> str:
    lines = ["| variant | phase | requests a worker | workers with WeasyPrint | PSS max / mean MB | "
             "RSS max / mean MB | USS max / mean MB | master PSS / RSS MB | target met |",
             "|---|---|--:|--:|--:|--:|--:|--:|---|"]
    for variant, rows in results.items():
        for row in rows:
            figures = []
            for key in ("pss", "rss", "uss"):
                values = [w[key] for w in row["workers"]]
                figures.append(f"{max(values):.0f} / {sum(values) / len(values):.0f}")
            target = {"warm-up": TARGET_WARM_MB, f"+{MIXED} mixed": TARGET_PRINTED_MB}.get(row["phase"])
            largest = max(w["pss"] for w in row["workers"])
            met = "" if target is None else f"{'yes' if largest < target else '**no**'} (< {target})"
            lines.append(f"| {variant} | {row['phase']} | {min(row['served'])}–{max(row['served'])} | "
                         f"{row['weasyprint']} of {len(row['workers'])} | {' | '.join(figures)} | "
                         f"{row['master']['pss']:.0f} / {row['master']['rss']:.0f} | {met} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.splitlines()[0])
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="frontdesk-memory-"))
    env = {**os.environ, **demo_database(work / "memory.db")}
    urls = discover(work / "memory.db")
    print(", ".join(f"{len(v)} {k}s" for k, v in urls.items()), flush=True)
    results, private = {}, {}
    for variant, (config, extra_env) in VARIANTS.items():
        results[variant], private[variant] = measure(config, urls, {**env, **extra_env}, work)
        print(table({variant: results[variant]}), flush=True)
    text = (f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
            f"{' '.join(platform.libc_ver())}, SQLite demo data: {len(urls['page'])} pages, {len(urls['detail'])} "
            f"detail pages, {len(urls['pdf'])} PDFs; {CLIENTS} client threads; the mixed requests "
            f"{', '.join(f'{s:.0%} {k}s' for k, s in SHARES.items())}.\n\n" + table(results) + "\n\n"
            + "\n".join(f"Largest private mappings of the largest worker at the end, {variant}: "
                        + ", ".join(f"{name} {mb:.0f} MB" for name, mb in top) + "."
                        for variant, top in private.items()))
    print(text)
    if not args.no_readme:
        write_block("memory", text)
        print(f"written to {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
