"""Checks on PDFs as PDFs: text extracted by pypdf, fonts listed by poppler's pdffonts."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def pdf_fonts(data: bytes, tmp_path: Path) -> list[dict]:
    """pdffonts' table as dicts: name, type, emb, sub."""
    path = tmp_path / "fonts-check.pdf"
    path.write_bytes(data)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    fonts = []
    for line in lines[2:]:
        parts = line.split()
        # name type [type…] encoding emb sub uni object-id generation
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return fonts


def assert_cjk_font_embedded_as_subset(data: bytes, tmp_path: Path) -> None:
    cjk = [f for f in pdf_fonts(data, tmp_path) if "CJK" in f["name"]]
    assert cjk, "no CJK font in the PDF"
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in cjk), cjk


def chinese_date(day) -> str:
    """A date as the printed forms show it (Babel's long Chinese format: no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def missing_glyphs(data: bytes) -> int:
    """How many characters no font had: WeasyPrint writes each shown string as two-byte glyph ids, and a
    character without a glyph as 0x0000 (.notdef, the "tofu" box) or 0xFFFF (Pango's unknown glyph)."""
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(data))
    missing = 0
    for page in reader.pages:
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            runs = operands[0] if operator == b"TJ" else operands[:1] if operator == b"Tj" else []
            for run in runs:
                if isinstance(run, (bytes, str)):
                    raw = run if isinstance(run, bytes) else run.original_bytes
                    missing += sum(1 for i in range(0, len(raw) - 1, 2) if raw[i:i + 2] in (b"\0\0", b"\xff\xff"))
    return missing


MM_PER_PT = 25.4 / 72


def _multiply(a: list[float], b: list[float]) -> list[float]:
    """The PDF matrix product a × b of [a b c d e f] matrices."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def image_boxes(data: bytes) -> list[dict]:
    """Where each image is drawn, in mm from the page's top left: page (1-based), left, top, width, height.
    Follows the content stream's q/Q/cm to the matrix in force at each `Do` of an image XObject."""
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(data))
    boxes = []
    for number, page in enumerate(reader.pages, start=1):
        images = {name for name, ref in (page["/Resources"].get("/XObject") or {}).items()
                  if ref.get_object()["/Subtype"] == "/Image"}
        page_height = float(page.mediabox.height)
        matrix, stack = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                stack.append(matrix)
            elif operator == b"Q":
                matrix = stack.pop()
            elif operator == b"cm":
                matrix = _multiply([float(v) for v in operands], matrix)
            elif operator == b"Do" and operands[0] in images:
                # The image is the unit square under the matrix.
                corners = [(matrix[4] + matrix[0] * x + matrix[2] * y, matrix[5] + matrix[1] * x + matrix[3] * y)
                           for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
                xs, ys = [c[0] for c in corners], [c[1] for c in corners]
                boxes.append({"page": number, "left": min(xs) * MM_PER_PT, "top": (page_height - max(ys)) * MM_PER_PT,
                              "width": (max(xs) - min(xs)) * MM_PER_PT, "height": (max(ys) - min(ys)) * MM_PER_PT})
    return boxes


def word_boxes(data: bytes, tmp_path: Path) -> list[dict]:
    """Each word poppler's pdftotext finds, with its box in mm from the page's top left."""
    import html
    import re

    path = tmp_path / "words-check.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>')
    words, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        elif match := word.search(line):
            x0, y0, x1, y1 = (float(v) * MM_PER_PT for v in match.groups()[:4])
            words.append({"page": page, "text": html.unescape(match[5]),
                          "left": x0, "top": y0, "right": x1, "bottom": y1})
    return words


# pdftotext's box of a word is its font's ascent + descent high: 1.448 em in Noto Sans CJK.
NOTO_CJK_LINE_EM = 1.448


def font_size_pt(word: dict) -> float:
    """The size a word (of word_boxes, set in Noto Sans CJK) was printed at."""
    return (word["bottom"] - word["top"]) / MM_PER_PT / NOTO_CJK_LINE_EM


def assert_register_pages(data: bytes, tmp_path: Path, *, header: str, row: str, rows: int, per_page: int = 25):
    """A register of `rows` rows prints them all, at least `per_page` to each whole page, in type of 9 pt,
    under the column header `header` on every page (there once, above all of the page's rows). A row is
    found by a word matching the regular expression `row` (one in each). Returns the rows of each page."""
    import re

    words = word_boxes(data, tmp_path)
    pages = []
    for page in range(1, pdf_page_count(data) + 1):
        on_page = [w for w in words if w["page"] == page]
        headers = [w for w in on_page if w["text"] == header]
        found = [w for w in on_page if re.fullmatch(row, w["text"])]
        assert len(headers) == 1, f"page {page}: {len(headers)} × {header}"
        assert all(headers[0]["bottom"] <= w["top"] for w in found), f"page {page}: a row above the header"
        pages.append(found)
    assert sum(len(found) for found in pages) == rows
    assert len(pages) <= -(-rows // per_page), [len(found) for found in pages]
    assert all(len(found) >= per_page for found in pages[1:-1]), [len(found) for found in pages]  # a whole page
    assert min(font_size_pt(w) for found in pages for w in found) >= 8.9
    return pages
