"""List / create / edit / delete pages for simple property-scoped records, from one description.

Admin-style registers (buildings, units, departments, later rooms, keys, lendable items) differ only
in their model, form and columns; this builds their views so each gets the same permission check,
property scope, validation behaviour, audit trail and messages.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from models import db

from .forms import EmptyForm
from .htmx import INVALID, render
from .lists import Column, ListFilter, export_xlsx
from .permissions import current_property, get_or_404, require, scoped


def taken(stmt: sa.Select) -> bool:
    """Whether `stmt` finds any row: a name or code already used, a record still referred to."""
    return db.session.scalar(sa.select(stmt.exists()))


@dataclass
class Register:
    name: str  # plural, used in URLs and endpoints: "buildings"
    singular: str  # endpoint suffix: "building"
    model: type
    form: type[FlaskForm]
    title: str
    columns: list[Column]
    permission: str
    # Its search, filters and orders; the search bar shows when it searches some columns.
    filters: type[ListFilter]
    # Fill the record from the validated form (default: populate_obj), before it is flushed.
    save: Callable[[FlaskForm, Any], None] | None = None
    # Return {field_name: message} for clashes with other records (unique names and codes).
    clashes: Callable[[FlaskForm, Any], dict[str, str]] = lambda form, obj: {}
    # Why a record may not be deleted, or None when it may.
    blocks_delete: Callable[[Any], str | None] = lambda obj: None
    form_kwargs: Callable[[Any], dict] = lambda obj: {}
    # Called when a record's edit page is opened (e.g. to log that personal data was shown).
    on_open: Callable[[Any], None] | None = None
    detail_url: Callable[[Any], str] | None = None
    per_page: int = 50
    # An Excel export of the list (all pages, filters in force), at /<name>.xlsx.
    exportable: bool = False
    # Loader options for the relations the columns show, to load them with the rows:
    # lambda: [joinedload(Resident.unit)] (called when a list is shown, once every model is mapped).
    load: Callable[[], list] = list

    def rows(self, filters: ListFilter) -> sa.Select:
        return filters.apply(scoped(self.model)).options(*self.load())


def add_register_views(bp: Blueprint, reg: Register) -> None:
    def endpoint(action: str) -> str:
        return f"{bp.name}.{action}_{reg.singular}"

    def list_view():
        filters = reg.filters.from_args(request.args)
        page = db.paginate(reg.rows(filters), per_page=reg.per_page, error_out=False)
        return render("shared/register_list.html", "results", reg=reg, page=page, filters=filters, endpoint=endpoint)

    def export_view():
        filters = reg.filters.from_args(request.args)
        return export_xlsx(reg.title, reg.columns, reg.rows(filters))

    def edit_view(record_id: int | None = None):
        obj = get_or_404(reg.model, record_id) if record_id else None
        if obj is not None and reg.on_open and request.method == "GET":
            reg.on_open(obj)
            db.session.flush()
        form = reg.form(obj=obj, **reg.form_kwargs(obj))
        if form.validate_on_submit():
            target = obj or reg.model(property_id=current_property().id)
            errors = reg.clashes(form, target)
            for name, message in errors.items():
                getattr(form, name).errors = [*getattr(form, name).errors, message]
            if not errors:
                if reg.save:
                    reg.save(form, target)
                else:
                    form.populate_obj(target)
                db.session.add(target)
                db.session.flush()
                flash(_("已保存：%(name)s", name=str(target)), "success")
                return redirect(url_for(endpoint("list")))
        status = INVALID if request.method == "POST" else 200
        return render("shared/register_form.html", reg=reg, form=form, obj=obj, endpoint=endpoint, status=status)

    def delete_view(record_id: int):
        obj = get_or_404(reg.model, record_id)
        if not EmptyForm().validate_on_submit():
            flash(_("页面已过期，请刷新后重试"), "error")
        elif reason := reg.blocks_delete(obj):
            flash(reason, "error")
        else:
            name = str(obj)
            db.session.delete(obj)
            db.session.flush()
            flash(_("已删除：%(name)s", name=name), "success")
        return redirect(url_for(endpoint("list")))

    guard = require(reg.permission)
    bp.add_url_rule(f"/{reg.name}", f"list_{reg.singular}", guard(list_view))
    if reg.exportable:
        bp.add_url_rule(f"/{reg.name}.xlsx", f"export_{reg.singular}", guard(export_view))
    bp.add_url_rule(f"/{reg.name}/new", f"new_{reg.singular}", guard(edit_view), methods=["GET", "POST"])
    bp.add_url_rule(
        f"/{reg.name}/<int:record_id>", f"edit_{reg.singular}", guard(edit_view), methods=["GET", "POST"]
    )
    bp.add_url_rule(
        f"/{reg.name}/<int:record_id>/delete", f"delete_{reg.singular}", guard(delete_view), methods=["POST"]
    )
