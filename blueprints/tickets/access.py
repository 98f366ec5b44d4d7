"""Record-level rules on top of the role permissions: who may act on this ticket."""
from flask_login import current_user

from models import Role
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


def may_feed_back(ticket: Ticket) -> bool:
    """The first-contact owner tells the customer (首接负责制); a supervisor may stand in."""
    return ticket.first_contact_id == current_user.id or Role.SUPERVISOR in current_roles()
