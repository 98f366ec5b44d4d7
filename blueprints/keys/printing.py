"""The keys' paper: the key list of a class (钥匙治理清单), the tag labels with their QR codes, and the
钥匙借用登记表 of a day or a month, with the borrowers' signatures."""
from datetime import date

from flask import request
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from models import db
from models.keys import Key, KeyClass, KeyLoan

from ..shared.localtime import requested_day, today
from ..shared.permissions import current_property, require, scoped
from ..shared.printing import day_register_number, qr_svg, render_pdf
from . import bp
from .services import REGISTER_ORDER, label_content


def _classes() -> list[KeyClass]:
    chosen = request.args.get("class", "")
    return [KeyClass(chosen)] if chosen in {c.value for c in KeyClass} else list(KeyClass)


def _keys(classes: list[KeyClass]) -> list[Key]:
    return list(db.session.scalars(
        scoped(Key).where(Key.key_class.in_(classes)).order_by(*REGISTER_ORDER).options(joinedload(Key.unit))))


@bp.get("/list.pdf")
@require("keys.view")
def list_pdf():
    classes = _classes()
    keys = _keys(classes)
    groups = [(c, [k for k in keys if k.key_class is c]) for c in classes]
    name = classes[0].label if len(classes) == 1 else _("全部")
    return render_pdf("print/keys/list.html", filename=_("钥匙治理清单-%(c)s", c=name), title=_("钥匙治理清单"),
                      number=None, groups=[g for g in groups if g[1]], class_name=name, day=today())


@bp.get("/labels.pdf")
@require("keys.manage")
def labels_pdf():
    prop = current_property()
    keys = _keys(_classes())
    labels = [{"key": k, "content": label_content(prop, k), "qr": qr_svg(label_content(prop, k))} for k in keys]
    return render_pdf("print/keys/labels.html", filename=_("钥匙牌标签"), title=_("钥匙牌二维码标签"), number=None,
                      labels=labels)


@bp.get("/register.pdf")
@require("keys.view")
def register_pdf():
    """?date=YYYY-MM-DD for a day (default today), ?month=YYYY-MM for a month."""
    prop = current_property()
    month = request.args.get("month", "")
    try:
        first = date.fromisoformat(f"{month}-01") if month else None
    except ValueError:
        first = None
    if first:
        last = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        start, end = prop.day_range(first)[0], prop.day_range(last)[0]
        period, number = _("%(y)d 年 %(m)d 月", y=first.year, m=first.month), f"{prop.code}-{first:%Y%m}"
    else:
        day = requested_day()
        start, end = prop.day_range(day)
        period, number = day.isoformat(), day_register_number(day)
    loans = db.session.scalars(
        scoped(KeyLoan).where(KeyLoan.issued_at >= start, KeyLoan.issued_at < end).order_by(KeyLoan.issued_at, KeyLoan.id)
    ).all()
    return render_pdf("print/keys/register.html", filename=_("钥匙借用登记表-%(p)s", p=month or period),
                      title=_("钥匙借用登记表"), number=number, period=period, loans=loans)
