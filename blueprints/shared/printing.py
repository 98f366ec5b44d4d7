"""A4 PDFs of the paper forms: `render_pdf("print/<module>/<form>.html", title=…, number=…, …)`, and QR
codes for the labels stuck on checkpoints, keys and found items (`qr_svg`).

WeasyPrint (pdfengine.py) reads nothing but the app's own static files and stored uploads.
"""
from __future__ import annotations

import functools
import shutil
import subprocess
from io import BytesIO

import segno
from flask import current_app, render_template, send_file
from markupsafe import Markup

from .permissions import current_property


@functools.cache
def cjk_font_families() -> tuple[str, ...]:
    """The installed font families that cover Chinese (empty when none is: PDFs would show boxes)."""
    if not shutil.which("fc-list"):
        return ()
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return tuple(sorted({line.split(",")[0].strip() for line in out.stdout.splitlines() if line.strip()}))


# A code is a label's short content (HY-K-A012, an item's link), no one's personal data; choosing its mask costs
# segno ~8 ms, which a sheet of 30 key labels paid on every print.
@functools.lru_cache(maxsize=2048)
def qr_svg(content: str) -> Markup:
    """A QR code as inline SVG for a label (sized by the print stylesheet): vector paths, sharp at any size."""
    return Markup(segno.make(content, error="m", micro=False).svg_inline(border=2, omitsize=True, dark="#000"))


def day_register_number(day) -> str:
    """A day's register (登记表, 值班日志) is numbered by its property and day, as filed: HY-20261130."""
    return f"{current_property().code}-{day:%Y%m%d}"


def render_pdf_bytes(template: str, **data) -> bytes:
    # WeasyPrint (Pango, fontTools, Pillow: ~1 s to import, ~40 MB) loads in the first process that prints,
    # not in every worker and command.
    from .pdfengine import write_pdf

    return write_pdf(render_template(template, property=current_property(), **data), current_app.static_folder)


def render_pdf(template: str, *, filename: str, **data):
    """The PDF as an inline response named `filename`.pdf (Chinese names are fine)."""
    pdf = render_pdf_bytes(template, **data)
    response = send_file(
        BytesIO(pdf), mimetype="application/pdf", download_name=f"{filename}.pdf", as_attachment=False
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
