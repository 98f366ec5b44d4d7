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
