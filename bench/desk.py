"""Desk speed: the centre's everyday tasks done in a real Chromium, by their visible labels, counting
what a person has to do and estimating how long it takes them (bench/README.md, "Desk tasks").

    .venv/bin/python -m bench.desk            # fresh demo data on SQLite, a table into bench/README.md
    .venv/bin/python -m bench.desk --no-readme

The time is not the machine's: it is a model of human input, stated in `COST`, applied to the inputs
each task needed. The machine's own time (server and page loads) is shown beside it for reference.
"""
from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from playwright.sync_api import Locator, Page, expect, sync_playwright

from .__main__ import README, ROOT, serve, write_block

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "frontdesk"  # the demo's (blueprints/admin/demo.py)

# The model of human input, in seconds (issue 14's): a tap or moving to a field, each digit or Latin
# letter typed, each Chinese character (pinyin and choosing the character), a signature, a scan (raise
# the tablet, aim at the label).
COST = {"tap": 1.2, "digit": 0.35, "han": 1.0, "signature": 4.0, "scan": 3.0}
TARGET_INPUTS, TARGET_SECONDS = 6, 20.0


def typing_seconds(text: str) -> float:
    return sum(COST["han"] if unicodedata.east_asian_width(c) in "WF" else COST["digit"] for c in text)


