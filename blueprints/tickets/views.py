
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from models import Department, DepartmentKind, Resident, Role, clock, db
from models.attachments import attachments_of
from models.calendar import WorkingCalendar
from models.tickets import Ticket, TicketCategory, TicketStatus

from ..shared.htmx import INVALID, render
from ..shared.lists import Column, export_xlsx
from ..shared.offline import client_time, offline_submit
from ..shared.permissions import can, current_property, current_roles, get_or_404, require, scoped, staff
from ..shared.units import find_unit
from . import bp
from .access import contact_shown, may_feed_back, may_work_on
from .forms import ActionForm, DispatchForm, NoteForm, TicketForm, VisitForm, WorkNoteForm
from .search import TicketFilter, visit_dues
from .services import add_to_existing, register


@bp.get("/")
@require("tickets.view")
def index():
    if not request.args and current_roles() == {Role.DEPARTMENT}:
        return redirect(url_for("tickets.index", queue=1))  # department staff work their own queue
    filters = TicketFilter.from_args(request.args)
    page = filters.page(request.args.get("page", 1, type=int), per_page=30)
    calendar = WorkingCalendar.of(current_property())
    now = clock.now()
    clocks = {t.id: t.clock(calendar, now) for t in page.items}
    departments = db.session.scalars(scoped(Department).order_by(Department.id)).all()
    return render(
        "tickets/index.html", "results", page=page, filters=filters, clocks=clocks, departments=departments,
        owners=staff(current_property().id),
        visits=visit_dues(current_property(), calendar, page.items), as_of=now, TicketStatus=TicketStatus,
        TicketCategory=TicketCategory,
    )


EXPORT_COLUMNS = [
    Column(_l("单号"), lambda t: t.number),
    Column(_l("受理时间"), lambda t: t.received_at),
    Column(_l("来源"), lambda t: t.source.label),
    Column(_l("类别"), lambda t: t.category.label),
    Column(_l("投诉程度"), lambda t: t.severity.label if t.severity else ""),
    Column(_l("性质"), lambda t: t.nature.label),
    Column(_l("地点"), lambda t: t.place),
    Column(_l("内容"), lambda t: t.description, width=60),
    Column(_l("首接人"), lambda t: t.first_contact.display_name),
    Column(_l("部门"), lambda t: t.department.name if t.department else ""),
    Column(_l("状态"), lambda t: t.status.label),
    Column(_l("答复时限"), lambda t: t.reply_due_at),
    Column(_l("办结时限"), lambda t: t.resolve_due_at),
    Column(_l("办结时间"), lambda t: t.resolved_at),
]


@bp.get("/export.xlsx")
@require("tickets.view")
def export():
    """The list as filtered, every page of it."""
    return export_xlsx(_("报事列表"), EXPORT_COLUMNS, TicketFilter.from_args(request.args).shown())


@bp.route("/new", methods=["GET", "POST"])
@require("tickets.register")
@offline_submit
def new():
    form = TicketForm()
    if form.validate_on_submit():
        if form.add_to.data:
            ticket = add_to_existing(form, get_or_404(Ticket, form.add_to.data), current_user, client_time())
            flash(_("已记到 %(number)s（再次来电），未另登记新单", number=ticket.number), "success")
        else:
            ticket = register(form, current_property(), current_user, client_time())
        return redirect(url_for("tickets.detail", ticket_id=ticket.id))
    recent = db.session.scalars(
        scoped(Ticket).where(Ticket.first_contact_id == current_user.id).order_by(Ticket.id.desc()).limit(5)
        .options(joinedload(Ticket.unit))
    ).all()
    status = INVALID if request.method == "POST" else 200
    return render("tickets/new.html", form=form, recent=recent, TicketCategory=TicketCategory, status=status)


@bp.get("/unit-residents")
@require("tickets.register")
def unit_residents():
    """For the register form: the residents of the unit typed so far, to pick the caller with one tap."""
    unit = find_unit(request.args.get("unit", ""))
    residents = db.session.scalars(scoped(Resident).where(Resident.unit_id == unit.id)).all() if unit else []
    return render("tickets/_unit_residents.html", unit=unit, residents=residents, typed=request.args.get("unit", ""))


@bp.get("/<int:ticket_id>")
@require("tickets.view")
def detail(ticket_id: int):
    return render_detail(get_or_404(Ticket, ticket_id))


# The steps a ticket's page may offer: (name, form class, permission, who else may). A step is offered
# when the ticket offers it now (Ticket.offers, on the rule the step itself keeps: Ticket.can_<name>).
STEPS = [
    ("dispatch", DispatchForm, "tickets.dispatch", None),
    ("accept", ActionForm, "tickets.work", may_work_on),
    ("note", WorkNoteForm, "tickets.work", may_work_on),
    ("pause", NoteForm, "tickets.work", may_work_on),
    ("resume", ActionForm, "tickets.work", may_work_on),
    ("complete", WorkNoteForm, "tickets.work", may_work_on),
    ("feed_back", NoteForm, "tickets.feedback", may_feed_back),
    ("visit", VisitForm, "tickets.visit", None),
    ("close", ActionForm, "tickets.feedback", may_feed_back),
]


def _suggested(step: str, ticket: Ticket) -> dict:
    """Sensible first choices: repairs go to engineering, the rest to customer service."""
    if step != "dispatch":
        return {}
    kind = DepartmentKind.ENGINEERING if ticket.category is TicketCategory.REPAIR else DepartmentKind.CUSTOMER_SERVICE
    department = ticket.department or db.session.scalar(scoped(Department).where(Department.kind == kind))
    return {"department_id": department.id if department else None, "assignee_id": ticket.assignee_id}


def render_detail(ticket: Ticket, open_form=None, status: int = 200):
    forms = {}
    for name, form_cls, permission, record_check in STEPS:
        if not (can(permission) and ticket.offers(name)):
            continue
        if record_check and not record_check(ticket):
            continue
        forms[name] = form_cls(prefix=name, formdata=None, data={"version": ticket.version, **_suggested(name, ticket)})
    if open_form is not None:  # the step just tried, with its errors, even if no longer offered
        forms[open_form._prefix.rstrip("-")] = open_form
    calendar = WorkingCalendar.of(current_property())
    return render(
        "tickets/detail.html",
        ticket=ticket,
        photos=attachments_of(ticket),
        forms=forms,
        clock=ticket.clock(calendar, clock.now()),
        caller_phone=contact_shown(ticket),
        status=status,
    )
