"""A whole estate's roster imported in a real Chromium: the check page a page at a time, then the import
batch by batch with its progress on the screen until the units list says it is done. Verified on the
server: the test counts the rows."""
import re
import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from models import Resident, Role, Unit, db

from ..admin.test_import import big_sheet

pytestmark = pytest.mark.browser


def counted(model) -> int:
    db.session.commit()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_big_roster_imports_with_its_progress_shown(page: Page, log_in, make, prop, tmp_path, console_errors):
    make.user("admin1", {prop: [Role.ADMIN]})
    sheet = tmp_path / "全小区.xlsx"
    sheet.write_bytes(big_sheet(1000, bad_lines=(7,)))
    log_in("admin1")
    page.goto("/admin/import")
    page.locator("input[type=file]").set_input_files(sheet)
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator(".import-counts")).to_contain_text(
        "共 1000 行：新增 999 行，更新 0 行，无变化 0 行，有问题 1 行。")
    expect(page.locator("tbody tr").first).to_contain_text("电话号码不正确")
    expect(page.locator(".pager")).to_contain_text("第 1 / 20 页")

    # Each batch takes a moment longer here, so that the test sees every figure the screen shows.
    page.route("**/admin/import/confirm", lambda route: (time.sleep(0.4), route.continue_()))
    answers = []
    page.on("response", lambda r: r.url.endswith("/admin/import/confirm") and answers.append(r.status))
    page.get_by_role("button", name="确认导入 999 行（跳过有问题的行）").click()
    figure = page.locator(".import-figure")
    for done in (300, 600, 900):
        expect(figure).to_have_text(f"已导入 {done} / 1000 行")
    expect(page.locator("progress")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/units$"))
    expect(page.locator(".flash-success")).to_contain_text("导入完成：共 1000 行，新增 999 行")
    assert answers == [200, 200, 200, 200]  # four batches, each an htmx request
    assert counted(Unit) == 999 and counted(Resident) == 999
    assert console_errors == []
