"""Record-level rules on top of the role permissions: who may act on this ticket."""
from flask_babel import gettext as _
from flask_login import current_user

from models import Role
from models.audit import log_reveal
from models.tickets import Ticket

from ..shared.permissions import current_roles


def may_work_on(ticket: Ticket) -> bool:
    """Supervisors, and department staff on their own department's tickets."""
    if Role.SUPERVISOR in current_roles():
        return True
    return any(
        r.role is Role.DEPARTMENT and r.department_id == ticket.department_id and r.property_id == ticket.property_id
        for r in current_user.roles
    )


def contact_shown(ticket: Ticket) -> str:
    """The caller's phone as the current user sees it: whole for those who must call — the person the
    job is assigned to, the first-contact owner and supervisors — each showing written to the access
    log with its reason; masked for everyone else."""
    reason = (_("派工联系") if ticket.assignee_id == current_user.id else
              _("首接反馈") if ticket.first_contact_id == current_user.id else
              _("主管查看") if Role.SUPERVISOR in current_roles() else "")
    if not (reason and ticket.caller_phone):
        return ticket.caller_phone_masked
    log_reveal(ticket, ["caller_phone"], reason)
    return ticket.caller_phone


def may_feed_back(ticket: Ticket) -> bool:
    """The first-contact owner tells the customer (首接负责制); a supervisor may stand in."""
    return ticket.first_contact_id == current_user.id or Role.SUPERVISOR in current_roles()
