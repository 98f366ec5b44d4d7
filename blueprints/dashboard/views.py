"""The landing page: the panels each module contributes, for the roles the user holds here."""
import sqlalchemy as sa
from flask import redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from models import Notification, clock, db

from ..shared.forms import EmptyForm
from ..shared.htmx import render
from ..shared.modules import Panel, count_together, first_rows_together, platform
from ..shared.permissions import can, current_property, current_roles, require
from . import bp


@bp.route("/")
def root():
    return redirect(url_for("dashboard.index"))


def _shown(panel: Panel) -> bool:
    return bool(panel.roles & current_roles()) and (panel.permission is None or can(panel.permission))


@bp.route("/dashboard")
@require("dashboard.view")
def index():
    shown = [panel for panel in platform().panels if _shown(panel)]
    numbers = count_together([panel.counts() if panel.counts else {} for panel in shown])
    rows = first_rows_together([panel.lists() if panel.lists else {} for panel in shown])
    rendered = (render_template(panel.template, **panel.render_context(n, r))
                for panel, n, r in zip(shown, numbers, rows))
    return render("dashboard/index.html", panels=[Markup(html) for html in rendered if html.strip()],
                  roles=current_roles())


@bp.get("/notifications")
@require("dashboard.view")
def notifications():
    items = db.session.scalars(
        sa.select(Notification)
        .where(Notification.user_id == current_user.id, Notification.property_id == current_property().id)
        .order_by(Notification.id.desc())
        .limit(100)
    ).all()
    return render("dashboard/notifications.html", items=items)


@bp.post("/notifications/read")
@require("dashboard.view")
def read_notifications():
    if EmptyForm().validate_on_submit():
        db.session.execute(
            sa.update(Notification)
            .where(Notification.user_id == current_user.id, Notification.property_id == current_property().id,
                   Notification.read_at.is_(None))
            .values(read_at=clock.now())
        )
    return redirect(url_for("dashboard.notifications"))
