from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import IdType, clock, db
from models.attachments import attachments_of
from models.keys import (
    BorrowerKind, Key, KeyAuthorisation, KeyClass, KeyLoan, KeyRefused, KeyRequest, KeyStatus, RequestStatus,
)

from ..shared.htmx import INVALID, render
from ..shared.lists import Column, export_xlsx
from ..shared.localtime import local
from ..shared.offline import client_time, offline_submit
from ..shared.permissions import current_property, get_or_404, require, scoped
from ..shared.photos import save_photos
from ..shared.signatures import save_signature
from . import bp
from .forms import AuthorisationForm, KeyForm, LoanForm, ReturnForm
from .services import (
    KEY_STATES, KeyFilter, LoanDetails, LoanFilter, approval_classes, approval_of, ask, cancel_request, find_key, issue, lock_loan,
    needs_approval, open_loan, open_request, overdue_loans, take_back,
)


@bp.get("/")
@require("keys.view")
def index():
    filters = KeyFilter.from_args(request.args)
    page = db.paginate(filters.select(), per_page=50, error_out=False)
    loans = {loan.key_id: loan for loan in db.session.scalars(
        scoped(KeyLoan).where(KeyLoan.returned_at.is_(None), KeyLoan.key_id.in_([k.id for k in page.items])))}
    return render("keys/index.html", "results", page=page, filters=filters, loans=loans, classes=list(KeyClass),
                  states=KEY_STATES, as_of=clock.now(), overdue=len(overdue_loans(current_property().id)))


EXPORT_COLUMNS = [
    Column(_l("牌号"), lambda k: k.tag, width=10),
    Column(_l("类别"), lambda k: k.key_class.label, width=10),
    Column(_l("开启部位"), lambda k: k.opens, width=24),
    Column(_l("位置"), lambda k: k.place),
    Column(_l("钥匙柜-挂钩"), lambda k: k.position, width=12),
    Column(_l("把数"), lambda k: k.copies, numeric=True, width=6),
    Column(_l("状态"), lambda k: k.status.label, width=8),
    Column(_l("备注"), lambda k: k.note, width=24),
]


@bp.get("/export.xlsx")
@require("keys.view")
def export():
    return export_xlsx(_("钥匙清单"), EXPORT_COLUMNS, KeyFilter.from_args(request.args).select())


@bp.get("/scan")
@require("keys.view")
def scan():
    """A scanned tag (or a typed number) opens its key; anything else searches the list."""
    text = request.args.get("tag", "")
    key = find_key(current_property().id, text)
    if key is None:
        return redirect(url_for("keys.index", q=text))
    return redirect(url_for("keys.detail", key_id=key.id))


def _save_key(form: KeyForm, key: Key) -> None:
    key.tag, key.key_class, key.opens = form.tag.data, KeyClass(form.key_class.data), form.opens.data
    key.building_id, key.floor, key.unit = form.building_id.data or None, form.floor.data, form.unit.unit
    key.cabinet, key.hook, key.copies = form.cabinet.data, form.hook.data, form.copies.data
    key.status, key.note = KeyStatus(form.status.data), form.note.data


def _tag_taken(form: KeyForm, key_id: int | None) -> bool:
    other = find_key(current_property().id, form.tag.data)
    if other is not None and other.id != key_id:
        form.tag.errors.append(_("牌号 %(tag)s 已用于「%(opens)s」，请换一个", tag=other.tag, opens=other.opens))
        return True
    return False


@bp.route("/new", methods=["GET", "POST"])
@require("keys.manage")
def new():
    form = KeyForm()
    if form.validate_on_submit() and not _tag_taken(form, None):
        key = Key(property_id=current_property().id)
        _save_key(form, key)
        db.session.add(key)
        db.session.flush()
        flash(_("已登记钥匙 %(tag)s %(opens)s", tag=key.tag, opens=key.opens), "success")
        return redirect(url_for("keys.new"))
    return render("keys/edit.html", form=form, key=None, status=INVALID if request.method == "POST" else 200)


@bp.route("/<int:key_id>/edit", methods=["GET", "POST"])
@require("keys.manage")
def edit(key_id: int):
    key = get_or_404(Key, key_id)
    form = KeyForm(obj=key, data=None if request.method == "POST" else {
        "unit": key.unit.archive_no if key.unit else "", "key_class": key.key_class.value, "status": key.status.value})
    if form.validate_on_submit() and not _tag_taken(form, key.id):
        _save_key(form, key)
        db.session.flush()
        flash(_("已保存"), "success")
        return redirect(url_for("keys.detail", key_id=key.id))
    return render("keys/edit.html", form=form, key=key, status=INVALID if request.method == "POST" else 200)


