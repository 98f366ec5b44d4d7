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
