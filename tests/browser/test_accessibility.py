"""WCAG 2.1 AA in a real Chromium (issue 18): axe-core over every page each demo role reaches, the entry forms
also showing their errors, and tap targets of 44×44 CSS px at 1024×768; focus and announcements after a failed
submit; the skip link and the focus ring.

axe-core comes from the npm registry (package-lock.json, `make assets`) into static/vendor, and no page refers to
it: the test evaluates its source in the page through the DevTools protocol, which the page's
Content-Security-Policy (script-src 'self') does not govern, so the page is checked under its real policy.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from werkzeug.routing import Rule

from models import Role

from .conftest import PROJECT_ROOT

pytestmark = pytest.mark.browser

AXE_SOURCE = PROJECT_ROOT / "static" / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEMO_USERS = ["admin", "supervisor", "lobby", "concierge", "engineer"]
TABLET = {"width": 1024, "height": 768}
NOT_PAGES = {"static", "health.healthz", "auth.csrf_token", "files.attachment", "offline.service_worker", "auth.login"}

_AXE_RUN = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then(result => result.violations.flatMap(v => v.nodes.map(n =>
    `${v.id} (${v.impact}) ${n.target.join(" ")}: ${n.failureSummary.replace(/\\s+/g, " ").slice(0, 300)}`)))"""

# Every control in the page's content, and the header's tools (通知, 待同步, the property switch), at 44×44 CSS
# px at least; a control drawn by its label (a choice button, the photo picker) is measured by that label.
_SMALL_TARGETS = """() => {
  const small = [];
  const controls = document.querySelectorAll(
    "main a[href], main button, main input:not([type=hidden]), main select, main textarea, main summary, " +
    ".topbar-tools a[href], .topbar-tools button, .topbar-tools select");
  const big = (box) => box.width >= 43.5 && box.height >= 43.5;
  for (const control of controls) {
    if (!control.getClientRects().length) continue;  // not shown
    if (big(control.getBoundingClientRect())) continue;
    if (Array.from(control.labels || [], (label) => label.getBoundingClientRect()).some(big)) continue;
    const box = control.getBoundingClientRect();
    const text = (control.textContent || control.name || "").trim().slice(0, 30);
    small.push(`${control.tagName.toLowerCase()} "${text}" ${Math.round(box.width)}×${Math.round(box.height)}`);
  }
  return small;
}"""


def _page_paths(app) -> list[str]:
    """Every page of the app (GET routes that answer HTML), with record 1 of the demo for each id."""
    def path(rule: Rule) -> str:
        args = {arg: "tickets" if arg == "table" else 1 for arg in rule.arguments}
        return rule.build(args, append_unknown=False)[1]
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint not in NOT_PAGES]
    return sorted({p for p in map(path, rules) if not re.search(r"\.(pdf|xlsx|csv)$", p)})



class Walk:
    """One role's visit of every page it reaches, collecting what axe and the tap-target check find."""

    def __init__(self, page: Page):
        self.page = page
        self.axe = AXE_SOURCE.read_text()
        self.violations: list[str] = []
        self.small_targets: list[str] = []
        self.checked: list[str] = []
        self.refusals_seen: set[int] = set()

    def check(self, label: str) -> None:
        self.page.evaluate(self.axe)  # once per document: a navigation starts a fresh one
        self.violations += [f"{label}: {v}" for v in self.page.evaluate(_AXE_RUN, WCAG_21_AA)]
        self.small_targets += [f"{label}: {t}" for t in self.page.evaluate(_SMALL_TARGETS)]
        self.checked.append(label)

    def visit(self, path: str) -> bool:
        """Open `path` and check it when it is a whole page (not an htmx fragment); a refusal (403, 404) is one
        page whatever was asked for, checked the first time it shows."""
        response = self.page.goto(path)
        assert response is not None and response.status < 500, path
        if "text/html" not in response.headers.get("content-type", ""):
            return False
        if not response.text().lstrip().lower().startswith("<!doctype html"):
            return False
        if response.status != 200:
            if response.status in self.refusals_seen:
                return False
            self.refusals_seen.add(response.status)
        self.check(path)
        return response.status == 200

    def fail_first_form(self, path: str) -> None:
        """Send the page's entry form empty and check the page showing the errors: the offline forms mark
        them in place (static/js/offline.js), the others come back from the server (422)."""
        form = self.page.locator("main form[data-offline], main form.form[method=post]").first
        if not form.count():
            return
        self.page.evaluate("window.__beforeSubmit = true")
        form.evaluate("f => { f.querySelectorAll('input[type=text], textarea').forEach(e => { e.value = ''; });"
                      " f.requestSubmit(); }")
        self.page.wait_for_function("() => window.__beforeSubmit !== true"
                                    " || !!document.querySelector('.field.has-error, .form-status:not(:empty)')")
        self.page.wait_for_load_state()
        self.check(f"{path} (sent empty)")


