"""UI text is Simplified Chinese marked for translation: no page shows Chinese that a translator could not
reach, and the catalogue `make messages` extracts holds the strings of code, models and templates."""
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
# What a translator reaches: {# comments #}, {% trans %} blocks and _("…") / _l("…") calls.
REACHED = [
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%-?\s*trans\b.*?endtrans\s*-?%\}", re.S),
    re.compile(r"""\b_l?\(\s*(?:"[^"]*"|'[^']*')"""),
]


def unmarked(text: str) -> list[str]:
    for pattern in REACHED:
        text = pattern.sub("", text)
    return [line.strip() for line in text.splitlines() if CJK.search(line)]


def test_the_scan_finds_chinese_outside_translation_calls():
    assert unmarked('<p>{{ _("已登记") }}</p>\n{# 注释 #}\n<td>{{ "一二三"[n] }}</td>') == ['<td>{{ "一二三"[n] }}</td>']


def test_templates_show_no_chinese_outside_translation_calls():
    found = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "templates").rglob("*"))
        if path.suffix in (".html", ".js") and (lines := unmarked(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def source_messages() -> set[str]:
    """Every string marked for translation in code, models and templates, as `make messages` extracts them."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {"_": None, "_l": None, "lazy_gettext": None, "gettext": None}
    messages = {message for _, message, _, _ in extract_from_file("python", ROOT / "app.py", keywords=keywords)}
    for folder in ("blueprints", "models", "templates"):
        found = extract_from_dir(ROOT / folder, method_map, options_map, keywords=keywords)
        messages |= {message for _, _, message, _, _ in found}
    return {m for m in messages if isinstance(m, str) and m}


def test_the_catalogue_holds_strings_of_code_models_and_templates():
    messages = source_messages()
    assert {"登记报事", "待同步", "日常巡查", "巡查记录表", "没有权限"} <= messages
    assert len(messages) > 1000
