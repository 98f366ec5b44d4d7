"""简 / 繁 / EN (issue 17): the catalogues are complete, the language follows the user (a column) and, before
log-in, the session's choice or the browser; every page a demo role reaches shows, in English, no Chinese
that is not the data itself."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext

from blueprints.shared.i18n import JS_STRINGS, LANGUAGES, matching, page_counter_css
from models import Role, User, db
from models.tickets import TicketStatus

from ..pdf import pdf_fonts, pdf_text
from ..xlsx import xlsx_rows
from .test_i18n import source_messages
from ..walk import USERS, get_paths

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
TRANSLATED = [language for language in LANGUAGES if language != "zh_CN"]


def _catalogue(language: str):
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalogue_translates_every_string_without_fuzzy_entries_or_broken_placeholders(language):
    catalogue = _catalogue(language)
    missing = sorted(m for m in source_messages() if not (catalogue.get(m) and catalogue.get(m).string))
    fuzzy = sorted(m.id for m in catalogue if m.id and m.fuzzy)
    broken = [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()]
    # Jinja's gettext always %-formats: a bare % in a string without placeholders breaks the page.
    broken += [(m.id, m.string) for m in catalogue if m.id and "%" not in m.id and "%" in m.string]
    assert (missing, fuzzy, broken) == ([], [], [])


def test_english_has_no_chinese_and_traditional_is_not_simplified():
    english = _catalogue("en")
    assert [m.string for m in english if m.id and HAN.search(m.string)] == []
    hant = {m.id: m.string for m in _catalogue("zh_Hant") if m.id}
    assert hant["登记报事"] == "登記報事" and hant["钥匙"] == "鎖匙" and hant["登录"] == "登入"


@pytest.mark.parametrize("tag, language", [
    ("zh-CN", "zh_CN"), ("zh", "zh_CN"), ("zh-SG", "zh_CN"), ("zh-Hans-HK", "zh_CN"),
    ("zh-TW", "zh_Hant"), ("zh-HK", "zh_Hant"), ("zh-MO", "zh_Hant"), ("zh-Hant", "zh_Hant"),
    ("en", "en"), ("en-GB", "en"), ("fr-FR", None), ("x-klingon", None),
])
def test_a_browser_language_tag_asks_for_one_of_the_three(tag, language):
    assert matching(tag) == language


def _login_page(client, **headers) -> str:
    return client.get("/login", headers=headers).get_data(as_text=True)


def test_before_log_in_the_browser_language_decides_then_the_switch(client):
    assert '<html lang="zh-CN">' in _login_page(client)
    assert "请登录" in _login_page(client, **{"Accept-Language": "fr, zh;q=0.5"})
    page = _login_page(client, **{"Accept-Language": "zh-TW,zh;q=0.9,en;q=0.8"})
    assert '<html lang="zh-Hant">' in page and "請登入" in page
    page = _login_page(client, **{"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in page and not HAN.search(re.sub(r"<button[^>]*>[简繁]</button>", "", page))
    pressed = '<button type="submit" name="language" value="en" lang="en"\n          aria-pressed="true">EN</button>'
    assert pressed in page

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', _login_page(client)).group(1)
    response = client.post("/language", data={"language": "zh_Hant", "next": "/login", "csrf_token": token})
    assert response.status_code == 302 and response.location == "/login"
    assert "請登入" in _login_page(client, **{"Accept-Language": "en"})  # the choice wins over the browser


def test_the_choice_is_kept_on_the_user_and_follows_them_to_another_device(app, client, login_as):
    user = login_as(Role.LOBBY)
    assert user.language is None
    response = client.post_form("/language", {"language": "en", "next": "/dashboard"})
    assert response.status_code == 302 and response.location == "/dashboard"
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "en"
    assert '<html lang="en">' in client.get("/dashboard").get_data(as_text=True)

    tablet = app.test_client()
    tablet.login(user.username)
    page = tablet.get("/dashboard", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en">' in page and 'value="en" lang="en"\n          aria-pressed="true">EN</button>' in page
    tablet.post_form("/logout")
    assert '<html lang="en">' in _login_page(tablet)  # signed out, the log-in page stays in their language


def test_a_language_chosen_on_the_log_in_page_becomes_the_users(client, make, prop):
    user = make.user("new-user", {prop: [Role.CONCIERGE]})
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', _login_page(client)).group(1)
    client.post("/language", data={"language": "zh_Hant", "next": "/login", "csrf_token": token})
    assert client.login(user.username).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "zh_Hant"


def test_an_unknown_language_or_a_foreign_next_page_is_refused(client, login_as):
    login_as(Role.LOBBY)
    assert client.post_form("/language", {"language": "fr", "next": "/dashboard"}).status_code == 400
    response = client.post_form("/language", {"language": "en", "next": "https://evil.example/"})
    assert response.location == "/dashboard"


def test_the_scripts_strings_and_the_printed_page_footer_follow_the_language(app, client, login_as):
    login_as(Role.LOBBY)
    client.post_form("/language", {"language": "en", "next": "/dashboard"})
    page = client.get("/dashboard").get_data(as_text=True)
    strings = re.search(r'<script type="application/json" id="frontdesk-strings">(.*?)</script>', page, re.S)
    strings = json.loads(strings.group(1))
    assert set(strings) == set(JS_STRINGS) and not HAN.search("".join(strings.values()))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(page_counter_css()) == '"Page " counter(page) " of " counter(pages) ""'


def test_templates_translate_escape_and_format_as_jinja_does_and_follow_a_forced_language(app):
    """The templates' own `_()` (blueprints/shared/extensions.py) and the translations kept for the request."""
    template = app.jinja_env.from_string(
        "{{ _('报事') }}|{{ _('<%(x)s>', x='<i>') }}|{{ _('100%%') }}"
        "|{% autoescape false %}{{ _('<%(x)s>', x='<i>') }}{% endautoescape %}"
    )
    with app.test_request_context(headers={"Accept-Language": "zh-HK"}):
        assert template.render() == "報事|<&lt;i&gt;>|100%|<<i>>"
        assert gettext("报事") == "報事"
        with force_locale("en"):
            assert (template.render().split("|")[0], gettext("报事"), str(TicketStatus.CLOSED.label)) == (
                "Tickets", "Tickets", "Closed")
        assert (template.render().split("|")[0], gettext("报事")) == ("報事", "報事")


