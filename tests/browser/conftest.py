"""Real-browser fixtures: the app served by gunicorn in a process of its own, against the test's
database, and Debian's Chromium driven by Playwright (pytest-playwright), in Chinese at tablet size.

No browser download: Playwright launches /usr/bin/chromium (the `chromium` Debian package).
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from ..conftest import PASSWORD

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def clock():
    """Real time: the server runs in a process of its own and Chromium keeps its own clock, so the
    test's records are made on the clock they both use."""
    yield None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url() -> None:
    """No --base-url: each test's live server gives the base URL (see `context`).

    This also shadows pytest-playwright 0.10's fallback `base_url`, a session fixture defined as an
    instance method, which pytest 9 warns about (PytestRemovedIn10Warning, an error here).
    """
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "viewport": {"width": 1280, "height": 800},
        # Offline forms register a service worker; 127.0.0.1 is a secure context, so it may.
        "service_workers": "allow",
    }


@pytest.fixture
def context(new_context, live_server) -> BrowserContext:
    """A fresh browser profile whose relative URLs (`page.goto("/login")`, `fetch`) reach the live server."""
    context = new_context(base_url=live_server.url)
    # Everything here answers in well under a second: a missing element should fail fast, not in 30 s.
    context.set_default_timeout(10_000)
    return context


class LiveServer:
    """The app under gunicorn in a child process, on one port for its whole life.

    `stop()` takes the server down (a test's "server unreachable"); `start()` brings it back on the same
    port, so pages already open in the browser reach it again.
    """

    STARTUP_TIMEOUT = 30

    def __init__(self, environment: dict[str, str], log_path: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._environment = environment
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        if self._process is not None:
            raise RuntimeError("the live server is already running")
        command = [
            sys.executable, "-m", "gunicorn",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", "2",
            "--threads", "4",
            # The app is imported once and the workers forked from it: each test's server starts in half the time.
            "--preload",
            "--access-logfile", "-",
            # The default control socket is one path per user: parallel servers would fight over it.
            "--no-control-socket",
            "app:create_app()",
        ]
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=self._environment, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_healthy()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        # Killed, the arbiter and its workers (their own session) at once: even gunicorn's quick shutdown
        # (SIGINT) takes 3–4 s while the browser holds keep-alive connections, and a server going down
        # is what tests stop it for (the database recovers an interrupted write on its next open).
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return "(no output)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def _wait_until_healthy(self) -> None:
        # No proxy from the environment may stand between the tests and 127.0.0.1.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + self.STARTUP_TIMEOUT
        last_error = None
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                code = self._process.returncode
                self._process = None
                pytest.fail(f"gunicorn exited with status {code} on start:\n{self.log_tail()}", pytrace=False)
            try:
                with opener.open(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except urllib.error.HTTPError as error:
                last_error = f"HTTP {error.code}"
                error.close()
            except (urllib.error.URLError, OSError) as error:
                last_error = repr(error)
            time.sleep(0.1)
        self.stop()
        pytest.fail(
            f"{self.url}/healthz did not answer 200 within {self.STARTUP_TIMEOUT} s ({last_error}):\n"
            f"{self.log_tail()}",
            pytrace=False,
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_environment(app_config: dict) -> dict[str, str]:
    """The variables production sets, pointing at the test's database and files; none of the shell's own
    FLASK_* settings (FLASK_SESSION_COOKIE_SECURE=true, say) reach the server."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    environment.update(
        DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
        # from_prefixed_env() parses values as JSON: quoted, they stay strings whatever they look like.
        FLASK_SECRET_KEY=json.dumps(app_config["SECRET_KEY"]),
        FLASK_STORAGE_DIR=json.dumps(app_config["STORAGE_DIR"]),
        FLASK_PASSWORD_HASH_METHOD=json.dumps(app_config["PASSWORD_HASH_METHOD"]),
        PYTHONUNBUFFERED="1",
    )
    return environment


@pytest.fixture
def live_server(app_config, tmp_path):
    """The app served by gunicorn against this test's database; the test's `app` context sees its writes
    after `db.session.commit()`."""
    server = LiveServer(_server_environment(app_config), tmp_path / "server.log")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item):
    report = yield
    server = getattr(item, "funcargs", {}).get("live_server")
    if report.when == "call" and report.failed and isinstance(server, LiveServer):
        report.sections.append(("live server log (last lines)", server.log_tail()))
    return report


@pytest.fixture(autouse=True)
def no_policy_violations(request):
    """Every browser test fails if the Content-Security-Policy blocked anything the page tried (an inline
    script or handler, a resource from elsewhere): the app must work within its own policy."""
    if "page" not in request.fixturenames:
        yield
        return
    page: Page = request.getfixturevalue("page")
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    yield
    assert not violations, violations


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Console errors and uncaught exceptions of the page, for the test to assert on."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        # Chromium asks every site for /favicon.ico by itself; the app has no icon, and that 404 is not
        # an error of the page.
        if message.type == "error" and not url.endswith("/favicon.ico"):
            errors.append(f"{message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def log_in(page: Page):
    """Log in through the real /login form, as a person would, and land on the dashboard."""

    def log_in(username: str, password: str = PASSWORD) -> None:
        page.goto("/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page).to_have_url(re.compile(r"/dashboard$"))

    return log_in
