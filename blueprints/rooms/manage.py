"""The rooms register (admin): building and floor, capacity, equipment, opening hours, who may book,
approval, and the set-up and cleaning time kept free around every meeting."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import db
from models.rooms import Booking, Room

from ..shared.crud import Register, add_register_views, taken
from ..shared.lists import Column, ListFilter
from ..shared.permissions import scoped
from . import bp
from .forms import RoomForm


def _clashes(form, room):
    stmt = scoped(Room).where(Room.name == form.name.data, Room.id != room.id)
    return {"name": _("已有同名会议室")} if taken(stmt) else {}


def _save(form, room):
    form.populate_obj(room)
    room.open_days = "".join(sorted(form.open_days.data))


def _blocks_delete(room):
    if db.session.scalar(sa.select(sa.exists().where(Booking.room_id == room.id))):
        return _("该会议室已有预订记录，不能删除；不再使用时请取消勾选“可预订”")
    return None


class RoomFilter(ListFilter):
    searched = (Room.name,)
    sorts = {"name": (Room.active.desc(), Room.name)}


ROOMS = Register(
    name="admin", singular="room", model=Room, form=RoomForm, title=_l("会议室"), permission="rooms.manage",
    columns=[
        Column(_l("名称"), lambda r: r.name, sort="name"),
        Column(_l("位置"), lambda r: r.location),
        Column(_l("容纳人数"), lambda r: r.capacity, numeric=True),
        Column(_l("设备"), lambda r: "、".join(r.equipment_labels)),
        Column(_l("开放"), lambda r: f"{r.days_label} {r.hours_label}"),
        Column(_l("可预订"), lambda r: r.bookers_label),
        Column(_l("审批"), lambda r: _("需主管审批") if r.needs_approval else ""),
        Column(_l("准备/清场"), lambda r: _("%(s)d / %(c)d 分钟", s=r.setup_minutes, c=r.cleanup_minutes)),
        Column(_l("状态"), lambda r: _("可预订") if r.active else _("停用")),
    ],
    filters=RoomFilter,
    exportable=True,
    save=_save,
    clashes=_clashes,
    blocks_delete=_blocks_delete,
    detail_url=lambda r: url_for("rooms.week", room_id=r.id),
)
add_register_views(bp, ROOMS)
