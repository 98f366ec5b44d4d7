"""The interface language: Simplified Chinese (the source), Traditional Chinese (Hong Kong usage) or English.

A signed-in user's choice is a column (`User.language`), so it follows them to any tablet; before log-in
(and for a user who never chose) the session's choice, then the browser's Accept-Language, decide. The
catalogues live in translations/ and are compiled at install time (`make translations`).
"""
from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError
from flask import has_request_context, request, session
from flask_babel import get_locale, gettext, refresh
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from models.enums import LANGUAGES as CODES

SOURCE = CODES[0]
# Each language's name in its own script: the switch reads the same whatever language is showing.
LANGUAGES = dict(zip(CODES, ["简", "繁", "EN"], strict=True))
TAGS = {SOURCE: "zh-CN", "zh_Hant": "zh-Hant", "en": "en"}  # BCP 47, for <html lang> and the fonts' choice
SESSION_KEY = "language"
HANT_TERRITORIES = {"TW", "HK", "MO"}


def matching(tag: str) -> str | None:
    """The offered language a browser's language tag asks for (zh-TW, zh-Hant-HK → 繁; zh, zh-SG → 简)."""
    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None
    if locale.language == "en":
        return "en"
    if locale.language == "zh":
        hant = locale.script == "Hant" or (locale.script is None and locale.territory in HANT_TERRITORIES)
        return "zh_Hant" if hant else SOURCE
    return None


# Parsed once: Flask-Babel parses what the selector returns on every request, and Babel looks a name
# without a data file of its own (zh_CN) up among all its ~800 locales each time (~0.3 ms a page).
PARSED = {code: Locale.parse(code) for code in CODES}


def select_locale() -> Locale:
    return PARSED[selected_language()]


def selected_language() -> str:
    if not has_request_context():
        return SOURCE
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    if session.get(SESSION_KEY) in LANGUAGES:
        return session[SESSION_KEY]
    for tag, _quality in request.accept_languages:
        if found := matching(tag):
            return found
    return SOURCE


def choose(language: str) -> None:
    """The user's own choice: kept in the session, and on the user when signed in."""
    session[SESSION_KEY] = language
    if current_user.is_authenticated:
        current_user.language = language
    refresh()


def current_language() -> str:
    return str(get_locale() or SOURCE)


def html_lang() -> str:
    return TAGS.get(current_language(), TAGS[SOURCE])


def page_counter_css() -> Markup:
    """The printed page's footer as a CSS `content` value: "第 " counter(page) " 页 / 共 " counter(pages) " 页"."""
    text = gettext("第 %(page)s 页 / 共 %(pages)s 页", page="\x00", pages="\x01")
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'
    return Markup(quoted.replace("\x00", '" counter(page) "').replace("\x01", '" counter(pages) "'))


# The strings static/js shows, translated here and handed to the scripts in each page (see base.html):
# a page kept for offline use carries them in its language.
JS_STRINGS = {
    "status.pending": _l("待同步"),
    "status.login": _l("待登录后同步"),
    "status.invalid": _l("需修改"),
    "status.conflict": _l("内容冲突"),
    "status.failed": _l("发送失败，需处理"),
    "check_fields": _l("请检查标红的项目后重新提交。"),
    "check_fields_named": _l("请检查标红的项目后重新提交。需修改：%(fields)s。"),
    "list_separator": _l("、"),
    "login_expired": _l("登录已过期：内容已保存在本机，请重新登录后自动同步。"),
    "submit_failed": _l("提交失败：内容已保存在本机的待同步列表中。"),
    "offline_saved": _l("网络不通：「%(what)s」已保存在本机，待同步。恢复网络后自动发送。"),
    "recorded": _l("已记录（%(status)s）：%(what)s"),
    "needs_attention": _l("%(status)s：%(what)s。请在「待同步」列表中查看并修改。"),
    "synced": _l("已同步到系统。"),
    "retry": _l("重试"),
    "edit": _l("修改"),
    "discard": _l("删除"),
    "confirm_discard": _l("确定删除这条未同步的记录吗？删除后无法恢复。"),
    "unsynced_record": _l("这是一条未同步的记录，可修改后重新提交。"),
    "confirm_logout": _l("您有 %(count)s 条记录尚未同步。退出后它们保留在本机，您下次登录后继续同步，"
                         "其他人看不到。确定退出吗？"),
    "cancel": _l("取消"),
    "camera_unavailable": _l("无法打开摄像头，请输入标签上的编码"),
}


def js_strings() -> dict[str, str]:
    return _js_strings(current_language())


@functools.cache
def _js_strings(language: str) -> dict[str, str]:
    """Once per language and process (the catalogues do not change while it runs)."""
    return {key: str(text) for key, text in JS_STRINGS.items()}
