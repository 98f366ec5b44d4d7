"""Keys on the shift handover: every key still out, the overdue ones first."""
from flask import url_for
from flask_babel import gettext as _

from models import clock

from ..shared.handover import HandoverItem
from ..shared.localtime import local
from .services import open_loans


def keys_out(shift) -> list[HandoverItem]:
    at = shift.handed_over_at or clock.now()
    loans = sorted(open_loans(shift.property_id), key=lambda loan: (not loan.overdue(at), loan.due_at))
    return [
        HandoverItem(
            _("超时未还的钥匙") if loan.overdue(at) else _("借出未还的钥匙"),
            _("%(tag)s %(opens)s：%(who)s %(t)s 借出，应于 %(due)s 归还", tag=loan.key.tag, opens=loan.key.opens,
              who=loan.borrower, t=local(loan.issued_at, "%m-%d %H:%M"), due=local(loan.due_at, "%m-%d %H:%M")),
            url_for("keys.loan", loan_id=loan.id),
        )
        for loan in loans
    ]
