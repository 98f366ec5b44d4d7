"""Parcels on the desk panel: how many are waiting on the shelves, how many residents are still to be told."""
import sqlalchemy as sa

from models.parcels import Parcel, ParcelStatus
from models.resident_messages import OPEN_STATUSES, ResidentMessage

from ..shared.permissions import current_property


def waiting() -> sa.Select:
    return (sa.select(sa.func.count(Parcel.id))
            .where(Parcel.property_id == current_property().id, Parcel.status == ParcelStatus.WAITING))


def notices_open() -> sa.Select:
    return (sa.select(sa.func.count(ResidentMessage.id))
            .where(ResidentMessage.property_id == current_property().id, ResidentMessage.status.in_(OPEN_STATUSES)))