# ---- every page in English: Chinese only where it is data ----------------------------------------------

def _data_text() -> str:
    """Every text the database holds, joined: what users and admins typed (names, notes, departments,
    checklist items, routes) stays as typed, in any language."""
    parts = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
        for row in db.session.execute(sa.select(*columns)) if columns else ():
            parts += [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in row if v]
    return "\n".join(p for p in parts if HAN.search(p))


def _page_paths(app) -> list[str]:
    return [p for p in get_paths(app) if not re.search(r"\.(pdf|xlsx|csv)$", p)]


def _untranslated(html: str, data: str) -> set[str]:
    text = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", "", html, flags=re.S)
    text = re.sub(r'<form [^>]*class="language-switch".*?</form>', "", text, flags=re.S)  # 简 / 繁: their own names
    return {run for run in HAN.findall(text) if run not in data}


@pytest.mark.one_database
def test_every_page_a_demo_role_reaches_shows_no_chinese_in_english_outside_data(app):
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    data = _data_text()
    found: dict[str, set[str]] = {}
    for username in USERS:
        client = app.test_client()
        assert client.login(username, "frontdesk").status_code == 302
        client.post_form("/language", {"language": "en", "next": "/dashboard"})
        for path in _page_paths(app):
            response = client.get(path)
            if "text/html" in response.content_type and (runs := _untranslated(response.get_data(as_text=True), data)):
                found.setdefault(path, set()).update(runs)
    assert found == {}, "\n".join(f"{p}: {sorted(r)}" for p, r in sorted(found.items()))


def _translated(language: str, message: str) -> str:
    return _catalogue(language).get(message).string


def test_a_printed_form_follows_the_language_in_its_text_and_its_glyph_shapes(client, make, prop, login_as, tmp_path):
    unit = make.unit(prop, "3", "1502")
    make.resident(unit, "张三")
    login_as(Role.SUPERVISOR)
    client.post_form("/language", {"language": "zh_Hant", "next": "/dashboard"})
    hant = client.get(f"/archive/units/{unit.id}/card.pdf").data
    text = pdf_text(hant)
    assert _translated("zh_Hant", "业户档案卡") in text and "业户档案卡" not in text and "第 1 頁 / 共 1 頁" in text
    fonts = {f["name"].split("+")[-1] for f in pdf_fonts(hant, tmp_path) if "CJK" in f["name"]}
    assert fonts and all("CJK-HK" in name for name in fonts), fonts  # Hong Kong glyph shapes, not the SC face

    client.post_form("/language", {"language": "en", "next": "/dashboard"})
    english = pdf_text(client.get(f"/archive/units/{unit.id}/card.pdf").data)
    assert _translated("en", "业户档案卡") in english and "Page 1 of 1" in english
    assert HAN.findall(english) and set(HAN.findall(english)) <= {"恒宇花园", "号楼", "张三"}  # data, as typed


def test_an_excel_export_has_its_headers_in_the_users_language(client, login_as):
    login_as(Role.LOBBY)
    client.post_form("/language", {"language": "en", "next": "/dashboard"})
    header = xlsx_rows(client.get("/visitors/export.xlsx"))[0]
    assert _translated("en", "进入时间") in header and not HAN.search("".join(map(str, header)))
    client.post_form("/language", {"language": "zh_Hant", "next": "/dashboard"})
    assert _translated("zh_Hant", "进入时间") in xlsx_rows(client.get("/visitors/export.xlsx"))[0]
