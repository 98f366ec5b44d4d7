"""Lost property on the shift handover: valuables in the safe, items held for owners (until collected),
found items past their retention date."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from models import Property, db
from models.lostfound import FoundItem, FoundStatus, Storage

from ..shared.handover import HandoverItem
from ..shared.localtime import local
from .held import open_held


def valuables_in_safe(shift) -> list[HandoverItem]:
    items = db.session.scalars(sa.select(FoundItem).where(
        FoundItem.property_id == shift.property_id, FoundItem.status == FoundStatus.IN_STORE,
        FoundItem.storage == Storage.SAFE).order_by(FoundItem.found_at))
    return [
        HandoverItem(_("保险柜内失物"), _("%(n)s %(what)s%(cash)s（%(where)s）", n=i.number, what=i.description,
                                         cash=_("，现金 %(c)s 元", c=i.cash_total) if i.cash_total else "",
                                         where=" ".join(filter(None, [str(i.storage.label), i.storage_place]))),
                     url_for("lostfound.detail", item_id=i.id))
        for i in items
    ]


def held_items(shift) -> list[HandoverItem]:
    return [
        HandoverItem(_("代为保管物品"), _("%(n)s %(what)s，交 %(who)s%(unit)s，存放 %(where)s，%(t)s 起",
                                         n=h.number, what=h.description, who=h.for_name,
                                         unit=f"（{h.unit.archive_no}）" if h.unit else "", where=h.storage_place,
                                         t=local(h.received_at, "%m-%d %H:%M")),
                     url_for("lostfound.held_detail", held_id=h.id))
        for h in open_held(shift.property_id)
    ]


def past_retention(shift) -> list[HandoverItem]:
    prop = db.session.get(Property, shift.property_id)
    from models import clock

    on = prop.local_day(clock.now())
    items = db.session.scalars(sa.select(FoundItem).where(
        FoundItem.property_id == shift.property_id, FoundItem.status == FoundStatus.IN_STORE,
        FoundItem.retain_until < on).order_by(FoundItem.retain_until))
    return [
        HandoverItem(_("超过保管期的失物"), _("%(n)s %(what)s，保管至 %(d)s，待处置", n=i.number, what=i.description,
                                             d=i.retain_until.isoformat()),
                     url_for("lostfound.detail", item_id=i.id))
        for i in items
    ]
