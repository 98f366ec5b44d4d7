import functools
import hashlib
from pathlib import Path

from flask import current_app, make_response, render_template, url_for

from ..shared.offline import offline_page
from ..shared.permissions import require
from . import bp

SHELL_FILES = ["css/app.css", "js/app.js", "js/outbox.js", "js/offline.js", "js/signature.js", "js/scan.js", "vendor/htmx.min.js", "img/logo.svg"]


@functools.cache
def _shell_version(static_folder: str) -> str:
    """Changes whenever a file of the app shell changes, so browsers fetch the new shell."""
    digest = hashlib.sha256()
    for name in SHELL_FILES + ["../templates/offline/sw.js"]:
        path = Path(static_folder) / name
        digest.update(path.read_bytes() if path.exists() else name.encode())
    return digest.hexdigest()[:12]


@bp.get("/sw.js")
def service_worker():
    body = render_template(
        "offline/sw.js",
        version=_shell_version(current_app.static_folder),
        shell_urls=[url_for("static", filename=f) for f in SHELL_FILES] + [url_for("offline.unavailable")],
    )
    response = make_response(body)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def unavailable():
    """Shown by the service worker for a page that was never opened online on this device."""
    return render_template("offline/unavailable.html")


@bp.get("/outbox")
@require("outbox.use")
@offline_page
def outbox():
    return render_template("offline/outbox.html")
