"""Demo visitor: the decorator's foreman, still inside."""
from models import db
from models.visitors import Visitor

from ..shared.demo import Demo


def demo(d: Demo) -> None:
    db.session.add(Visitor(
        property_id=d.garden.id, name="孙师傅", phone="13966661234", unit=d.unit("HY-3-1502"), host_name="周建国",
        signed_in_at=d.hours_ago(1.5), signed_in_by=d.users["lobby"],
    ))
