"""Retention per category (保管期限), set by the administrator for the current property."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from models.lostfound import Category

from ..shared.htmx import INVALID, render
from ..shared.permissions import current_property, require
from . import bp
from .forms import RetentionForm
from .services import retention_days, set_retention


@bp.route("/retention", methods=["GET", "POST"])
@require("lostfound.manage")
def retention():
    days = retention_days(current_property().id)
    form = RetentionForm(data={f"days_{c.value}": n for c, n in days.items()})
    if form.validate_on_submit():
        set_retention(current_property().id, {c: getattr(form, f"days_{c.value}").data for c in Category})
        flash(_("保管期限已保存；新登记的失物按新期限计算"), "success")
        return redirect(url_for("lostfound.retention"))
    fields = [getattr(form, f"days_{c.value}") for c in Category]
    return render("lostfound/retention.html", form=form, fields=fields,
                  status=INVALID if request.method == "POST" else 200)