@dataclass
class Task:
    name: str
    inputs: list[tuple[str, float]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    wall: float = 0.0
    max_inputs: int = TARGET_INPUTS

    @property
    def seconds(self) -> float:
        return sum(cost for _, cost in self.inputs)

    @property
    def met(self) -> bool:
        return len(self.inputs) <= self.max_inputs and self.seconds <= TARGET_SECONDS


class Desk:
    """The person at the tablet: every input goes through here, so it is counted and costed."""

    def __init__(self, page: Page):
        self.page = page
        self.tasks: list[Task] = []

    @contextmanager
    def task(self, name: str, *, start: str, max_inputs: int = TARGET_INPUTS):
        """A task starts on the page where the person is when it comes up (navigation to it is free)."""
        self.page.goto(start)
        task = Task(name, max_inputs=max_inputs)
        self.tasks.append(task)
        yield task
        task.wall = time.monotonic() - task.started
        print(f"{name:18} {len(task.inputs):2d} inputs {task.seconds:5.1f} s   ({task.wall:4.1f} s machine)",
              flush=True)

    def tap(self, target: Locator, what: str = "") -> None:
        what = what or " ".join(target.inner_text().split())[:20]
        target.click()
        self.tasks[-1].inputs.append((f"tap {what}", COST["tap"]))

    def type(self, target: Locator, text: str) -> None:
        target.click()
        target.fill(text)
        self.tasks[-1].inputs.append((f"type {text}", COST["tap"] + typing_seconds(text)))

    def scan(self, target: Locator, code: str) -> None:
        """A QR label read by the camera: the code arrives in the field as the scanner fills it."""
        target.fill(code)
        self.tasks[-1].inputs.append((f"scan {code}", COST["scan"]))

    def sign(self, canvas: Locator) -> None:
        box = canvas.bounding_box()
        mouse = self.page.mouse
        mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
        mouse.down()
        for step in range(1, 12):
            mouse.move(box["x"] + 20 + step * 20, box["y"] + box["height"] / 2 + (15 if step % 2 else -15))
        mouse.up()
        self.tasks[-1].inputs.append(("signature", COST["signature"]))


def by_label(page: Page, label: str) -> Locator:
    """The field a person finds by its label (which may end in the required mark *)."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"\*?$"))


def run_tasks(desk: Desk) -> None:
    page = desk.page

    with desk.task("walk-in visitor", start="/visitors/new"):
        desk.type(by_label(page, "访客姓名"), "刘备")
        desk.type(by_label(page, "到访房号"), "3-1502")
        desk.type(by_label(page, "证件号码"), "340104199001011239")
        desk.tap(page.get_by_role("button", name="登记进入"))
        expect(page).to_have_url(re.compile(r"/visitors/\d+$"))

    with desk.task("repair call", start="/tickets/new"):
        desk.tap(page.get_by_text("报修", exact=True))
        desk.type(by_label(page, "房号"), "3-1502")
        desk.tap(page.locator("#unit-residents button").first, "the caller")
        desk.type(by_label(page, "内容"), "厨房漏水")
        desk.tap(page.get_by_role("button", name="登记", exact=True))
        expect(page).to_have_url(re.compile(r"/tickets/\d+$"))

    with desk.task("parcel intake", start="/parcels/new"):
        desk.scan(by_label(page, "快递单号"), "SF1234567890")
        desk.type(by_label(page, "房号"), "3-1502")
        desk.tap(page.get_by_text("顺丰", exact=True))
        desk.tap(page.get_by_role("button", name="登记", exact=True))
        expect(page.locator(".flash")).to_contain_text("已登记")

    parcel_pick_up(desk)

    page.goto("/journal/")
    page.get_by_role("link", name="大堂前台").first.click()  # the lobby's shift, open since the demo's morning
    with desk.task("journal event", start=page.url):
        form = page.locator("form[data-offline]")
        desk.tap(form.locator("label", has_text="设施设备"))
        desk.type(form.get_by_label(re.compile("^内容")), "3号楼电梯异响，已报工程部")
        desk.tap(form.get_by_role("button", name="记录", exact=True))
        expect(page).to_have_url(re.compile(r"#event-\d+$"))
        page.wait_for_load_state()
        expect(page.locator("td").filter(has_text="3号楼电梯异响").first).to_be_visible()

    with desk.task("umbrella loan", start="/lending/", max_inputs=4):
        desk.tap(page.get_by_role("row", name=re.compile("雨伞")).get_by_role("link", name="借出"), "雨伞 借出")
        desk.type(by_label(page, "房号"), "3-1502")
        desk.sign(page.locator("[data-signature] canvas"))
        desk.tap(page.get_by_role("button", name="确认借出"))
        expect(page.locator(".flash")).to_contain_text("借出")


def parcel_pick_up(desk: Desk) -> None:
    """The household of the parcel just registered collects (find, choose if several match, sign, confirm)."""
    page = desk.page
    with desk.task("parcel pick-up", start="/parcels/pick-up", max_inputs=4):
        desk.type(page.get_by_role("searchbox", name="查找领取人"), "3-1502")
        choose = page.get_by_role("link", name=re.compile("^HY-3-1502"))
        if choose.count():
            desk.tap(choose, "the household")
        desk.sign(page.get_by_role("img", name="领取人签名"))
        desk.tap(page.get_by_role("button", name="确认发放"))
        expect(page.locator(".flash-success")).to_contain_text("已发放")


def run_floor_tasks(desk: Desk, database: Path) -> None:
    """The concierge's, on a shift under way: a checkpoint of a patrol round, the handover to the colleague
    coming on, then a shift opened on another post with its checklist."""
    page = desk.page
    page.goto("/journal/")
    page.get_by_role("link", name="楼层客服").first.click()
    page.get_by_role("button", name="其余全部正常").click()  # the demo's shift left its checklist open

    page.goto("/patrols/")
    page.get_by_role("button", name="开始巡查").first.click()  # starting the round is not the checkpoint's
    page.wait_for_url(re.compile(r"/patrols/rounds/\d+"))
    page.wait_for_load_state()
    checkpoint = page.locator("section.checkpoint:not(.recorded)").first
    checkpoint_id = int(checkpoint.get_attribute("id").removeprefix("cp-"))
    with sqlite3.connect(database) as connection:
        [code] = connection.execute("SELECT code FROM patrol_checkpoints WHERE id = ?", (checkpoint_id,)).fetchone()
    with desk.task("patrol checkpoint", start=page.url, max_inputs=3):
        checkpoint = page.locator(f"#cp-{checkpoint_id}")
        desk.scan(checkpoint.get_by_placeholder("扫码或输入标签上的编码"), code)
        desk.tap(checkpoint.get_by_role("button", name="正常", exact=True))
        expect(page.locator(f"#cp-{checkpoint_id}.recorded")).to_be_visible()

    page.goto("/journal/")
    page.get_by_role("link", name="楼层客服").first.click()
    with desk.task("handover", start=page.url):
        desk.tap(page.get_by_role("button", name="交班", exact=True))
        desk.type(by_label(page, "接班人用户名"), "concierge2")
        desk.type(by_label(page, "接班人密码"), PASSWORD)
        desk.tap(page.get_by_role("button", name="确认接班"))
        expect(page.locator(".flash")).to_contain_text("交接完成")

    with desk.task("open shift", start="/journal/"):
        desk.tap(page.locator("label", has_text="中控室"))
        desk.tap(page.get_by_role("button", name="开班"))
        desk.tap(page.get_by_role("button", name="其余全部正常"))
        expect(page.locator("#checklist-notice")).to_be_hidden()


def log_in(browser, base: str, username: str) -> Page:
    page = browser.new_page(base_url=base, viewport={"width": 1024, "height": 768}, locale="zh-CN")
    page.goto("/login")
    page.locator("input[type=text], input:not([type])").first.fill(username)
    page.locator("input[type=password]").first.fill(PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page


# gunicorn as the benches run it: two workers (the machine's cores), a few threads each.
SERVER_ARGS = SimpleNamespace(workers=2, worker_class="gthread", threads=4)


def demo_database(database: Path) -> dict[str, str]:
    """A fresh SQLite database at `database`, migrated and loaded with the demo's data (`flask demo`);
    returns the environment that serves it (files kept beside it)."""
    env = {"DATABASE_URL": f"sqlite:///{database}", "FLASK_SECRET_KEY": "desk-bench",
           "FLASK_STORAGE_DIR": str(database.parent / "files"), "FLASK_APP": "app"}
    flask = [sys.executable, "-m", "flask"]
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(flask + command, cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    return env


def write_readme(tasks: list[Task]) -> None:
    rows = [
        "| task | inputs | estimated | target | met | what the person does |",
        "|---|---|---|---|---|---|",
    ]
    for t in tasks:
        rows.append(
            f"| {t.name} | {len(t.inputs)} | {t.seconds:.1f} s | ≤ {t.max_inputs} inputs, ≤ {TARGET_SECONDS:.0f} s "
            f"| {'yes' if t.met else '**no**'} | {'; '.join(what for what, _ in t.inputs)} |"
        )
    model = ", ".join(f"{k} {v} s" for k, v in COST.items())
    write_block("desk", f"Model: {model}.\n\n" + "\n".join(rows))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.desk", description=__doc__.splitlines()[0])
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--headed", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="frontdesk-desk-"))
    env = demo_database(work / "desk.db")
    with serve("app:create_app()", SERVER_ARGS, work / "server.log", env) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=not args.headed)
        floor = log_in(browser, server.base, "concierge")
        lobby = log_in(browser, server.base, "lobby")
        tasks = []
        for desk, run in ((Desk(lobby), run_tasks), (Desk(floor), lambda d: run_floor_tasks(d, work / "desk.db"))):
            try:
                run(desk)
            except Exception:
                shot = work / "failed.png"
                desk.page.screenshot(path=str(shot), full_page=True)
                print(f"failed after {desk.tasks[-1].name!r} on {desk.page.url}: see {shot}", file=sys.stderr)
                raise
            tasks += desk.tasks
        browser.close()
    if not args.no_readme:
        write_readme(tasks)
        print(f"written to {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
