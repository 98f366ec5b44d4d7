"""The lobby's live desk panel on the dashboard: my shift, each module's counts and quick actions."""
import sqlalchemy as sa
from flask_login import current_user

from models import db
from models.journal import Shift, ShiftStatus

from ..shared.htmx import render
from ..shared.modules import DESK_CAP, DeskStat, count_together, platform
from ..shared.permissions import can, require, scoped
from . import bp


def counts() -> dict[str, sa.Select]:
    """The modules' desk counts the user may see, by their place on the panel."""
    return {str(n): stat.count() for n, stat in enumerate(_stats())}


def desk(numbers: dict[str, int] | None = None) -> dict:
    """The panel; its counts as the dashboard asked them with its other cards' (or asked here, on a refresh)."""
    stats = _stats()
    numbers = numbers if numbers is not None else count_together([counts()])[0]
    my_shift = db.session.scalar(
        scoped(Shift).where(Shift.staff_id == current_user.id, Shift.status != ShiftStatus.CLOSED)
    )
    return {
        "my_shift": my_shift,
        "stats": [(stat, numbers[str(n)]) for n, stat in enumerate(stats)],
        "actions": [action for action in platform().actions if can(action.permission)],
        "cap": DESK_CAP,
    }


def _stats() -> list[DeskStat]:
    return [stat for stat in platform().desk if can(stat.permission)]


@bp.get("/desk")
@require("journal.view")
def desk_panel():
    """Refreshed by htmx every minute."""
    return render("journal/_desk.html", **desk())
