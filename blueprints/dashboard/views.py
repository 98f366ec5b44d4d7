from datetime import date, datetime, timezone

import sqlalchemy as sa
from flask import redirect, url_for
from flask_login import current_user

from models import CalendarDay, Notification, Resident, Role, Ticket, Unit, db
from models.calendar import WorkingCalendar
from models.journal import Shift, ShiftStatus
from models.parcels import Parcel, ParcelStatus
from models.visitors import Visitor

from ..patrols.services import progress, today_rounds
from ..shared.forms import EmptyForm
from ..tickets.search import TicketFilter, overdue_condition, visit_dues

from ..shared.htmx import render
from ..shared.localtime import today as local_today
from ..shared.permissions import can, current_property, current_roles, require, scoped
from . import bp


@bp.route("/")
def root():
    return redirect(url_for("dashboard.index"))


@bp.route("/dashboard")
@require("dashboard.view")
def index():
    prop = current_property()
    roles = current_roles()
    counts = {
        "units": db.session.scalar(sa.select(sa.func.count(Unit.id)).where(Unit.property_id == prop.id)),
        "residents": db.session.scalar(
            sa.select(sa.func.count(Resident.id)).where(Resident.property_id == prop.id)
        ),
    }
    now = datetime.now(timezone.utc)
    calendar = WorkingCalendar.of(prop)
    mine = db.session.scalars(TicketFilter(mine=True).select().limit(8)).all()
    queue = db.session.scalars(TicketFilter(queue=True).select().limit(8)).all() if Role.DEPARTMENT in roles else []
    overdue = db.session.scalars(
        scoped(Ticket).where(overdue_condition(now)).order_by(Ticket.received_at).limit(8)
    ).all() if Role.SUPERVISOR in roles else []
    visits = db.session.scalars(TicketFilter(visits=True).select().limit(8)).all() if Role.SUPERVISOR in roles else []
    clocks = {t.id: t.clock(calendar, now) for t in [*mine, *queue, *overdue]}
    patrols = today_rounds(prop, now) if Role.CONCIERGE in roles else []
    return render(
        "dashboard/index.html",
        desk=_desk_status() if can("journal.view") else None,
        roles=roles,
        Role=Role,
        counts=counts,
        mine=mine,
        queue=queue,
        overdue=overdue,
        visits=visits,
        visit_dues=visit_dues(prop, calendar, visits),
        clocks=clocks,
        patrols=patrols,
        patrol_progress=progress(patrols),
        as_of=now,
        calendar_missing_year=_missing_calendar_year(prop.id) if Role.ADMIN in roles else None,
    )


def _missing_calendar_year(property_id: int) -> int | None:
    """In December, the year ahead must have its holidays and make-up workdays entered."""
    today = local_today()
    if today.month != 12:
        return None
    next_year = today.year + 1
    has_any = db.session.scalar(
        sa.select(sa.func.count(CalendarDay.id)).where(
            CalendarDay.property_id == property_id,
            CalendarDay.day.between(date(next_year, 1, 1), date(next_year, 12, 31)),
        )
    )
    return None if has_any else next_year


@bp.get("/dashboard/desk")
@require("journal.view")
def desk_panel():
    """The lobby's live panel: refreshed by htmx every minute."""
    return render("dashboard/_desk.html", **_desk_status())


def _desk_status() -> dict:
    prop = current_property()
    my_shift = db.session.scalar(
        scoped(Shift).where(Shift.staff_id == current_user.id, Shift.status != ShiftStatus.CLOSED)
    )
    inside = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Visitor.party_size), 0))
        .where(Visitor.property_id == prop.id, Visitor.signed_out_at.is_(None))
    )
    waiting = db.session.scalar(
        sa.select(sa.func.count(Parcel.id)).where(Parcel.property_id == prop.id, Parcel.status == ParcelStatus.WAITING)
    )
    owed = db.session.scalar(sa.select(sa.func.count()).select_from(TicketFilter(mine=True).select().subquery()))
    return {"my_shift": my_shift, "inside": inside, "waiting": waiting, "owed": owed}


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
            .values(read_at=datetime.now(timezone.utc))
        )
        db.session.commit()
    return redirect(url_for("dashboard.notifications"))
