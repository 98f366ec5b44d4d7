"""Lost property on the desk panel: found items waiting for their owners, items held for owners."""
import sqlalchemy as sa

from models.lostfound import FoundItem, FoundStatus, HeldItem, HeldStatus

from ..shared.permissions import current_property


def in_store() -> sa.Select:
    return sa.select(sa.func.count(FoundItem.id)).where(
        FoundItem.property_id == current_property().id, FoundItem.status == FoundStatus.IN_STORE)


def held() -> sa.Select:
    return sa.select(sa.func.count(HeldItem.id)).where(
        HeldItem.property_id == current_property().id, HeldItem.status == HeldStatus.HELD)
