"""The look-up card on the dashboard, with how many units and residents the property has (its context: the
numbers)."""
import sqlalchemy as sa

from models import Resident, Unit

from ..shared.permissions import current_property


def counts() -> dict[str, sa.Select]:
    prop_id = current_property().id
    return {
        "units": sa.select(sa.func.count(Unit.id)).where(Unit.property_id == prop_id),
        "residents": sa.select(sa.func.count(Resident.id)).where(Resident.property_id == prop_id),
    }

