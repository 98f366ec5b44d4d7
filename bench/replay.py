"""Offline replay: how long a tablet takes to send what it kept while the network was down (issue 16;
bench/README.md, "Offline replay").

    .venv/bin/python -m bench.replay                # 500 queued journal events, the figure into bench/README.md
    .venv/bin/python -m bench.replay --items 100 --no-readme

Fresh demo data on SQLite (bench.desk's helpers), the app under gunicorn, Debian's Chromium logged in as
the demo's `lobby` on the lobby shift's page. With the context offline one event is recorded through the
real form (the outbox keeps it as the page made it); the rest are copies of that item with their own
idempotency keys and texts, put into the outbox through the page's own `FrontdeskOutbox.put`. Then the
network comes back, the page's `online` event replays the outbox as it does on a tablet, and the clock
runs until the outbox is empty and the database holds every event exactly once.
"""
from __future__ import annotations

import argparse
import os
import re
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from .__main__ import README, ROOT, serve, write_block
from .desk import CHROMIUM, SERVER_ARGS, demo_database, log_in

TARGET_SECONDS = 10.0
TIMEOUT_SECONDS = 300.0
PREFIX = "离线回放"

# Copies of the item the form queued: same form, same fields but the text, each with its own key and a
# later createdAt, so the replay order is the order they were "typed" in.
QUEUE_COPIES = """async ({count, prefix}) => {
  const [first] = await FrontdeskOutbox.list();
  const key = () => crypto.randomUUID().replace(/-/g, "");
  for (let n = 2; n <= count; n++) {
    const text = `${prefix} ${String(n).padStart(4, "0")}`;
    const fields = first.fields.map(([name, value]) => [name, name === "text" ? text : value]);
    await FrontdeskOutbox.put({...first, key: key(), fields, summary: text, createdAt: first.createdAt + n});
  }
  return (await FrontdeskOutbox.list()).length;
}"""


def events_in(database: Path) -> int:
    with sqlite3.connect(database, timeout=5) as connection:
        [count] = connection.execute("SELECT count(*) FROM journal_events WHERE text LIKE ?", (PREFIX + " %",)).fetchone()
    return count


def replay(items: int, headed: bool = False) -> dict:
    work = Path(tempfile.mkdtemp(prefix="frontdesk-replay-"))
    database = work / "replay.db"
    env = demo_database(database)
    with serve("app:create_app()", SERVER_ARGS, work / "server.log", env) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=not headed)
        page = log_in(browser, server.base, "lobby")
        context = page.context
        page.goto("/journal/")
        page.get_by_role("link", name="大堂前台").first.click()  # the lobby's shift, open since the demo's morning
        page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)

        context.set_offline(True)
        form = page.locator("form[data-offline]")
        form.get_by_label(re.compile("^内容")).fill(f"{PREFIX} 0001")
        form.get_by_role("button", name="记录", exact=True).click()
        expect(page.locator(".offline-notice")).to_contain_text(PREFIX)
        queued = page.evaluate(QUEUE_COPIES, {"count": items, "prefix": PREFIX})
        if queued != items or events_in(database):
            sys.exit(f"expected {items} items in the outbox and none on the server, found {queued}")

        load_before = os.getloadavg()[0]
        tokens = []
        context.on("request", lambda r: tokens.append(r.url) if r.url.endswith("/csrf-token") else None)
        started = time.monotonic()
        context.set_offline(False)  # the page's `online` event starts the replay
        while (count := events_in(database)) < items or page.evaluate("FrontdeskOutbox.list().then(i => i.length)"):
            if time.monotonic() - started > TIMEOUT_SECONDS:
                sys.exit(f"after {TIMEOUT_SECONDS:.0f} s the server has {count} of {items} events")
            time.sleep(0.05)
        seconds = time.monotonic() - started
        time.sleep(1)  # anything sent twice would show now
        count = events_in(database)
        browser.close()
    if count != items:
        sys.exit(f"the server has {count} events for {items} queued items")
    return {"items": items, "seconds": seconds, "tokens": len(tokens), "load": (load_before, os.getloadavg()[0])}


def write_readme(result: dict) -> None:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    met = "yes" if result["seconds"] < TARGET_SECONDS else "**no**"
    write_block("replay", (
        f"Run {when}: {result['items']} queued journal events replayed in **{result['seconds']:.1f} s** "
        f"({1000 * result['seconds'] / result['items']:.0f} ms an item; {result['tokens']} request(s) to "
        f"`/csrf-token`), every one saved once. Target < {TARGET_SECONDS:.0f} s: {met}. gunicorn "
        f"{SERVER_ARGS.workers} {SERVER_ARGS.worker_class} workers × {SERVER_ARGS.threads} threads, SQLite; "
        f"load average {result['load'][0]:.1f} before, {result['load'][1]:.1f} after (other work shares the cores)."
    ))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.replay", description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--headed", action="store_true")
    args = parser.parse_args(argv)
    result = replay(args.items, headed=args.headed)
    print(f"{result['items']} items replayed in {result['seconds']:.1f} s "
          f"({result['tokens']} token requests; target < {TARGET_SECONDS:.0f} s)")
    if not args.no_readme:
        write_readme(result)
        print(f"written to {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
