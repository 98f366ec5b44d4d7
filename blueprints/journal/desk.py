"""The lobby's live desk panel on the dashboard: my shift, each module's counts and quick actions."""
import sqlalchemy as sa
from flask_login import current_user

from models import db
from models.journal import Shift, ShiftStatus

from ..shared.htmx import render
from ..shared.modules import DESK_CAP, DeskStat, platform
from ..shared.permissions import can, require, scoped
from . import bp


def desk() -> dict:
    my_shift = db.session.scalar(
        scoped(Shift).where(Shift.staff_id == current_user.id, Shift.status != ShiftStatus.CLOSED)
    )
    return {
        "my_shift": my_shift,
        "stats": _counted([stat for stat in platform().desk if can(stat.permission)]),
        "actions": [action for action in platform().actions if can(action.permission)],
        "cap": DESK_CAP,
    }


def _counted(stats: list[DeskStat]) -> list[tuple[DeskStat, int]]:
    """Each stat with its number, all asked in one statement."""
    if not stats:
        return []
    return list(zip(stats, db.session.execute(sa.select(*(stat.count().scalar_subquery() for stat in stats))).one()))


@bp.get("/desk")
@require("journal.view")
def desk_panel():
    """Refreshed by htmx every minute."""
    return render("journal/_desk.html", **desk())
