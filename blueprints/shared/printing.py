"""A4 PDFs of the paper forms: `render_pdf("print/<module>/<form>.html", title=…, number=…, …)`, and QR
codes for the labels stuck on checkpoints, keys and found items (`qr_svg`).

WeasyPrint reads nothing but the app's own static files and stored uploads (no network, no other
`file:` paths, no redirects), and one font configuration serves the whole process.
"""
from __future__ import annotations

import functools
import mimetypes
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import segno
from flask import current_app, render_template, send_file
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .permissions import current_property
from .storage import storage

# Pages are rendered as if served from this origin; the fetcher maps its paths to local files.
PRINT_ORIGIN = "https://print.frontdesk.invalid"


class LocalOnlyFetcher(URLFetcher):
    def __init__(self, static_folder: str):
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False)
        self.static_root = Path(static_folder).resolve()

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(f"{PRINT_ORIGIN}/static/"):
            path = (self.static_root / url.removeprefix(f"{PRINT_ORIGIN}/static/")).resolve()
            if self.static_root in path.parents and path.is_file():
                return _response(url, path.read_bytes())
        if url.startswith(f"{PRINT_ORIGIN}/files/"):
            return _response(url, storage().get(url.removeprefix(f"{PRINT_ORIGIN}/files/")))
        raise ValueError(f"printing may only read local files, not {url}")


def _response(url: str, body: bytes) -> URLFetcherResponse:
    # WeasyPrint ignores a stylesheet that is not served as text/css.
    content_type = mimetypes.guess_type(url)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body, headers={"Content-Type": content_type})


@functools.cache
def font_configuration() -> FontConfiguration:
    return FontConfiguration()


@functools.cache
def cjk_font_families() -> tuple[str, ...]:
    """The installed font families that cover Chinese (empty when none is: PDFs would show boxes)."""
    if not shutil.which("fc-list"):
        return ()
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return tuple(sorted({line.split(",")[0].strip() for line in out.stdout.splitlines() if line.strip()}))


def qr_svg(content: str) -> Markup:
    """A QR code as inline SVG for a label (sized by the print stylesheet): vector paths, sharp at any size."""
    return Markup(segno.make(content, error="m", micro=False).svg_inline(border=2, omitsize=True, dark="#000"))


def day_register_number(day) -> str:
    """A day's register (登记表, 值班日志) is numbered by its property and day, as filed: HY-20261130."""
    return f"{current_property().code}-{day:%Y%m%d}"


def render_pdf_bytes(template: str, **data) -> bytes:
    html = render_template(template, property=current_property(), **data)
    document = HTML(
        string=html,
        base_url=f"{PRINT_ORIGIN}/",
        url_fetcher=LocalOnlyFetcher(current_app.static_folder),
    )
    return document.write_pdf(font_config=font_configuration())


def render_pdf(template: str, *, filename: str, **data):
    """The PDF as an inline response named `filename`.pdf (Chinese names are fine)."""
    pdf = render_pdf_bytes(template, **data)
    response = send_file(
        BytesIO(pdf), mimetype="application/pdf", download_name=f"{filename}.pdf", as_attachment=False
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
