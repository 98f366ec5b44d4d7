"""批量导入: upload a sheet, look through the check of every row page by page, then import it batch by batch.

Nothing lives in process memory between the steps, so any host may serve any of them: the rows read
from the upload are kept in storage, and each page and each batch carries a signed state naming them
(the stored key, the property, the next row to import and the check's counts). A batch is one request
and so one transaction; the rows are upserted by their natural keys, so a batch sent twice imports
nothing twice.
"""
import re
from collections import Counter
from io import BytesIO

from flask import abort, current_app, flash, request, send_file, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from models import clock

from ..shared.forms import EmptyForm
from ..shared.htmx import INVALID, redirect_to, render
from ..shared.lists import ListPage
from ..shared.permissions import current_property, require
from ..shared.storage import storage
from . import bp
from .forms import ImportForm
from .importing import (
    CHANGED,
    ERROR,
    NEW,
    UNCHANGED,
    UnreadableFile,
    apply_rows,
    check_rows,
    load_rows,
    read_rows,
    save_rows,
    template_csv,
)

ROWS_PER_PAGE = 50
# Rows imported by one request: a few seconds of work at most, so the progress moves and no request
# nears the gunicorn timeout.
ROWS_PER_BATCH = 300
# An upload is checked and imported within a working day, or uploaded again.
STATE_MAX_AGE = 24 * 3600
OUTCOMES = (ERROR, NEW, CHANGED, UNCHANGED)


def _upload_prefix() -> str:
    return f"imports/{current_property().id}"


def _is_own_upload(key: str) -> bool:
    """A key `storage().put` gave for this property: no other property's file, no `..` out of it."""
    return re.fullmatch(rf"{_upload_prefix()}/[0-9a-f]+\.json", key) is not None


class _ClockSigner(TimestampSigner):
    """Signs with the app's one clock, so a state's age is counted as everything else is."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="admin.import", signer=_ClockSigner)


def _sign(state: dict) -> str:
    return _serializer().dumps(state)


class _Gone(Exception):
    """The upload was imported already, discarded, or is too old: staff upload the file again."""


def _state(token: str) -> dict:
    """The state a page or batch was given; 400 when it was not signed here or names another property's file."""
    try:
        state = _serializer().loads(token, max_age=STATE_MAX_AGE)
    except SignatureExpired:
        raise _Gone from None
    except BadSignature:
        abort(400)
    if not isinstance(state, dict) or not _is_own_upload(str(state.get("k", ""))):
        abort(400)
    return state


def _checked_rows(state: dict):
    """The file name and the stored rows, checked against the archive as it is now."""
    try:
        filename, rows = load_rows(storage().get(state["k"]))
    except KeyError:
        raise _Gone from None
    return filename, check_rows(rows, current_property())


def _gone():
    flash(_("这个文件已经导入过或已失效，请重新上传。"), "warning")
    return redirect_to(url_for("admin.import_units"))


@bp.route("/import", methods=["GET", "POST"])
@require("admin.manage")
def import_units():
    """Step 1: upload; the rows read are kept and the check page shows what each would do."""
    form = ImportForm()
    if not form.validate_on_submit():
        return render("admin/import.html", form=form, status=INVALID if request.method == "POST" else 200)
    upload = form.file.data
    try:
        rows = read_rows(upload.read(), upload.filename)
    except UnreadableFile as exc:
        form.file.errors.append(str(exc))
        return render("admin/import.html", form=form, status=INVALID)
    key = storage().put(save_rows(rows, upload.filename), prefix=_upload_prefix(), suffix=".json")
    return redirect_to(url_for("admin.check_import", file=_sign({"k": key})))


@bp.get("/import/check")
@require("admin.manage")
def check_import():
    """Step 2: the dry run, rows with problems first, a page at a time; `show` narrows it to one outcome."""
    token = request.args.get("file", "")
    try:
        state = _state(token)
        filename, rows = _checked_rows(state)
    except _Gone:
        return _gone()
    counts = Counter(row.outcome for row in rows)
    show = request.args.get("show", "")
    shown = [row for row in rows if row.outcome == show] if show in OUTCOMES else rows
    show = show if show in OUTCOMES else ""
    shown.sort(key=lambda row: row.ok)  # stable: in the sheet's order within each
    page = ListPage.of(shown, request.args.get("page", 1, type=int), ROWS_PER_PAGE)
    plan = {outcome: counts[outcome] for outcome in OUTCOMES}
    return render(
        "admin/import_check.html", filename=filename, page=page, counts=plan, total=len(rows), show=show,
        token=token, to_import=counts[NEW] + counts[CHANGED],
        state=_sign({"k": state["k"], "n": 0, "c": plan}),
    )


@bp.post("/import/confirm")
@require("admin.manage")
def confirm_import():
    """Step 3, once a batch: import the good rows of the next ROWS_PER_BATCH, then show how far it got
    (htmx asks for the next batch at once; without it, a 继续 button does) or, after the last, the units."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        state = _state(request.form.get("state", ""))
        filename, rows = _checked_rows(state)
    except _Gone:
        return _gone()
    start = min(int(state.get("n", 0)), len(rows))
    done = min(start + ROWS_PER_BATCH, len(rows))
    apply_rows(rows[start:done], current_property())
    counts = state.get("c", {})
    if done < len(rows):
        return render("admin/import_progress.html", "progress", filename=filename, done=done, total=len(rows),
                      counts=counts, state=_sign(dict(state, n=done)))
    storage().delete(state["k"])
    flash(
        _(
            "导入完成：共 %(n)d 行，新增 %(new)d 行、更新 %(changed)d 行、无变化 %(same)d 行；"
            "跳过有问题的行 %(bad)d 行。",
            n=len(rows), new=counts.get(NEW, 0), changed=counts.get(CHANGED, 0), same=counts.get(UNCHANGED, 0),
            bad=counts.get(ERROR, 0),
        ),
        "success",
    )
    return redirect_to(url_for("admin.list_unit"))


@bp.post("/import/discard")
@require("admin.manage")
def discard_import():
    """Cancel at the check page: the stored rows go, and staff choose another file."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        state = _state(request.form.get("state", ""))
    except _Gone:
        return _gone()
    storage().delete(state["k"])
    return redirect_to(url_for("admin.import_units"))


@bp.get("/import/template.csv")
@require("admin.manage")
def import_template():
    return send_file(
        BytesIO(template_csv()), mimetype="text/csv", as_attachment=True, download_name="批量导入示例.csv"
    )