def _is_entry_form(path: str) -> bool:
    return path.endswith(("/new", "/issue", "/return", "/lend", "/events")) or "/checkpoints/" in path


@pytest.mark.one_database
@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_page_a_demo_role_reaches_passes_axe_and_has_44px_targets(page: Page, app, demo, log_in, username):
    page.set_viewport_size(TABLET)
    walk = Walk(page)
    if username == DEMO_USERS[0]:  # the log-in page, as anyone sees it, and refusing a wrong password
        page.goto("/login")
        walk.check("/login")
        page.get_by_label("用户名").fill("admin")
        page.get_by_label("密码").fill("wrong-password")
        page.get_by_role("button", name="登录", exact=True).click()
        walk.check("/login (wrong password)")
    log_in(username, "frontdesk")  # the demo users' password
    page.evaluate("document.querySelectorAll('details.navgroup').forEach(menu => { menu.open = true; })")
    walk.check("/dashboard (menus open)")
    for path in _page_paths(app):
        if walk.visit(path) and _is_entry_form(path):
            walk.fail_first_form(path)
    assert len(walk.checked) > (5 if username == "engineer" else 40)
    assert walk.violations == []
    assert walk.small_targets == []


@pytest.fixture
def lobby(make, prop):
    make.unit(prop, "3", "1502")
    return make.user("lobby1", {prop: [Role.LOBBY]}, display_name="王前台")


def test_a_failed_visitor_registration_puts_the_cursor_on_the_first_field_in_error(page: Page, log_in, lobby):
    page.set_viewport_size(TABLET)
    log_in("lobby1")
    page.goto("/visitors/new")
    page.get_by_label("到访房号").fill("3-1502")
    page.get_by_role("button", name="登记进入").click()

    name = page.get_by_label("访客姓名")
    expect(name).to_be_focused()
    expect(name).to_have_attribute("aria-invalid", "true")
    error_id = name.get_attribute("aria-describedby")
    expect(page.locator(f"#{error_id}")).to_have_text("请填写此项")
    expect(name).to_be_in_viewport()
    # The summary is written into the live region the page was served with, and names the field to fix.
    status = page.locator("form[data-offline] .form-status[role=status]")
    expect(status).to_contain_text("需修改：访客姓名")
    expect(page.get_by_label("到访房号")).not_to_have_attribute("aria-invalid", "true")

    name.fill("刘备")
    page.get_by_label("到访房号").fill("")
    page.get_by_role("button", name="登记进入").click()
    unit = page.get_by_label("到访房号")
    expect(unit).to_be_focused()
    expect(unit).to_have_attribute("aria-invalid", "true")
    expect(name).not_to_have_attribute("aria-invalid", "true")  # fixed: no longer marked
    expect(status).to_contain_text("需修改：到访房号")


def test_a_form_sent_back_by_the_server_puts_the_cursor_on_the_first_field_in_error(page: Page, log_in, make, prop):
    make.user("admin1", {prop: [Role.ADMIN]})
    page.set_viewport_size(TABLET)
    log_in("admin1")
    page.goto("/admin/buildings/new")
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").first.click()
    invalid = page.locator('main [aria-invalid="true"]').first
    expect(invalid).to_be_focused()
    expect(page.locator("[data-error-summary]")).to_contain_text("需修改：")


def test_the_skip_link_is_the_first_stop_and_every_control_shows_one_focus_ring(page: Page, log_in, lobby):
    log_in("lobby1")
    page.goto("/tickets/new")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    photo = page.locator("input[type=file]")
    photo.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # reached by the keyboard, as :focus-visible wants
    expect(photo).to_be_focused()
    ring = "e => { const s = getComputedStyle(e); return `${s.outlineStyle} ${s.outlineWidth}`; }"
    assert page.get_by_text("拍照或选择照片").evaluate(ring) == "solid 3px"
    page.get_by_label("内容").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.get_by_label("内容").evaluate(ring) == "solid 3px"
