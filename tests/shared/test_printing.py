import io
import os
import subprocess

import pytest
from pypdf import PdfReader

from blueprints.shared.pdfengine import PRINT_ORIGIN, LocalOnlyFetcher, stylesheets
from models import Role

from ..pdf import assert_cjk_font_embedded_as_subset, missing_glyphs, pdf_fonts, pdf_page_count, pdf_text


@pytest.fixture
def card(client, make, prop, login_as):
    unit = make.unit(prop, "3", "1502", area=128.5, floor=15)
    make.resident(unit, "张三", phone="13812345678", id_number="34010419900101123X")
    login_as(Role.SUPERVISOR)
    return client.get(f"/archive/units/{unit.id}/card.pdf")


def test_archive_card_is_a_chinese_a4_pdf_with_an_embedded_subset_font(card, tmp_path):
    assert card.status_code == 200
    assert card.mimetype == "application/pdf"
    assert "业户档案卡" in card.headers["Content-Disposition"] or "filename*=UTF-8''" in card.headers["Content-Disposition"]
    text = pdf_text(card.data)
    for expected in ("业户档案卡", "恒宇花园", "HY-3-1502", "张三", "业主", "第 1 页 / 共 1 页", "建档人"):
        assert expected in text
    assert "13812345678" not in text and "138****5678" in text
    assert pdf_page_count(card.data) == 1
    assert_cjk_font_embedded_as_subset(card.data, tmp_path)
    # Digits and "*" in the Chinese font, not the emoji font's keycap glyphs (which it would take if named)
    assert not [f for f in pdf_fonts(card.data, tmp_path) if "Emoji" in f["name"]]
    assert len(card.data) < 1_500_000  # a subset, not the whole 20 MB font


def test_rare_characters_and_emoji_in_a_name_print_as_themselves_not_boxes(client, make, prop, login_as, tmp_path):
    """CJK Extension B (real in residents' names) and a composite emoji pasted from a phone."""
    unit = make.unit(prop, "3", "1502", note="钥匙放前台 👨‍👩‍👧")
    make.resident(unit, "陈𠀀𪚥")
    make.resident(unit, "张三")
    login_as(Role.SUPERVISOR)
    card = client.get(f"/archive/units/{unit.id}/card.pdf").data
    assert "陈𠀀𪚥" in pdf_text(card)
    fonts = {f["name"].split("+")[-1] for f in pdf_fonts(card, tmp_path)}
    assert "Noto-Color-Emoji" in fonts and any(name.startswith("HanaMin") for name in fonts), fonts
    assert missing_glyphs(card) == 0


def test_a_character_no_font_has_is_counted_as_missing(client, make, prop, login_as):
    """The check above can fail: an unassigned code point has no glyph in any installed font."""
    unit = make.unit(prop, "3", "1502")
    make.resident(unit, "王\u0378")
    login_as(Role.SUPERVISOR)
    assert missing_glyphs(client.get(f"/archive/units/{unit.id}/card.pdf").data) >= 1


def test_archive_card_renders_to_an_image(card, tmp_path):
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(card.data)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "card")], check=True)
    png = (tmp_path / "card-1.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_lobby_staff_may_not_print_archive_cards(client, make, prop, login_as):
    unit = make.unit(prop)
    login_as(Role.LOBBY)
    assert client.get(f"/archive/units/{unit.id}/card.pdf").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:5000/healthz",
        f"{PRINT_ORIGIN}/static/../../app.py",
        f"{PRINT_ORIGIN}/elsewhere/x.css",
        "https://example.com/logo.png",
    ],
)
def test_printing_reads_nothing_but_local_static_files(app, url):
    with pytest.raises(ValueError):
        LocalOnlyFetcher(app.static_folder).fetch(url)


def test_printing_reads_static_files_with_their_content_type(app):
    response = LocalOnlyFetcher(app.static_folder).fetch(f"{PRINT_ORIGIN}/static/css/print.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_the_print_stylesheet_is_parsed_once_and_again_after_an_edit(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    sheet = static / "css" / "print.css"
    sheet.write_text("@page { size: A4; }")
    first = stylesheets(str(static))
    assert stylesheets(str(static)) == first  # the same parsed objects, not parsed again
    sheet.write_text("@page { size: A4 landscape; }")
    os.utime(sheet, ns=(sheet.stat().st_atime_ns, sheet.stat().st_mtime_ns + 1_000_000))
    assert stylesheets(str(static)) != first


def test_a_forms_own_style_overrides_the_print_stylesheet(client, login_as):
    """print.css is given to WeasyPrint as a user stylesheet, a form's <style> is the author's: the register's
    landscape page (its own @page) wins over print.css's portrait A4."""
    login_as(Role.SUPERVISOR)
    page = PdfReader(io.BytesIO(client.get("/visitors/day.pdf").data)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
