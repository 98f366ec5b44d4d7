"""The look-up card on the dashboard, with how many units and residents the property has."""
import sqlalchemy as sa

from models import Resident, Unit, db

from ..shared.permissions import current_property


def look_up() -> dict:
    prop = current_property()
    units, residents = db.session.execute(sa.select(
        sa.select(sa.func.count(Unit.id)).where(Unit.property_id == prop.id).scalar_subquery(),
        sa.select(sa.func.count(Resident.id)).where(Resident.property_id == prop.id).scalar_subquery(),
    )).one()
    return {"units": units, "residents": residents}
