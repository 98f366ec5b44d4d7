"""The look-up card on the dashboard, with how many units and residents the property has."""
import sqlalchemy as sa

from models import Resident, Unit, db

from ..shared.permissions import current_property


def look_up() -> dict:
    prop = current_property()
    return {
        "units": db.session.scalar(sa.select(sa.func.count(Unit.id)).where(Unit.property_id == prop.id)),
        "residents": db.session.scalar(sa.select(sa.func.count(Resident.id)).where(Resident.property_id == prop.id)),
    }
