import re
from io import BytesIO

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _

from models import db

from ..shared.forms import EmptyForm
from ..shared.htmx import INVALID, render
from ..shared.permissions import current_property, require
from ..shared.storage import storage
from . import bp
from .forms import ImportForm
from .importing import UnreadableFile, apply_rows, check_rows, read_rows, template_csv


def _upload_prefix() -> str:
    return f"imports/{current_property().id}"


def _is_own_upload(key: str) -> bool:
    """A key `storage().put` gave for this property: no other property's file, no `..` out of it."""
    return re.fullmatch(rf"{_upload_prefix()}/[0-9a-f]+\.(csv|xlsx)", key) is not None


@bp.route("/import", methods=["GET", "POST"])
@require("admin.manage")
def import_units():
    """Step 1: upload; step 2 (same page): the dry run lists each row with its problems."""
    form = ImportForm()
    if not form.validate_on_submit():
        return render("admin/import.html", form=form, status=INVALID if request.method == "POST" else 200)
    upload = form.file.data
    data = upload.read()
    try:
        rows = check_rows(read_rows(data, upload.filename), current_property())
    except UnreadableFile as exc:
        form.file.errors.append(str(exc))
        return render("admin/import.html", form=form, status=INVALID)
    key = None
    if any(row.ok for row in rows):  # kept until confirmed; nothing to confirm, nothing to keep
        suffix = ".xlsx" if upload.filename.lower().endswith(".xlsx") else ".csv"
        key = storage().put(data, prefix=_upload_prefix(), suffix=suffix)
    return render("admin/import.html", form=form, rows=rows, key=key, filename=upload.filename)


@bp.post("/import/confirm")
@require("admin.manage")
def confirm_import():
    """Step 3: import the rows that passed the check, from the file stored at step 1."""
    key = request.form.get("key", "")
    if not EmptyForm().validate_on_submit() or not _is_own_upload(key):
        abort(400)
    try:
        data = storage().get(key)
    except KeyError:  # confirmed twice (a double tap), or the file is gone
        flash(_("这个文件已经导入过或已失效，请重新上传。"), "warning")
        return redirect(url_for("admin.import_units"))
    rows = check_rows(read_rows(data, key), current_property())
    result = apply_rows(rows, current_property())
    db.session.flush()
    storage().delete(key)
    flash(
        _(
            "导入完成：新建楼栋 %(b)d 个、房屋 %(u)d 户、住户 %(r)d 人；跳过有问题的行 %(bad)d 行。",
            b=result.buildings, u=result.units, r=result.residents, bad=sum(not r.ok for r in rows),
        ),
        "success",
    )
    return redirect(url_for("admin.list_unit"))


@bp.get("/import/template.csv")
@require("admin.manage")
def import_template():
    return send_file(
        BytesIO(template_csv()), mimetype="text/csv", as_attachment=True, download_name="批量导入示例.csv"
    )
