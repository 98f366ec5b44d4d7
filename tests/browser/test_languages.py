"""A lobby user switches to 繁 and to EN in a real Chromium (issue 17): the dashboard, a visitor registration
with a validation error, the outbox with a visitor kept offline, a ticket, the handover and its PDF all follow.

Expected texts come from the compiled catalogues (`tr`), so the test holds whatever the translators' wording.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from babel.support import Translations
from playwright.sync_api import Page, expect

from models import Role, db
from models.journal import Shift
from models.tickets import Ticket
from tests.browser import wait_until_synced

from ..conftest import PASSWORD
from ..pdf import pdf_text
from .conftest import PROJECT_ROOT

pytestmark = pytest.mark.browser

HAN = re.compile(r"[\u4e00-\u9fff]")
LANGUAGE_NAMES = {"zh_Hant": "繁", "en": "EN"}


def tr(language: str, message: str) -> str:
    text = Translations.load(str(PROJECT_ROOT / "translations"), [language]).gettext(message)
    assert language == "zh_Hant" or text != message, f"{message} has no {language} translation"  # 工作台 is both
    return text


def switch(page: Page, language: str) -> None:
    """Switch with the header's 简 / 繁 / EN; the service worker has then dropped the pages kept in the old language."""
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)
    page.locator("header .usermenu summary").click()
    page.locator("header .language-switch").get_by_role("button", name=LANGUAGE_NAMES[language], exact=True).click()
    tag = {"zh_Hant": "zh-Hant", "en": "en"}[language]
    expect(page.locator("html")).to_have_attribute("lang", tag)
    expect(page.locator("html")).to_have_attribute("data-offline-language", tag)


def register_visitor_with_an_error_first(page: Page, context, language: str, name: str) -> None:
    """The server refuses the form without a name; the name is then typed with the network down."""
    page.get_by_label(tr(language, "到访房号")).fill("3-1502")
    page.get_by_role("button", name=tr(language, "登记进入")).click()
    field = page.locator(".field.has-error", has=page.get_by_label(tr(language, "访客姓名")))
    expect(field).to_contain_text(tr(language, "请填写此项"))
    expect(page.get_by_label(tr(language, "到访房号"))).to_have_value("3-1502")  # nothing typed is lost
    context.set_offline(True)
    page.get_by_label(tr(language, "访客姓名")).fill(name)
    page.get_by_label(tr(language, "证件类型")).select_option(label=tr(language, "未出示"))
    page.get_by_role("button", name=tr(language, "登记进入")).click()


def test_a_lobby_user_works_in_traditional_chinese_and_in_english(page: Page, context, log_in, make, prop):
    make.unit(prop, "3", "1502")
    make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    make.user("night", {prop: [Role.LOBBY]}, display_name="赵夜班")
    log_in("desk")

    # 繁: the dashboard, then a visitor kept on the tablet while the network is down, shown in the outbox.
    switch(page, "zh_Hant")
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("zh_Hant", "工作台"))
    page.goto("/outbox")  # kept for offline use, now in 繁
    page.wait_for_function("caches.open('pages-v1').then(c => c.match(location.href)).then(r => !!r)", timeout=15000)
    page.goto("/visitors/new")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)
    register_visitor_with_an_error_first(page, context, "zh_Hant", "關羽")
    saved = tr("zh_Hant", "网络不通：「%(what)s」已保存在本机，待同步。恢复网络后自动发送。").split("%(what)s")
    expect(page.locator(".offline-notice")).to_contain_text(saved[0])
    expect(page.locator(".offline-notice")).to_contain_text("關羽")
    page.goto("/outbox")
    expect(page.locator("#outbox-items tr.outbox-item")).to_contain_text(tr("zh_Hant", "待同步"))
    context.set_offline(False)
    wait_until_synced(page)
    expect(page.locator("#outbox-items tr.outbox-item")).to_have_count(0)

    # EN: a ticket, then the shift's handover and its printed sheet.
    page.goto("/dashboard")
    switch(page, "en")
    page.goto("/tickets/new")
    page.get_by_text(tr("en", "报修"), exact=True).click()
    page.get_by_label(tr("en", "房号"), exact=True).fill("3-1502")
    page.get_by_label(tr("en", "联系人"), exact=True).fill("Li Lei")
    page.get_by_label(tr("en", "联系电话")).fill("13812345678")
    page.get_by_label(re.compile("^" + re.escape(tr("en", "内容")))).fill("Kitchen tap leaking")
    page.get_by_role("button", name=tr("en", "登记"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"TK-"))
    expect(page.locator("main")).to_contain_text(tr("en", "报修"))
    db.session.commit()
    assert db.session.scalar(sa.select(Ticket.description)) == "Kitchen tap leaking"

    page.goto("/journal/")
    page.get_by_text(tr("en", "大堂前台"), exact=True).click()
    page.get_by_role("button", name=tr("en", "开班")).click()
    for row in page.locator("tr.check-row").all():
        row.get_by_role("button", name=tr("en", "正常"), exact=True).click()
        expect(row).to_have_class(re.compile("answered"))
    page.get_by_role("button", name=tr("en", "交班"), exact=True).click()
    expect(page.locator("#handover")).to_contain_text(tr("en", "未离开访客"))
    expect(page.locator("#handover")).to_contain_text("關羽")
    assert not HAN.search(re.sub("關羽|王前台|恒宇花园", "", page.locator("main").inner_text()))
    page.get_by_label(tr("en", "接班人用户名")).fill("night")
    page.get_by_label(tr("en", "接班人密码")).fill(PASSWORD)
    page.get_by_role("button", name=tr("en", "确认接班")).click()
    expect(page.locator(".flash-success")).to_contain_text("赵夜班")
    db.session.commit()
    shift = db.session.scalar(sa.select(Shift).order_by(Shift.id))  # the one handed over
    english = " ".join(pdf_text(page.request.get(f"/journal/shifts/{shift.id}/handover.pdf").body()).split())
    assert tr("en", "交接班记录表") in english and tr("en", "未离开访客") in english and "關羽" in english, english
    assert not HAN.search(re.sub("關羽|王前台|赵夜班|恒宇花园", "", english)), english

    switch(page, "zh_Hant")
    hant = pdf_text(page.request.get(f"/journal/shifts/{shift.id}/handover.pdf").body())
    assert tr("zh_Hant", "交接班记录表") in hant and "交接班记录表" not in hant
