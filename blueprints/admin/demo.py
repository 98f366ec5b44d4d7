"""The demo company of `flask demo`: two properties, their units and residents, one user per role. Each
module then adds a few days of its own work (its `demo` in its `Module`), so that every page has
something to show."""
from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa
from stdnum.cn import ric

from models import Building, DepartmentKind, Property, Resident, ResidentRelation, Role, Unit, User, UserRole, clock, db

from ..shared.demo import Demo
from ..shared.modules import platform
from .services import create_property

DEMO_PASSWORD = "frontdesk"
DEMO_USERS = [
    # username, display name, [(property code, role, department kind)]
    ("admin", "管理员", [("HY", Role.ADMIN, None), ("HD", Role.ADMIN, None)]),
    ("supervisor", "陈主管", [("HY", Role.SUPERVISOR, None), ("HD", Role.SUPERVISOR, None)]),
    ("lobby", "王前台", [("HY", Role.LOBBY, None)]),
    ("concierge", "李客服", [("HY", Role.CONCIERGE, None)]),
    # The colleagues they hand over to, so the demo has a week of shifts changing hands.
    ("lobby2", "刘前台", [("HY", Role.LOBBY, None)]),
    ("concierge2", "孙客服", [("HY", Role.CONCIERGE, None)]),
    ("engineer", "赵工", [("HY", Role.DEPARTMENT, DepartmentKind.ENGINEERING)]),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰"


def _fill_units(prop: Property, rng: random.Random, *, buildings: int, floors: int, per_floor: int) -> None:
    for b in range(1, buildings + 1):
        building = Building(property_id=prop.id, code=str(b), name=f"{b}号楼", floors=floors)
        db.session.add(building)
        for floor in range(1, floors + 1):
            for n in range(1, per_floor + 1):
                room = f"{floor}{n:02d}"
                unit = Unit(
                    property_id=prop.id, building=building, room=room, floor=floor,
                    area=rng.choice([89, 96, 118, 128.5, 143]),
                    archive_no=Unit.make_archive_no(prop.code, building.code, room),
                    in_arrears=rng.random() < 0.05,
                )
                db.session.add(unit)
                if rng.random() < 0.9:
                    _add_household(prop, unit, rng)


def _decorating_owner(prop: Property) -> None:
    """HY-3-1502, whose owner the other modules' demos name (a decoration, a visitor, a complaint)."""
    unit = db.session.execute(sa.select(Unit).where(Unit.property_id == prop.id, Unit.archive_no == "HY-3-1502")).scalar_one()
    for resident in list(unit.residents):
        db.session.delete(resident)
    db.session.add(Resident(property_id=prop.id, unit=unit, relation=ResidentRelation.OWNER, name="周建国",
                            phone="13905511234", id_number="340104197306150038", moved_in_on=date(2019, 5, 1)))
    db.session.flush()
    db.session.expire(unit, ["residents"])


def _add_household(prop: Property, unit: Unit, rng: random.Random) -> None:
    surname = rng.choice(SURNAMES)
    people = [(ResidentRelation.OWNER, surname)]
    if rng.random() < 0.5:
        people.append((ResidentRelation.FAMILY, rng.choice(SURNAMES)))
    if rng.random() < 0.15:
        people = [(ResidentRelation.OWNER, surname), (ResidentRelation.TENANT, rng.choice(SURNAMES))]
    for relation, family_name in people:
        db.session.add(
            Resident(
                property_id=prop.id, unit=unit, relation=relation,
                name=family_name + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))),
                phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                id_number=_id_number(rng),
                moved_in_on=date(2018, 1, 1) + timedelta(days=rng.randrange(2500)),
            )
        )


def _id_number(rng: random.Random) -> str:
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50))
    body = f"340104{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def _users(properties: dict[str, Property]) -> dict[str, User]:
    users = {}
    for username, display_name, grants in DEMO_USERS:
        user = User(username=username, display_name=display_name)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        for code, role, department_kind in grants:
            prop = properties[code]
            department = next((d for d in prop.departments if d.kind == department_kind), None)
            user.roles.append(UserRole(property=prop, role=role, department=department))
            if department is not None and department.lead is None:
                department.lead = user
        users[username] = user
    db.session.flush()
    return users


def create_demo() -> None:
    """The company, its units, residents and users; then each module adds its own work (in app order)."""
    rng = random.Random(20261123)
    garden = create_property(
        Property(code="HY", name="恒宇花园", address="合肥市蜀山区长江西路 188 号", phone="0551-65551234"), None
    )
    _fill_units(garden, rng, buildings=4, floors=25, per_floor=2)
    _decorating_owner(garden)
    tower = create_property(
        Property(code="HD", name="恒宇大厦", address="合肥市政务区潜山路 99 号", phone="0551-65559876"), None
    )
    _fill_units(tower, rng, buildings=1, floors=10, per_floor=2)
    properties = {"HY": garden, "HD": tower}
    demo = Demo(properties, _users(properties), clock.now().replace(microsecond=0), rng)
    for module in platform().modules:
        if module.demo:
            module.demo(demo)
            db.session.flush()
