"""Record factories for tests: each takes overrides and commits, so requests see the rows."""
from __future__ import annotations

from models import Building, Property, Resident, ResidentRelation, Role, Unit, User, UserRole, db
from blueprints.admin.services import create_property


class Factory:
    def __init__(self, password: str):
        self.password = password

    def property(self, code: str = "HY", name: str = "恒宇花园", **fields) -> Property:
        prop = create_property(Property(code=code, name=name, **fields), None)
        db.session.commit()
        return prop

    def user(self, username: str, roles: dict[Property, list[Role]], *, department=None, **fields) -> User:
        user = User(username=username, display_name=fields.pop("display_name", username), **fields)
        user.set_password(self.password)
        for prop, prop_roles in roles.items():
            for role in prop_roles:
                user.roles.append(
                    UserRole(property=prop, role=role, department=department if role is Role.DEPARTMENT else None)
                )
        db.session.add(user)
        db.session.commit()
        return user

    def building(self, prop: Property, code: str = "3", **fields) -> Building:
        building = Building(property_id=prop.id, code=code, name=fields.pop("name", f"{code}号楼"), **fields)
        db.session.add(building)
        db.session.commit()
        return building

    def unit(self, prop: Property, building_code: str = "3", room: str = "1502", **fields) -> Unit:
        building = db.session.scalar(
            db.select(Building).filter_by(property_id=prop.id, code=building_code)
        ) or self.building(prop, building_code)
        unit = Unit(
            property_id=prop.id, building=building, room=room,
            archive_no=Unit.make_archive_no(prop.code, building_code, room), **fields,
        )
        db.session.add(unit)
        db.session.commit()
        return unit

    def resident(self, unit: Unit, name: str = "张三", **fields) -> Resident:
        fields.setdefault("relation", ResidentRelation.OWNER)
        resident = Resident(property_id=unit.property_id, unit=unit, name=name, **fields)
        db.session.add(resident)
        db.session.commit()
        return resident
