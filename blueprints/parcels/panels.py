"""Parcels on the desk panel: how many are waiting on the shelves."""
import sqlalchemy as sa

from models import db
from models.parcels import Parcel, ParcelStatus

from ..shared.permissions import current_property


def waiting() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Parcel.id))
        .where(Parcel.property_id == current_property().id, Parcel.status == ParcelStatus.WAITING)
    )
