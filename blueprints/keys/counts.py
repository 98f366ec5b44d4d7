"""Stock-take (盘点): a supervisor or concierge starts a count, scans or ticks each key found in the
cabinet (offline on the tablet: each tick is an outbox submission), and finishing compares what was seen
with the register and the open loans — missing, unexpected and misplaced keys — kept and printable."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import Property, clock, db
from models.keys import Key, KeyCount, KeyCountItem, KeyLoan, KeyStatus
from models.numbering import next_number

from ..shared.htmx import INVALID, render
from ..shared.localtime import local
from ..shared.offline import client_time, offline_submit
from ..shared.permissions import current_property, get_or_404, require, scoped
from ..shared.printing import render_pdf
from . import bp
from .forms import TickForm
from .services import REGISTER_ORDER, tag_of

# What finishing a count says of each key, worst first.
FINDINGS = {
    "missing": _l("缺失"),  # in the register, not lent, not found
    "unexpected": _l("多出"),  # found though lent out, retired, lost or not in the register
    "misplaced": _l("错位"),  # found on another hook
    "out": _l("借出"),  # lent, not in the cabinet: as expected
    "ok": _l("在位"),
}


def tick(count: KeyCount, tag: str, hook: str, at: datetime) -> KeyCountItem:
    """Record a tag as seen (again: its hook is updated)."""
    tag = tag_of(tag)
    item = next((i for i in count.items if i.tag == tag), None)
    if item is None:
        item = KeyCountItem(count=count, tag=tag, seen_at=at)
        db.session.add(item)
    item.hook = hook
    db.session.flush()
    return item


def findings(count: KeyCount) -> list[dict]:
    """Each key of the register and each unknown tag seen, with what the count found."""
    seen = {item.tag: item for item in count.items}
    keys = list(db.session.scalars(
        sa.select(Key).where(Key.property_id == count.property_id).order_by(*REGISTER_ORDER)))
    lent = set(db.session.scalars(sa.select(KeyLoan.key_id).where(KeyLoan.property_id == count.property_id,
                                                                  KeyLoan.returned_at.is_(None))))
    rows = []
    for key in keys:
        item = seen.pop(key.tag, None)
        active = key.status is KeyStatus.ACTIVE
        if item is None:
            if not active:
                continue
            finding, note = ("out", _("借出未还")) if key.id in lent else ("missing", _("未找到，且无借出记录"))
        elif key.id in lent:
            finding, note = "unexpected", _("登记为借出，却在柜中")
        elif not active:
            finding, note = "unexpected", _("登记为%(s)s，却在柜中", s=key.status.label)
        elif item.hook and key.hook and item.hook not in (key.hook, key.position):
            finding, note = "misplaced", _("在 %(found)s，应在 %(own)s", found=item.hook, own=key.position)
        else:
            finding, note = "ok", ""
        rows.append({"tag": key.tag, "opens": key.opens, "position": key.position, "finding": finding, "note": note})
    for tag, item in seen.items():
        rows.append({"tag": tag, "opens": "", "position": item.hook, "finding": "unexpected", "note": _("清单中没有此牌号")})
    order = list(FINDINGS)
    return sorted(rows, key=lambda row: order.index(row["finding"]))


def finish(count: KeyCount, at: datetime) -> None:
    count.result = findings(count)
    count.finished_at = at
    db.session.flush()


def summary(rows: list[dict]) -> dict[str, int]:
    return {finding: sum(1 for r in rows if r["finding"] == finding) for finding in FINDINGS}


@bp.get("/counts")
@require("keys.count")
def counts():
    found = db.session.scalars(scoped(KeyCount).order_by(KeyCount.started_at.desc()).limit(30)).all()
    return render("keys/counts.html", counts=found, findings=FINDINGS, summary=summary)


@bp.post("/counts")
@require("keys.count")
def start_count():
    prop = current_property()
    now = clock.now()
    count = KeyCount(property_id=prop.id, number=next_number(db.session.get(Property, prop.id), "YP", now),
                     started_by=current_user, started_at=now)
    db.session.add(count)
    db.session.flush()
    return redirect(url_for("keys.count", count_id=count.id))


def _render_count(count: KeyCount, form: TickForm, status: int = 200):
    rows = count.result if count.finished_at else findings(count)
    seen = {item.tag for item in count.items}
    keys = db.session.scalars(scoped(Key).where(Key.status == KeyStatus.ACTIVE)
                              .order_by(Key.cabinet, sa.func.length(Key.hook), Key.hook, Key.tag)).all()
    return render("keys/count.html", count=count, form=form, rows=rows, keys=keys, seen=seen, findings=FINDINGS,
                  totals=summary(rows), status=status)


@bp.get("/counts/<int:count_id>")
@require("keys.count")
def count(count_id: int):
    return _render_count(get_or_404(KeyCount, count_id), TickForm(formdata=None))


@bp.post("/counts/<int:count_id>/ticks")
@require("keys.count")
@offline_submit
def tick_key(count_id: int):
    count = get_or_404(KeyCount, count_id)
    form = TickForm()
    if form.validate_on_submit():
        if count.finished_at:
            form.tag.errors.append(_("本次盘点已于 %(t)s 结束，不能再登记", t=local(count.finished_at, "%m-%d %H:%M")))
        else:
            item = tick(count, form.tag.data, form.hook.data, client_time())
            flash(_("已盘点 %(tag)s", tag=item.tag), "success")
            return redirect(url_for("keys.count", count_id=count.id))
    return _render_count(count, form, status=INVALID)


@bp.post("/counts/<int:count_id>/finish")
@require("keys.count")
def finish_count(count_id: int):
    count = db.first_or_404(scoped(KeyCount).where(KeyCount.id == count_id).with_for_update())
    if count.finished_at is None:
        finish(count, clock.now())
        totals = summary(count.result)
        flash(_("盘点结束：缺失 %(m)d，多出 %(u)d，错位 %(p)d", m=totals["missing"], u=totals["unexpected"],
                p=totals["misplaced"]), "success")
    return redirect(url_for("keys.count", count_id=count.id))


@bp.get("/counts/<int:count_id>/result.pdf")
@require("keys.count")
def count_pdf(count_id: int):
    count = get_or_404(KeyCount, count_id)
    if count.finished_at is None:
        abort(404)
    return render_pdf("print/keys/count.html", filename=_("钥匙盘点表-%(n)s", n=count.number), title=_("钥匙盘点表"),
                      number=count.number, count=count, rows=count.result, findings=FINDINGS, totals=summary(count.result))
