"""放行条 (seed 002 §7, seed 004 §5): goods leave with the owner's authorisation; a unit in arrears
needs a supervisor's approval (欠费放行, through the approval flow); a pass is used once at the gate."""

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from models import clock, db
from models.journal import Authorisation, PassStatus, ReleasePass

from ..shared.htmx import INVALID, render
from ..shared.lists import Column, ListFilter, export_xlsx
from ..shared.localtime import local
from ..approvals.services import latest_for
from ..shared.offline import client_time, offline_submit
from ..shared.permissions import current_property, get_or_404, require, scoped
from ..shared.printing import render_pdf
from . import bp
from .forms import PassForm, UsePassForm
from .services import issue_pass


class PassFilter(ListFilter):
    searched = (ReleasePass.number,)

    def select(self) -> sa.Select:
        return self.apply(scoped(ReleasePass).order_by(ReleasePass.id.desc()))


@bp.get("/passes")
@require("passes.view")
def passes():
    filters = PassFilter.from_args(request.args)
    page = db.paginate(filters.select(), per_page=30, error_out=False)
    return render("journal/passes.html", "results", page=page, filters=filters, use_form=UsePassForm(formdata=None))


EXPORT_COLUMNS = [
    Column(_l("编号"), lambda p: p.number),
    Column(_l("房号"), lambda p: p.unit.archive_no),
    Column(_l("物品"), lambda p: p.items, width=40),
    Column(_l("搬运人"), lambda p: p.carrier_name),
    Column(_l("车牌"), lambda p: p.plate),
    Column(_l("业主授权"), lambda p: p.authorisation.label),
    Column(_l("欠费特批"), lambda p: _("是") if p.unit_in_arrears else ""),
    Column(_l("开具时间"), lambda p: p.issued_at),
    Column(_l("开具人"), lambda p: p.issued_by.display_name),
    Column(_l("状态"), lambda p: p.status.label),
    Column(_l("放行时间"), lambda p: p.used_at),
]


@bp.get("/passes.xlsx")
@require("passes.view")
def export_passes():
    """The list as filtered, every page of it."""
    stmt = PassFilter.from_args(request.args).select().options(
        joinedload(ReleasePass.unit), joinedload(ReleasePass.issued_by)
    )
    return export_xlsx(_("放行条"), EXPORT_COLUMNS, stmt)


@bp.route("/passes/new", methods=["GET", "POST"])
@require("passes.issue")
@offline_submit
def new_pass():
    form = PassForm()
    if form.validate_on_submit():
        release = issue_pass(
            current_property(), form.unit.unit, by=current_user, at=client_time(),
            override_reason=form.override_reason.data, items=form.items.data.strip(),
            carrier_name=form.carrier_name.data.strip(), carrier_phone=form.carrier_phone.data or "",
            plate=(form.plate.data or "").strip().upper(), authorisation=Authorisation(form.authorisation.data),
            authorised_by=form.authorised_by.data.strip(), authorisation_note=form.authorisation_note.data or "",
        )
        if release.status is PassStatus.PENDING:
            flash(_("该户欠费：放行条 %(number)s 已提交客服主管审批，批准后方可放行", number=release.number), "warning")
        else:
            flash(_("已开具放行条 %(number)s", number=release.number), "success")
        return redirect(url_for("journal.pass_detail", pass_id=release.id))
    return render("journal/pass_form.html", form=form, status=INVALID if request.method == "POST" else 200)


@bp.get("/passes/<int:pass_id>")
@require("passes.view")
def pass_detail(pass_id: int):
    release = get_or_404(ReleasePass, pass_id)
    return render("journal/pass_detail.html", release=release, approval=latest_for(release),
                  use_form=UsePassForm(formdata=None))


@bp.post("/passes/use")
@require("passes.use")
def use_pass():
    """At the gate: the pass number typed or scanned; a pass works once."""
    form = UsePassForm()
    if not form.validate_on_submit():
        flash(_("请输入放行条编号"), "error")
        return redirect(url_for("journal.passes"))
    number = form.number.data.strip().upper()
    release = db.session.scalar(scoped(ReleasePass).where(ReleasePass.number == number))
    if release is None:
        flash(_("没有编号为 %(n)s 的放行条，请核对", n=number), "error")
        return redirect(url_for("journal.passes"))
    used = db.session.execute(
        sa.update(ReleasePass)
        .where(ReleasePass.id == release.id, ReleasePass.status == PassStatus.ISSUED)
        .values(status=PassStatus.USED, used_at=clock.now(), used_by_id=current_user.id)
    ).rowcount
    db.session.flush()
    db.session.refresh(release)
    if used:
        flash(_("%(n)s 已放行：%(items)s", n=release.number, items=release.items[:60]), "success")
    elif release.status is PassStatus.USED:
        flash(_("放行条 %(n)s 已于 %(t)s 使用过，不能重复放行", n=release.number,
                t=local(release.used_at, "%m-%d %H:%M")), "error")
    elif release.status is PassStatus.PENDING:
        flash(_("放行条 %(n)s 尚待客服主管批准（该户欠费），不能放行", n=release.number), "error")
    elif release.status is PassStatus.REFUSED:
        flash(_("放行条 %(n)s 未获客服主管批准，不能放行", n=release.number), "error")
    else:
        flash(_("放行条 %(n)s 已作废", n=release.number), "error")
    return redirect(url_for("journal.pass_detail", pass_id=release.id))


@bp.get("/passes/<int:pass_id>.pdf")
@require("passes.view")
def pass_pdf(pass_id: int):
    release = get_or_404(ReleasePass, pass_id)
    return render_pdf("print/journal/pass.html", filename=_("放行条-%(n)s", n=release.number),
                      title=_("放行条"), number=release.number, release=release)
