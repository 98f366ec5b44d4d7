"""WeasyPrint as the forms use it (printing.py imports this when it first prints): it reads nothing but the
app's own static files and stored uploads (no network, no other `file:` paths, no redirects), and what is the
same for every form is made once per process: the font configuration and the parsed print stylesheet."""
from __future__ import annotations

import functools
import mimetypes
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .storage import storage

# Pages are rendered as if served from this origin; the fetcher maps its paths to local files.
PRINT_ORIGIN = "https://print.frontdesk.invalid"
# The stylesheets of every form (static/…), handed to WeasyPrint parsed rather than linked from
# templates/print/base.html: parsing print.css cost each form ~10 ms. As user stylesheets they rank below
# a form's own <style>, which overrides them as it did when it came after the link.
STYLESHEETS = ("css/print.css",)


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


def stylesheets(static_folder: str) -> list[CSS]:
    """STYLESHEETS, parsed once per process and again when a file changes (an edit shows at the next print)."""
    root = Path(static_folder)
    return [_parsed(static_folder, name, (root / name).stat().st_mtime_ns) for name in STYLESHEETS]


@functools.lru_cache(maxsize=len(STYLESHEETS) * 4)
def _parsed(static_folder: str, name: str, mtime_ns: int) -> CSS:  # mtime_ns: only the cache's key
    return CSS(url=f"{PRINT_ORIGIN}/static/{name}", url_fetcher=LocalOnlyFetcher(static_folder),
               font_config=font_configuration())


def write_pdf(html: str, static_folder: str) -> bytes:
    document = HTML(string=html, base_url=f"{PRINT_ORIGIN}/", url_fetcher=LocalOnlyFetcher(static_folder))
    return document.write_pdf(stylesheets=stylesheets(static_folder), font_config=font_configuration())
