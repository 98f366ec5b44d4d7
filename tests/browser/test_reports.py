"""The statistics page in a real Chromium at the supervisor's tablet sizes: the period picker, and chart
labels readable where the chart is drawn (an SVG is scaled to its box, its text with it)."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from blueprints.reports.periods import Period, PeriodKind
from models import Role, db
from models.tickets import Ticket

pytestmark = pytest.mark.browser

SIZES = [(1024, 768), (768, 1024)]


@pytest.fixture
def supervisor(make, prop):
    user = make.user("supervisor1", {prop: [Role.SUPERVISOR]}, display_name="陈主管")
    for n, category in enumerate(["repair", "repair", "enquiry"]):
        db.session.add(Ticket(property_id=prop.id, number=f"HY-TK-B-{n}", source="phone", category=category,
                              description="x", first_contact_id=user.id, status="received"))
    db.session.commit()
    return user


def rendered_label_sizes(page: Page) -> list[float]:
    """The on-screen size in CSS px of every chart label: its font size times the SVG's scale."""
    return page.evaluate("""() => [...document.querySelectorAll('svg.chart text')]
        .map(text => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a)""")


def test_the_supervisor_picks_a_period_and_reads_the_charts(page, log_in, supervisor, console_errors):
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    year = Period.containing(PeriodKind.YEAR, today)
    log_in("supervisor1")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/reports/tickets")
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"{today.year}年{today.month}月")
        sizes = rendered_label_sizes(page)
        assert sizes and min(sizes) >= 12, (width, sizes)

        page.get_by_role("navigation", name="统计周期").get_by_role("link", name="年度", exact=True).click()
        expect(page).to_have_url(re.compile(rf"period={year.key}$"))
        expect(page.get_by_role("heading", name="分月统计")).to_be_visible()
        sizes = rendered_label_sizes(page)
        assert len(sizes) > 12 * 2 and min(sizes) >= 12, (width, sizes)  # the columns of twelve months too
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the tablet

        page.get_by_label("统计期").select_option(year.previous.key)  # choosing opens it
        expect(page).to_have_url(re.compile(rf"period={year.previous.key}$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"{year.start.year - 1}年")
    assert console_errors == []
