"""Lending at the desk: the stock, lending (≤ 4 inputs for an umbrella to a unit), returns, overdue."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from models import clock, db
from models.attachments import attachments_of
from models.lending import Condition, LendableItem, LendablePiece, Loan, LoanError, Tracking

from ..shared.htmx import INVALID, render
from ..shared.localtime import zone
from ..shared.offline import client_time, offline_submit
from ..shared.permissions import can, current_property, get_or_404, require, scoped
from ..shared.photos import save_photos
from . import bp
from .forms import ItemForm, LendForm, ReturnForm
from .services import due_time, lend, lock_item, open_loans, overdue, stock, take_back


@bp.get("/")
@require("lending.view")
def index():
    prop = current_property()
    loans = db.session.scalars(open_loans(prop.id)).all()
    return render("lending/index.html", stock=stock(prop.id), loans=loans, now=clock.now(),
                  show_phone=can("lending.work"))


@bp.get("/overdue")
@require("lending.view")
def overdue_list():
    loans = db.session.scalars(overdue(current_property().id, clock.now())).all()
    return render("lending/overdue.html", loans=loans, now=clock.now(), show_phone=can("lending.work"))


@bp.get("/history")
@require("lending.view")
def history():
    page = db.paginate(scoped(Loan).order_by(Loan.lent_at.desc(), Loan.id.desc()), per_page=30, error_out=False)
    return render("lending/history.html", page=page, show_phone=can("lending.work"))


def _choices(form: LendForm) -> list[LendableItem]:
    items = db.session.scalars(scoped(LendableItem).where(LendableItem.active)
                               .order_by(LendableItem.kind, LendableItem.name)).all()
    stocks = {s.item.id: s for s in stock(current_property().id)}

    def label(i: LendableItem) -> str:
        hand = stocks[i.id].on_hand if i.id in stocks else 0
        deposit = _("，押金 %(d)s 元", d=i.deposit) if i.deposit else ""
        return _("%(name)s（在库 %(n)d%(deposit)s）", name=i.name, n=hand, deposit=deposit)

    form.item.choices = [SelectChoice(i.id, label(i)) for i in items]
    pieces = db.session.scalars(scoped(LendablePiece).join(LendablePiece.item).where(
        LendablePiece.active, LendableItem.active).order_by(LendableItem.name, LendablePiece.code)).all()
    form.piece.choices = [SelectChoice(0, _("（自动）"))] + [SelectChoice(p.id, f"{p.item.name} {p.code}") for p in pieces]
    return items


@bp.route("/lend", methods=["GET", "POST"])
@require("lending.work")
@offline_submit
def lend_view():
    """Offline-capable: a loan made without network is judged when it arrives (stock, due time)."""
    form = LendForm()
    items = _choices(form)
    if request.method == "GET":
        if not form.item.data and items:
            form.item.data = items[0].id
        if request.args.get("item", "").isdigit():
            form.item.data = int(request.args["item"])
    if form.validate_on_submit():
        prop, now = current_property(), client_time()
        item = lock_item(prop.id, form.item.data)
        if item is None:
            form.item.errors.append(_("请从列表中选择"))
        else:
            try:
                loan = lend(prop, item, piece_id=form.piece.data or None, unit=form.unit.unit,
                            borrower_name=form.borrower_name.data, borrower_phone=form.borrower_phone.data or "",
                            due_at=due_time(form.due.data, form.due_at.data, now, zone()),
                            deposit=form.deposit.amount, deposit_receipt=form.deposit_receipt.data,
                            signature=form.signature, by=current_user, at=now)
            except LoanError as error:
                (form.due_at if "归还时间" in str(error) else form.item).errors.append(str(error))
            else:
                flash(_("已借出 %(what)s 给 %(who)s（%(n)s）", what=loan.what, who=loan.borrower, n=loan.number), "success")
                return redirect(url_for("lending.index"))
    return render("lending/lend.html", form=form,
                  status=INVALID if request.method == "POST" else 200)


def _locked_loan(loan_id: int) -> Loan:
    return db.first_or_404(scoped(Loan).where(Loan.id == loan_id).with_for_update()
                           .execution_options(populate_existing=True))


def render_loan(loan: Loan, *, form=None, status=200):
    return render("lending/loan.html", loan=loan, form=form or ReturnForm(formdata=None), photos=attachments_of(loan),
                  now=clock.now(), show_phone=can("lending.work"), status=status)


@bp.get("/loans/<int:loan_id>")
@require("lending.view")
def loan(loan_id: int):
    return render_loan(get_or_404(Loan, loan_id))


@bp.post("/loans/<int:loan_id>/return")
@require("lending.work")
@offline_submit
def give_back(loan_id: int):
    loan = _locked_loan(loan_id)
    if loan.returned_at is not None:
        flash(_("%(n)s 已归还，不能重复归还", n=loan.number), "error")
        return redirect(url_for("lending.loan", loan_id=loan.id))
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            take_back(loan, condition=Condition(form.condition.data), note=form.note.data,
                      outcome=form.deposit_outcome.data, kept_reason=form.deposit_kept_reason.data,
                      by=current_user, at=client_time())
        except LoanError as error:
            flash(str(error), "error")
            return redirect(url_for("lending.loan", loan_id=loan.id))
        save_photos(form.photos, loan)
        flash(_("%(what)s 已归还（%(c)s）", what=loan.what, c=loan.condition.label), "success")
        return redirect(url_for("lending.loan", loan_id=loan.id))
    return render_loan(loan, form=form, status=INVALID)


@bp.route("/catalogue", methods=["GET", "POST"])
@require("lending.manage")
def catalogue():
    form = ItemForm()
    prop = current_property()
    if form.validate_on_submit():
        codes = [c.strip().upper() for c in (form.pieces.data or "").replace("，", ",").replace("\n", ",").split(",")
                 if c.strip()]
        tracking = Tracking(form.tracking.data)
        if db.session.scalar(scoped(LendableItem).where(LendableItem.name == form.name.data)):
            form.name.errors.append(_("已有同名物品"))
        elif tracking is Tracking.SERIAL and not codes:
            form.pieces.errors.append(_("逐件编号的物品请填写编号"))
        elif len(set(codes)) != len(codes):
            form.pieces.errors.append(_("编号有重复"))
        else:
            item = LendableItem(property_id=prop.id, name=form.name.data, kind=form.kind.data, tracking=tracking,
                                stock=form.stock.data if tracking is Tracking.COUNTED else 0,
                                deposit=form.deposit.amount)
            db.session.add(item)
            db.session.flush()
            for code in codes if tracking is Tracking.SERIAL else []:
                db.session.add(LendablePiece(property_id=prop.id, item_id=item.id, code=code))
            db.session.flush()
            flash(_("已添加 %(name)s", name=item.name), "success")
            return redirect(url_for("lending.catalogue"))
    return render("lending/catalogue.html", form=form, stock=stock(prop.id),
                  status=INVALID if request.method == "POST" else 200)


@bp.post("/catalogue/<int:item_id>/stock")
@require("lending.manage")
def set_stock(item_id: int):
    item = db.first_or_404(scoped(LendableItem).where(LendableItem.id == item_id).with_for_update())
    raw = request.form.get("stock", "")
    from ..shared.forms import EmptyForm

    if not EmptyForm().validate_on_submit():
        return redirect(url_for("lending.catalogue"))
    if not raw.isdigit() or int(raw) > 999:
        flash(_("数量应为 0 至 999"), "error")
    elif int(raw) < item.out_count:
        flash(_("%(name)s 现有 %(n)d 件借出，数量不能少于借出数", name=item.name, n=item.out_count), "error")
    else:
        item.stock = int(raw)
        db.session.flush()
        flash(_("%(name)s 数量已改为 %(n)d", name=item.name, n=item.stock), "success")
    return redirect(url_for("lending.catalogue"))

