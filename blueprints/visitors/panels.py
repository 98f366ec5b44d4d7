"""Visitors on the desk panel: how many people are inside."""
import sqlalchemy as sa

from models.visitors import Visitor

from ..shared.permissions import current_property


def inside() -> sa.Select:
    return (sa.select(sa.func.coalesce(sa.func.sum(Visitor.party_size), 0))
            .where(Visitor.property_id == current_property().id, Visitor.signed_out_at.is_(None)))