@bp.get("/<int:key_id>")
@require("keys.view")
def detail(key_id: int):
    key = get_or_404(Key, key_id)
    req = open_request(key)
    loans = db.session.scalars(scoped(KeyLoan).where(KeyLoan.key_id == key.id)
                               .order_by(KeyLoan.issued_at.desc()).limit(20)).all()
    authorisations = db.session.scalars(scoped(KeyAuthorisation).where(KeyAuthorisation.key_id == key.id)
                                        .order_by(KeyAuthorisation.id.desc())).all()
    return render("keys/detail.html", key=key, loan=open_loan(key), req=req, approval=approval_of(req) if req else None,
                  loans=loans, authorisations=authorisations,
                  photos={a.id: [p for p in attachments_of(a) if p.id != a.signature_attachment_id] for a in authorisations},
                  needs_approval=needs_approval(key), as_of=clock.now(),
                  today=current_property().local_day(clock.now()))


# --- Loans ---------------------------------------------------------------------------------------------

def _details(form: LoanForm, at) -> LoanDetails:
    return LoanDetails(
        borrower_kind=BorrowerKind(form.borrower_kind.data), borrower_name=form.borrower_name.data,
        company=form.company.data, id_type=IdType(form.id_type.data), id_number=form.id_number.data,
        phone=form.phone.data, purpose=form.purpose.data, expected_return_at=form.expected_return_at(),
        shift_ends_at=form.shift_ends_at(at),
    )


def _prefill(form: LoanForm, req: KeyRequest) -> None:
    zone = current_property().zone
    form.tag.data, form.request_id.data = req.key.tag, str(req.id)
    form.borrower_kind.data, form.borrower_name.data, form.company.data = req.borrower_kind.value, req.borrower_name, req.company
    form.id_type.data, form.id_number.data, form.phone.data = req.id_type.value, req.id_number, req.phone
    form.purpose.data = req.purpose
    back = req.expected_return_at.astimezone(zone)
    form.return_day.data, form.return_time.data = back.date(), back.time()
    if req.shift_ends_at:
        form.shift_end.data = req.shift_ends_at.astimezone(zone).time()


@bp.route("/issue", methods=["GET", "POST"])
@require("keys.work")
@offline_submit
def issue_key():
    """领用登记. A key whose class needs approval goes to a supervisor first (no signature yet); once
    approved, the request's page brings the desk back here with everything filled in, to sign."""
    form = LoanForm()
    key = find_key(current_property().id, form.tag.data or request.args.get("tag", "")) if request.method == "POST" else None
    req = None
    if request.method == "POST":
        if key is not None and needs_approval(key):
            req = open_request(key)
            form.signature.required = req is not None and req.status is RequestStatus.APPROVED
        if form.validate_on_submit():
            at = client_time()
            try:
                if key is None:
                    raise KeyRefused(_("没有牌号为 %(tag)s 的钥匙，请核对", tag=form.tag.data))
                if needs_approval(key) and not form.signature.required:
                    made = ask(key, _details(form, at), by=current_user, at=at)
                    flash(_("%(tag)s %(opens)s 须经主管审批，已提交申请；批准后请领用人到前台签名领取",
                            tag=key.tag, opens=key.opens), "success")
                    return redirect(url_for("keys.request_page", request_id=made.id))
                loan = issue(key, _details(form, at), signature=form.signature, by=current_user, at=at, request=req)
            except KeyRefused as error:
                form.tag.errors.append(str(error))
            else:
                flash(_("已借出 %(tag)s %(opens)s 给 %(who)s（%(n)s），应于 %(t)s 前归还", tag=key.tag, opens=key.opens,
                        who=loan.borrower, n=loan.number, t=local(loan.due_at, "%m-%d %H:%M")), "success")
                return redirect(url_for("keys.issue_key"))
    else:
        if (rid := request.args.get("request", type=int)) and (req := db.session.get(KeyRequest, rid)) \
                and req.property_id == current_property().id:
            _prefill(form, req)
            key = req.key
        elif tag := request.args.get("tag"):
            form.tag.data = tag
            key = find_key(current_property().id, tag)
        form.set_defaults(clock.now())
    recent = db.session.scalars(scoped(KeyLoan).where(KeyLoan.issued_by_id == current_user.id)
                                .order_by(KeyLoan.id.desc()).limit(8)).all()
    status = INVALID if request.method == "POST" else 200
    entrusted = db.session.scalars(
        scoped(KeyAuthorisation).where(KeyAuthorisation.key_id == key.id, KeyAuthorisation.revoked_at.is_(None))
        .order_by(KeyAuthorisation.valid_until.desc())
    ).all() if key is not None and key.key_class is KeyClass.ENTRUSTED else []
    return render("keys/issue.html", form=form, key=key, req=req, recent=recent, status=status, entrusted=entrusted,
                  approval_classes=sorted(approval_classes(), key=list(KeyClass).index))


