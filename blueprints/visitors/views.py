
import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from models import IdType, clock, db
from models.visitors import BlockEntry, ExpectedGuest, Purpose, Visitor

from ..shared.forms import EmptyForm
from ..shared.htmx import INVALID, render
from ..shared.lists import Column, export_xlsx
from ..shared.localtime import local, requested_day, today
from ..shared.offline import client_time, offline_submit
from ..shared.permissions import current_property, get_or_404, require, scoped
from ..shared.printing import day_register_number, render_pdf
from ..shared.units import find_unit
from . import bp
from .forms import BlockEntryForm, ExpectedGuestForm, VisitorForm
from .services import VisitorFilter, block_hits, expected_guest, sign_in, sign_out_forgotten


@bp.get("/")
@require("visitors.view")
def index():
    filters = VisitorFilter.from_args(request.args)
    page = db.paginate(filters.select(), per_page=50, error_out=False)
    return render("visitors/index.html", "results", page=page, filters=filters)


EXPORT_COLUMNS = [
    Column(_l("进入时间"), lambda v: v.signed_in_at),
    Column(_l("访客"), lambda v: v.name),
    Column(_l("人数"), lambda v: v.party_size, numeric=True, width=8),
    Column(_l("到访"), lambda v: v.visiting, width=30),
    Column(_l("事由"), lambda v: v.purpose.label),
    Column(_l("车牌"), lambda v: v.plate),
    Column(_l("访客证"), lambda v: v.pass_no, width=10),
    Column(_l("离开时间"), lambda v: v.signed_out_at),
    Column(_l("登记人"), lambda v: v.signed_in_by.display_name),
    Column(_l("提示"), lambda v: v.alert, width=40),
]


@bp.get("/export.xlsx")
@require("visitors.view")
def export():
    """The list as filtered, every page of it."""
    stmt = VisitorFilter.from_args(request.args).select().options(joinedload(Visitor.signed_in_by))
    return export_xlsx(_("来访登记"), EXPORT_COLUMNS, stmt)


@bp.route("/new", methods=["GET", "POST"])
@require("visitors.register")
@offline_submit
def new():
    form = VisitorForm()
    if form.validate_on_submit():
        if form.previous_left.data:
            sign_out_forgotten(get_or_404(Visitor, form.previous_left.data), by=current_user, at=client_time())
        visit = sign_in(
            current_property(), by=current_user, at=client_time(), unit=form.unit.unit, name=form.name.data.strip(),
            id_type=IdType(form.id_type.data), id_number=form.id_number.data or "", phone=form.phone.data or "",
            company=(form.company.data or "").strip(), host_name=(form.host_name.data or "").strip(),
            purpose=Purpose(form.purpose.data), party_size=form.party_size.data or 1, plate=form.plate.data or "",
            pass_no=(form.pass_no.data or "").strip(), note=(form.note.data or "").strip(),
        )
        if visit.alert:
            flash(_("注意：%(alert)s", alert=visit.alert), "error")
        return redirect(url_for("visitors.detail", visitor_id=visit.id))
    inside = db.session.scalar(
        sa.select(sa.func.count(Visitor.id)).where(Visitor.property_id == current_property().id, Visitor.signed_out_at.is_(None))
    )
    return render("visitors/new.html", form=form, inside=inside, status=INVALID if request.method == "POST" else 200)


@bp.get("/check")
@require("visitors.register")
def check():
    """While the desk types: block-list hits, expected guests and the same person still inside, shown
    above the sign-in button."""
    prop = current_property()
    unit = find_unit(request.args.get("unit", "")) if request.args.get("unit") else None
    name = request.args.get("name", "").strip()
    plate = request.args.get("plate", "").replace(" ", "").upper()
    hits = block_hits(prop.id, name, request.args.get("id_number", ""), plate)
    expected = expected_guest(prop.id, unit.id if unit else None, name, plate, today()) if name or plate else None
    inside = VisitorForm(formdata=request.args, meta={"csrf": False}).find_duplicates()
    return render("visitors/_check.html", hits=hits, expected=expected, inside=inside)


@bp.get("/<int:visitor_id>")
@require("visitors.view")
def detail(visitor_id: int):
    return render("visitors/detail.html", visit=get_or_404(Visitor, visitor_id))


@bp.post("/<int:visitor_id>/sign-out")
@require("visitors.register")
def sign_out(visitor_id: int):
    visit = get_or_404(Visitor, visitor_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    done = db.session.execute(
        sa.update(Visitor).where(Visitor.id == visit.id, Visitor.signed_out_at.is_(None))
        .values(signed_out_at=clock.now(), signed_out_by_id=current_user.id)
    ).rowcount
    db.session.flush()
    db.session.refresh(visit)
    if done:
        flash(_("%(name)s 已离开", name=visit.name), "success")
    else:
        flash(_("%(name)s 已于 %(t)s 离开，无需重复登记", name=visit.name, t=local(visit.signed_out_at, "%H:%M")), "warning")
    return redirect(request.form.get("next") or url_for("visitors.index"))


@bp.get("/day.pdf")
@require("visitors.view")
def day_pdf():
    day = requested_day()
    start, end = current_property().day_range(day)
    visits = db.session.scalars(
        scoped(Visitor).where(Visitor.signed_in_at >= start, Visitor.signed_in_at < end)
        .options(joinedload(Visitor.unit), joinedload(Visitor.signed_in_by)).order_by(Visitor.signed_in_at)
    ).all()
    return render_pdf("print/visitors/day.html", filename=_("来访登记表-%(d)s", d=day.isoformat()),
                      title=_("来访登记表"), number=day_register_number(day), day=day, visits=visits)


# Expected guests, announced by owners.


@bp.route("/expected", methods=["GET", "POST"])
@require("visitors.register")
def expected():
    form = ExpectedGuestForm()
    if form.validate_on_submit():
        guest = ExpectedGuest(property_id=current_property().id, registered_by_id=current_user.id, unit=form.unit.unit)
        form.populate_obj(guest)
        guest.unit = form.unit.unit
        db.session.add(guest)
        db.session.flush()
        flash(_("已登记预约访客 %(name)s", name=guest.guest_name), "success")
        return redirect(url_for("visitors.expected"))
    guests = db.session.scalars(
        scoped(ExpectedGuest).where(ExpectedGuest.valid_to >= today()).order_by(ExpectedGuest.valid_from)
    ).all()
    return render("visitors/expected.html", form=form, guests=guests, status=INVALID if request.method == "POST" else 200)


# The block list, kept by supervisors.


@bp.route("/blocklist", methods=["GET", "POST"])
@require("visitors.blocklist")
def blocklist():
    form = BlockEntryForm()
    if form.validate_on_submit():
        entry = BlockEntry(property_id=current_property().id, name=(form.name.data or "").strip(),
                           id_number=(form.id_number.data or "").strip().upper(), plate=form.plate.data or "",
                           reason=form.reason.data.strip())
        db.session.add(entry)
        db.session.flush()
        flash(_("已加入黑名单"), "success")
        return redirect(url_for("visitors.blocklist"))
    entries = db.session.scalars(scoped(BlockEntry).where(BlockEntry.active).order_by(BlockEntry.id.desc())).all()
    return render("visitors/blocklist.html", form=form, entries=entries,
                  status=INVALID if request.method == "POST" else 200)


@bp.post("/blocklist/<int:entry_id>/remove")
@require("visitors.blocklist")
def remove_block(entry_id: int):
    entry = get_or_404(BlockEntry, entry_id)
    if EmptyForm().validate_on_submit():
        entry.active = False
        db.session.flush()
    return redirect(url_for("visitors.blocklist"))
