"""借用登记表 of a day: what was lent that day, and what came back that day of earlier loans."""
import sqlalchemy as sa
from flask_babel import gettext as _

from models import db
from models.lending import Loan

from ..shared.localtime import requested_day
from ..shared.permissions import current_property, require, scoped
from ..shared.printing import day_register_number, render_pdf
from . import bp


@bp.get("/register.pdf")
@require("lending.view")
def register_pdf():
    day = requested_day()
    start, end = current_property().day_range(day)
    loans = db.session.scalars(scoped(Loan).where(sa.or_(
        sa.and_(Loan.lent_at >= start, Loan.lent_at < end),
        sa.and_(Loan.returned_at >= start, Loan.returned_at < end),
    )).order_by(Loan.lent_at, Loan.id)).all()
    return render_pdf("print/lending/register.html", filename=_("借用登记表-%(d)s", d=day.isoformat()),
                      title=_("借用登记表"), number=day_register_number(day), day=day, loans=loans)