@bp.route("/return", methods=["GET", "POST"])
@require("keys.work")
@offline_submit
def return_key():
    """归还登记: scan the tag, the person returning it signs."""
    form = ReturnForm()
    if request.method == "GET" and request.args.get("tag"):
        form.tag.data = request.args["tag"]
    if form.validate_on_submit():
        key = find_key(current_property().id, form.tag.data)
        loan = open_loan(key) if key else None
        if key is None:
            form.tag.errors.append(_("没有牌号为 %(tag)s 的钥匙，请核对", tag=form.tag.data))
        elif loan is None:
            form.tag.errors.append(_("钥匙 %(tag)s 在柜，没有借出记录，不用归还", tag=key.tag))
        else:
            loan = lock_loan(loan.id, current_property().id)
            try:
                take_back(loan, returned_by=form.returned_by.data, signature=form.signature, by=current_user,
                          at=client_time())
            except KeyRefused as error:
                form.tag.errors.append(str(error))
            else:
                flash(_("已归还 %(tag)s %(opens)s，请挂回 %(pos)s", tag=key.tag, opens=key.opens,
                        pos=key.position or _("原位")), "success")
                return redirect(url_for("keys.return_key"))
    out = db.session.scalars(scoped(KeyLoan).where(KeyLoan.returned_at.is_(None)).order_by(KeyLoan.issued_at)).all()
    return render("keys/return.html", form=form, out=out, as_of=clock.now(),
                  status=INVALID if request.method == "POST" else 200)


@bp.get("/requests/<int:request_id>")
@require("keys.view")
def request_page(request_id: int):
    req = get_or_404(KeyRequest, request_id)
    return render("keys/request.html", req=req, approval=approval_of(req))


@bp.post("/requests/<int:request_id>/cancel")
@require("keys.work")
def cancel(request_id: int):
    req = get_or_404(KeyRequest, request_id)
    try:
        cancel_request(req)
    except KeyRefused as error:
        flash(str(error), "error")
    else:
        flash(_("已撤销借用申请"), "success")
    return redirect(url_for("keys.request_page", request_id=req.id))


@bp.get("/loans")
@require("keys.view")
def loans():
    filters = LoanFilter.from_args(request.args)
    page = db.paginate(filters.select(), per_page=30, error_out=False)
    return render("keys/loans.html", "results", page=page, filters=filters, as_of=clock.now())


LOAN_COLUMNS = [
    Column(_l("编号"), lambda loan: loan.number),
    Column(_l("牌号"), lambda loan: loan.key.tag, width=10),
    Column(_l("开启部位"), lambda loan: loan.key.opens, width=24),
    Column(_l("领用人"), lambda loan: loan.borrower, width=24),
    Column(_l("证件号"), lambda loan: loan.id_number_masked, width=22),
    Column(_l("电话"), lambda loan: loan.phone_masked, width=14),
    Column(_l("用途"), lambda loan: loan.purpose, width=24),
    Column(_l("借出时间"), lambda loan: loan.issued_at),
    Column(_l("应还时间"), lambda loan: loan.due_at),
    Column(_l("归还时间"), lambda loan: loan.returned_at),
    Column(_l("经办人"), lambda loan: loan.issued_by.display_name),
]


@bp.get("/loans/export.xlsx")
@require("keys.view")
def export_loans():
    return export_xlsx(_("钥匙借用记录"), LOAN_COLUMNS, LoanFilter.from_args(request.args).select())


@bp.get("/loans/<int:loan_id>")
@require("keys.view")
def loan(loan_id: int):
    loan = get_or_404(KeyLoan, loan_id)
    return render("keys/loan.html", loan=loan, as_of=clock.now())


# --- Owner-entrusted keys ------------------------------------------------------------------------------

@bp.route("/<int:key_id>/authorisations/new", methods=["GET", "POST"])
@require("keys.work")
def new_authorisation(key_id: int):
    key = get_or_404(Key, key_id)
    if key.key_class is not KeyClass.ENTRUSTED:
        abort(404)
    form = AuthorisationForm()
    if form.validate_on_submit():
        authorisation = KeyAuthorisation(
            property_id=key.property_id, key=key, owner_name=form.owner_name.data, persons=form.persons.data,
            purpose=form.purpose.data, valid_until=form.valid_until.data, recorded_by=current_user,
            recorded_at=clock.now())
        db.session.add(authorisation)
        db.session.flush()
        if form.signature.image is not None:
            authorisation.signature = save_signature(form.signature, authorisation)
        save_photos(form.photos, authorisation)
        db.session.flush()
        flash(_("已登记业主授权：%(names)s，至 %(d)s", names="、".join(authorisation.names),
                d=authorisation.valid_until.isoformat()), "success")
        return redirect(url_for("keys.detail", key_id=key.id))
    return render("keys/authorisation.html", form=form, key=key, status=INVALID if request.method == "POST" else 200)


@bp.post("/authorisations/<int:authorisation_id>/revoke")
@require("keys.work")
def revoke_authorisation(authorisation_id: int):
    authorisation = get_or_404(KeyAuthorisation, authorisation_id)
    if authorisation.revoked_at is None:
        authorisation.revoked_at = clock.now()
        flash(_("已撤销该授权"), "success")
    return redirect(url_for("keys.detail", key_id=authorisation.key_id))
