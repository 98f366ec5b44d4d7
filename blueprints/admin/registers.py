"""The simple registers of the organisation, built by the shared register views."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from models import Building, Department, Resident, Unit, UserRole, db
from models.audit import log_reveal

from ..shared.crud import Register, add_register_views, taken
from ..shared.lists import UNIT_ORDER, Column, ListFilter, natural_order
from ..shared.permissions import current_property, scoped
from . import bp
from .forms import BuildingForm, DepartmentForm, ResidentForm, UnitForm
from .services import renumber_units


def _building_clashes(form, building):
    stmt = scoped(Building).where(Building.code == form.code.data, Building.id != building.id)
    return {"code": _("该楼栋代号已存在")} if taken(stmt) else {}


def _save_building(form, building):
    old_code = building.code
    form.populate_obj(building)
    if building.id is not None and building.code != old_code:
        renumber_units(current_property(), building)


def _building_blocks_delete(building):
    return _("该楼栋下还有房屋，不能删除") if building.units else None


def _unit_clashes(form, unit):
    stmt = scoped(Unit).where(
        Unit.building_id == form.building_id.data, Unit.room == form.room.data, Unit.id != unit.id
    )
    return {"room": _("该楼栋已有此房号")} if taken(stmt) else {}


def _save_unit(form, unit):
    form.populate_obj(unit)
    building = db.session.get(Building, form.building_id.data)
    unit.archive_no = Unit.make_archive_no(current_property().code, building.code, unit.room)


def _unit_blocks_delete(unit):
    return _("该房屋还登记有住户，请先删除住户") if unit.residents else None


def _resident_form_kwargs(resident):
    return {"unit_archive_no": resident.unit.archive_no} if resident else {}


def _resident_unit(form):
    return db.session.scalar(scoped(Unit).where(Unit.archive_no == (form.unit_archive_no.data or "").strip()))


def _resident_clashes(form, resident):
    return {} if _resident_unit(form) else {"unit_archive_no": _("本项目没有这个档案号的房屋")}


def _save_resident(form, resident):
    form.populate_obj(resident)
    resident.unit = _resident_unit(form)


def _department_clashes(form, department):
    stmt = scoped(Department).where(Department.name == form.name.data, Department.id != department.id)
    return {"name": _("已有同名部门")} if taken(stmt) else {}


def _department_blocks_delete(department):
    in_use = db.session.scalar(sa.select(sa.exists().where(UserRole.department_id == department.id)))
    return _("还有用户属于该部门，不能删除") if in_use else None


class BuildingFilter(ListFilter):
    sorts = {"code": natural_order(Building.code)}


class UnitFilter(ListFilter):
    searched = (Unit.archive_no, Unit.room)
    sorts = {"archive_no": UNIT_ORDER, "floor": (Unit.floor, *UNIT_ORDER), "area": (Unit.area, *UNIT_ORDER)}

    def where(self, stmt):
        return super().where(stmt.join(Unit.building))  # UNIT_ORDER reads the building's code


class ResidentFilter(ListFilter):
    searched = (Resident.name, Resident.name_initials, Resident.phone_last4)
    sorts = {"unit": (*UNIT_ORDER, Resident.id), "name": (Resident.name_initials, Resident.name, Resident.id)}

    def where(self, stmt):
        return super().where(stmt.join(Resident.unit).join(Unit.building))


class DepartmentFilter(ListFilter):
    sorts = {"id": (Department.id,)}


REGISTERS = [
    Register(
        name="buildings", singular="building", model=Building, form=BuildingForm, title=_l("楼栋"),
        permission="admin.manage",
        columns=[
            Column(_l("代号"), lambda b: b.code),
            Column(_l("名称"), lambda b: b.name),
            Column(_l("层数"), lambda b: b.floors, numeric=True),
            Column(_l("房屋数"), lambda b: len(b.units), numeric=True),
        ],
        filters=BuildingFilter,
        load=lambda: [selectinload(Building.units)],
        clashes=_building_clashes,
        save=_save_building,
        blocks_delete=_building_blocks_delete,
    ),
    Register(
        name="units", singular="unit", model=Unit, form=UnitForm, title=_l("房屋"),
        permission="admin.manage",
        columns=[
            Column(_l("档案号"), lambda u: u.archive_no, sort="archive_no"),
            Column(_l("楼栋"), lambda u: u.building.name),
            Column(_l("房号"), lambda u: u.room),
            Column(_l("楼层"), lambda u: u.floor, numeric=True, sort="floor"),
            Column(_l("面积(㎡)"), lambda u: u.area, numeric=True, sort="area"),
            Column(_l("欠费"), lambda u: _("是") if u.in_arrears else ""),
        ],
        filters=UnitFilter,
        load=lambda: [joinedload(Unit.building)],
        clashes=_unit_clashes,
        save=_save_unit,
        blocks_delete=_unit_blocks_delete,
        detail_url=lambda u: url_for("archive.unit", unit_id=u.id),
    ),
    Register(
        name="residents", singular="resident", model=Resident, form=ResidentForm, title=_l("住户"),
        permission="admin.manage",
        columns=[
            Column(_l("姓名"), lambda r: r.name, sort="name"),
            Column(_l("房屋"), lambda r: r.unit.archive_no, sort="unit"),
            Column(_l("身份"), lambda r: r.relation.label),
            Column(_l("电话"), lambda r: r.phone_masked),
        ],
        filters=ResidentFilter,
        load=lambda: [joinedload(Resident.unit)],
        exportable=True,
        clashes=_resident_clashes,
        save=_save_resident,
        form_kwargs=_resident_form_kwargs,
        # The edit form shows the whole phone and ID number, as the archive's "显示完整" does.
        on_open=lambda resident: log_reveal(resident, ["phone", "id_number"]),
        detail_url=lambda r: url_for("archive.unit", unit_id=r.unit_id),
    ),
    Register(
        name="departments", singular="department", model=Department, form=DepartmentForm, title=_l("部门"),
        permission="admin.manage",
        columns=[
            Column(_l("名称"), lambda d: d.name),
            Column(_l("类别"), lambda d: d.kind.label),
            Column(_l("负责人"), lambda d: d.lead.display_name if d.lead else ""),
        ],
        filters=DepartmentFilter,
        load=lambda: [joinedload(Department.lead)],
        clashes=_department_clashes,
        blocks_delete=_department_blocks_delete,
    ),
]

for register in REGISTERS:
    add_register_views(bp, register)
