"""Found items: the register (offline-capable), the list, one item's page with its claim, release
request and disposal; lost reports with their likely matches."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from models import IdType, User, clock, db
from models.attachments import attachments_of
from models.lostfound import (
    DENOMINATIONS, Category, Disposal, FinderKind, FoundItem, FoundStatus, LostFoundError, LostReport, LostStatus, Storage,
)

from ..shared.htmx import INVALID, render
from ..shared.lists import Column, export_xlsx
from ..shared.localtime import today
from ..shared.offline import client_time, offline_submit
from ..shared.permissions import can, current_property, get_or_404, require, scoped, staff
from ..shared.photos import save_photos
from . import bp
from .forms import ClaimForm, DisposeForm, FoundForm, LostForm, ReleaseRequestForm, cash_fields, counted_cash
from .services import (
    FoundFilter, ask_release, claim, dispose, link_report, locked, matches_for_item, matches_for_report,
    past_retention, register, release_state, report_lost, summary,
)


def _colleagues() -> list[tuple[int, str]]:
    return [SelectChoice(u.id, u.display_name) for u in staff(current_property().id) if u.id != current_user.id]


@bp.get("/")
@require("lostfound.view")
def index():
    filters = FoundFilter.from_args(request.args)
    page = db.paginate(filters.select(), per_page=30, error_out=False)
    return render("lostfound/index.html", "results", page=page, filters=filters,
                  summary=summary(current_property().id, today()), categories=Category, today=today())


EXPORT_COLUMNS = [
    Column(_l("编号"), lambda i: i.number),
    Column(_l("拾获时间"), lambda i: i.found_at),
    Column(_l("类别"), lambda i: i.category.label),
    Column(_l("物品描述"), lambda i: i.description, width=30),
    Column(_l("颜色"), lambda i: i.colour, width=8),
    Column(_l("品牌"), lambda i: i.brand, width=10),
    Column(_l("拾获地点"), lambda i: i.found_place, width=20),
    Column(_l("拾获人"), lambda i: i.finder_name),
    Column(_l("存放"), lambda i: f"{i.storage.label} {i.storage_place}".strip()),
    Column(_l("贵重"), lambda i: _("是") if i.valuable else ""),
    Column(_l("现金（元）"), lambda i: i.cash_total if i.cash_total else None, numeric=True, width=10),
    Column(_l("保管至"), lambda i: i.retain_until),
    Column(_l("状态"), lambda i: i.status.label),
    Column(_l("领取人"), lambda i: i.claimant_name),
    Column(_l("发还时间"), lambda i: i.claimed_at),
    Column(_l("处置"), lambda i: i.disposal.label if i.disposal else ""),
]


@bp.get("/export.xlsx")
@require("lostfound.view")
def export():
    return export_xlsx(_("失物列表"), EXPORT_COLUMNS, FoundFilter.from_args(request.args).select())


@bp.route("/new", methods=["GET", "POST"])
@require("lostfound.work")
@offline_submit
def new():
    form = FoundForm()
    form.witness.choices = [SelectChoice(0, _("（不需要）")), *_colleagues()]
    if form.validate_on_submit():
        cash, total = counted_cash(form)
        valuable = form.is_valuable()
        at = client_time()
        item = register(
            current_property(), category=Category(form.category.data), description=form.description.data,
            colour=form.colour.data, brand=form.brand.data, found_place=form.found_place.data, found_at=at,
            finder_kind=FinderKind(form.finder_kind.data), finder_name=form.finder_name.data,
            finder_phone=form.finder_phone.data or "", storage=Storage(form.storage.data),
            storage_place=form.storage_place.data, valuable=valuable,
            witness=db.session.get(User, form.witness.data) if form.witness.data else None,
            cash=cash, cash_total=total, by=current_user, at=at,
        )
        save_photos(form.photos, item)
        flash(_("已登记失物 %(n)s：%(what)s，存放 %(where)s", n=item.number, what=item.description,
                where=f"{item.storage.label} {item.storage_place}".strip()), "success")
        return redirect(url_for("lostfound.detail", item_id=item.id))
    recent = db.session.scalars(
        scoped(FoundItem).where(FoundItem.registered_by_id == current_user.id).order_by(FoundItem.id.desc()).limit(8)
    ).all()
    return render("lostfound/new.html", form=form, cash_fields=cash_fields(form), recent=recent,
                  status=INVALID if request.method == "POST" else 200)


def render_detail(item: FoundItem, *, claim_form=None, release_form=None, dispose_form=None, status=200):
    from ..approvals.services import latest_for

    claim_form = claim_form or ClaimForm(formdata=None)
    dispose_form = dispose_form or DisposeForm(formdata=None)
    dispose_form.witness.choices = _colleagues()
    return render(
        "lostfound/detail.html", item=item, photos=attachments_of(item), claim_form=claim_form,
        release_form=release_form or ReleaseRequestForm(formdata=None), dispose_form=dispose_form,
        release=release_state(item), approval=latest_for(item) if item.valuable else None,
        matches=matches_for_item(item) if item.status is FoundStatus.IN_STORE else [],
        reports=db.session.scalars(scoped(LostReport).where(LostReport.found_item_id == item.id)).all(),
        past=item.retain_until < today(), cash_lines=[(d, item.cash[d]) for d in DENOMINATIONS if item.cash.get(d)],
        status=status,
    )


@bp.get("/<int:item_id>")
@require("lostfound.view")
def detail(item_id: int):
    return render_detail(get_or_404(FoundItem, item_id))


def _refuse(error: LostFoundError, item: FoundItem):
    flash(str(error), "error")
    return redirect(url_for("lostfound.detail", item_id=item.id))


@bp.post("/<int:item_id>/ask-release")
@require("lostfound.work")
def ask_release_view(item_id: int):
    item = locked(FoundItem, item_id)
    form = ReleaseRequestForm()
    if form.validate_on_submit():
        try:
            ask_release(item, form.reason.data, current_user, clock.now())
        except LostFoundError as error:
            return _refuse(error, item)
        flash(_("已提交主管审批：%(n)s", n=item.number), "success")
        return redirect(url_for("lostfound.detail", item_id=item.id))
    return render_detail(item, release_form=form, status=INVALID)


@bp.post("/<int:item_id>/claim")
@require("lostfound.work")
def claim_view(item_id: int):
    item = locked(FoundItem, item_id)
    try:
        item.ensure_in_store()  # first: a second claim changes nothing, whatever was sent
    except LostFoundError as error:
        return _refuse(error, item)
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            claim(item, name=form.claimant_name.data, phone=form.claimant_phone.data,
                  description=form.claimant_description.data, id_type=IdType(form.id_type.data),
                  id_number=form.id_number.data or "", signature=form.signature, by=current_user, at=clock.now())
        except LostFoundError as error:
            return _refuse(error, item)
        flash(_("%(n)s 已发还给 %(who)s", n=item.number, who=item.claimant_name), "success")
        return redirect(url_for("lostfound.detail", item_id=item.id))
    return render_detail(item, claim_form=form, status=INVALID)


@bp.post("/<int:item_id>/dispose")
@require("lostfound.dispose")
def dispose_view(item_id: int):
    item = locked(FoundItem, item_id)
    form = DisposeForm()
    form.witness.choices = _colleagues()
    if form.validate_on_submit():
        try:
            dispose(item, how=Disposal(form.disposal.data), witness=db.session.get(User, form.witness.data),
                    note=form.note.data, by=current_user, at=clock.now(), today=today())
        except LostFoundError as error:
            return _refuse(error, item)
        flash(_("%(n)s 已处置：%(how)s", n=item.number, how=item.disposal.label), "success")
        return redirect(url_for("lostfound.detail", item_id=item.id))
    return render_detail(item, dispose_form=form, status=INVALID)


@bp.get("/past")
@require("lostfound.view")
def past():
    items = db.session.scalars(past_retention(current_property().id, today())).all()
    return render("lostfound/past.html", items=items, today=today(), may_dispose=can("lostfound.dispose"))


# Lost reports ---------------------------------------------------------------------------------------

@bp.get("/lost")
@require("lostfound.view")
def lost_index():
    status = request.args.get("status", "open")
    stmt = scoped(LostReport).order_by(LostReport.reported_at.desc(), LostReport.id.desc())
    if status in {s.value for s in LostStatus}:
        stmt = stmt.where(LostReport.status == LostStatus(status))
    page = db.paginate(stmt, per_page=30, error_out=False)
    return render("lostfound/lost_index.html", page=page, shown=status)


@bp.route("/lost/new", methods=["GET", "POST"])
@require("lostfound.work")
@offline_submit
def lost_new():
    form = LostForm()
    if request.method == "GET" and not form.lost_on.data:
        form.lost_on.data = today()
    if form.validate_on_submit():
        if form.lost_on.data > today():
            form.lost_on.errors.append(_("遗失日期不能晚于今天"))
        else:
            report = report_lost(current_property(), by=current_user, at=client_time(),
                                 category=Category(form.category.data), description=form.description.data,
                                 lost_place=form.lost_place.data, lost_on=form.lost_on.data,
                                 owner_name=form.owner_name.data, owner_phone=form.owner_phone.data,
                                 unit=form.unit.unit)
            flash(_("已登记挂失 %(n)s", n=report.number), "success")
            return redirect(url_for("lostfound.lost_detail", report_id=report.id))
    return render("lostfound/lost_new.html", form=form, status=INVALID if request.method == "POST" else 200)


@bp.get("/lost/<int:report_id>")
@require("lostfound.view")
def lost_detail(report_id: int):
    report = get_or_404(LostReport, report_id)
    matches = matches_for_report(report) if report.status is LostStatus.OPEN and not report.found_item_id else []
    return render("lostfound/lost_detail.html", report=report, matches=matches, show_phone=can("lostfound.work"))


@bp.post("/lost/<int:report_id>/link/<int:item_id>")
@require("lostfound.work")
def link(report_id: int, item_id: int):
    report = locked(LostReport, report_id)
    item = get_or_404(FoundItem, item_id)
    from ..shared.forms import EmptyForm

    if EmptyForm().validate_on_submit():
        link_report(report, item)
        flash(_("挂失 %(r)s 已对应失物 %(n)s，请通知失主 %(who)s 来领取", r=report.number, n=item.number,
                who=report.owner_name), "success")
    return redirect(url_for("lostfound.detail", item_id=item.id))
