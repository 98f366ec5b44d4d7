"""Lending on the shift handover: what is out on loan, overdue first."""
from flask import url_for
from flask_babel import gettext as _

from models import clock, db

from ..shared.handover import HandoverItem
from ..shared.localtime import local
from .services import open_loans


def loans_out(shift) -> list[HandoverItem]:
    now = clock.now()
    loans = db.session.scalars(open_loans(shift.property_id)).all()  # by due time: the overdue come first
    return [
        HandoverItem(_("借出未还（已超期）") if loan.due_at < now else _("借出未还"),
                     _("%(what)s 借给 %(who)s，应于 %(t)s 归还%(deposit)s", what=loan.what, who=loan.borrower,
                       t=local(loan.due_at, "%m-%d %H:%M"),
                       deposit=_("，押金 %(d)s 元", d=loan.deposit) if loan.deposit else ""),
                     url_for("lending.loan", loan_id=loan.id))
        for loan in loans
    ]
