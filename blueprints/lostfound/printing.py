"""Printed forms: the item label (number + QR), 物品发还清单, 客户失物登记表 of a day or a month, the disposal list."""
from datetime import date, timedelta

from flask import abort, request, url_for
from flask_babel import gettext as _

from models import db
from models.lostfound import FoundItem, FoundStatus

from ..shared.localtime import requested_day, today
from ..shared.permissions import current_property, get_or_404, require, scoped
from ..shared.printing import day_register_number, qr_svg, render_pdf
from . import bp


@bp.get("/<int:item_id>/label.pdf")
@require("lostfound.view")
def label_pdf(item_id: int):
    item = get_or_404(FoundItem, item_id)
    qr = qr_svg(url_for("lostfound.detail", item_id=item.id, _external=True))
    return render_pdf("print/lostfound/label.html", filename=_("失物标签-%(n)s", n=item.number), title=_("失物标签"),
                      number=item.number, item=item, qr=qr)


@bp.get("/<int:item_id>/receipt.pdf")
@require("lostfound.view")
def receipt_pdf(item_id: int):
    item = get_or_404(FoundItem, item_id)
    if item.status is not FoundStatus.CLAIMED:
        abort(404)
    return render_pdf("print/lostfound/receipt.html", filename=_("物品发还清单-%(n)s", n=item.number),
                      title=_("物品发还清单"), number=item.number, item=item)


def _month() -> date | None:
    try:
        return date.fromisoformat(request.args.get("month", "") + "-01")
    except ValueError:
        return None


@bp.get("/register.pdf")
@require("lostfound.view")
def register_pdf():
    """客户失物登记表 of a day (?date=) or a month (?month=YYYY-MM): what was found, and what became of it."""
    prop = current_property()
    if month := _month():
        last = date(month.year + month.month // 12, month.month % 12 + 1, 1) - timedelta(days=1)
        start, end = prop.day_range(month, last)
        period, number = _("%(y)d 年 %(m)d 月", y=month.year, m=month.month), f"{prop.code}-{month:%Y%m}"
    else:
        day = requested_day()
        start, end = prop.day_range(day)
        period, number = day.isoformat(), day_register_number(day)
    items = db.session.scalars(
        scoped(FoundItem).where(FoundItem.found_at >= start, FoundItem.found_at < end)
        .order_by(FoundItem.found_at, FoundItem.id)
    ).all()
    return render_pdf("print/lostfound/register.html", filename=_("客户失物登记表-%(p)s", p=number),
                      title=_("客户失物登记表"), number=number, period=period, items=items)


@bp.get("/disposal.pdf")
@require("lostfound.view")
def disposal_pdf():
    """The disposal list (失物处置清单) of a day: items disposed of, how, by whom, before which witness."""
    prop = current_property()
    day = requested_day()
    start, end = prop.day_range(day)
    items = db.session.scalars(
        scoped(FoundItem).where(FoundItem.disposed_at >= start, FoundItem.disposed_at < end)
        .order_by(FoundItem.disposed_at, FoundItem.id)
    ).all()
    return render_pdf("print/lostfound/disposal.html", filename=_("失物处置清单-%(d)s", d=day.isoformat()),
                      title=_("失物处置清单"), number=day_register_number(day), day=day, items=items, today=today())

