"""The demo company of `flask demo`: two properties, their units and residents, one user per role, patrol
routes, a decoration under way, and a few days of work at the desk (tickets in every state, parcels
waiting, a visitor inside) so that every page has something to show."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from stdnum.cn import ric

from models import (
    Building,
    Carrier,
    Decoration,
    DepartmentKind,
    ParcelKind,
    PatrolCheckpoint,
    PatrolRoute,
    PatrolSchedule,
    Property,
    Resident,
    ResidentRelation,
    Role,
    RouteKind,
    Satisfaction,
    Severity,
    TicketCategory,
    TicketSource,
    TicketVisit,
    Unit,
    User,
    UserRole,
    VisitMethod,
    Visitor,
    db,
)

from ..parcels.services import receive
from ..patrols.services import new_code
from ..tickets.services import create_ticket
from .services import create_property

DEMO_PASSWORD = "frontdesk"
DEMO_USERS = [
    # username, display name, [(property code, role, department kind)]
    ("admin", "管理员", [("HY", Role.ADMIN, None), ("HD", Role.ADMIN, None)]),
    ("supervisor", "陈主管", [("HY", Role.SUPERVISOR, None), ("HD", Role.SUPERVISOR, None)]),
    ("lobby", "王前台", [("HY", Role.LOBBY, None)]),
    ("concierge", "李客服", [("HY", Role.CONCIERGE, None)]),
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


# (route name, kind, times, [(building code or None, floor, place, checks)])
DEMO_ROUTES = [
    ("公共区域日常巡查", RouteKind.DAILY, [time(9), time(15)], [
        (None, "1", "南门岗亭及大门", ["公共设施完好", "公共标识清晰完好", "清洁卫生"]),
        ("1", "1", "大堂", ["公共设施完好", "清洁卫生", "消防器材齐全有效"]),
        ("1", "1", "电梯厅", ["电梯运行正常", "公共标识清晰完好", "清洁卫生"]),
        (None, "", "中心花园", ["绿化养护", "公共设施完好", "清洁卫生"]),
        (None, "B1", "地下车库", ["公共设施完好", "公共标识清晰完好", "消防器材齐全有效"]),
        ("2", "", "消防通道", ["消防器材齐全有效", "公共标识清晰完好"]),
    ]),
    ("夜间安全巡查", RouteKind.NIGHT, [time(22)], [
        (None, "1", "南门岗亭及大门", ["公共设施完好"]),
        (None, "B1", "地下车库", ["公共设施完好", "消防器材齐全有效"]),
        (None, "", "配电房", ["公共设施完好", "消防器材齐全有效"]),
    ]),
]


def _patrols(prop: Property) -> None:
    buildings = {b.code: b for b in prop.buildings}
    for name, kind, times, places in DEMO_ROUTES:
        route = PatrolRoute(property_id=prop.id, name=name, kind=kind)
        db.session.add(route)
        for position, (building, floor, place, checks) in enumerate(places, 1):
            route.checkpoints.append(PatrolCheckpoint(
                property_id=prop.id, position=position, building=buildings.get(building), floor=floor, place=place,
                code=new_code(prop), checklist=checks,
            ))
            db.session.flush()  # the next code is drawn against this one
        route.schedules.extend(PatrolSchedule(property_id=prop.id, at=at) for at in times)


def _decoration(prop: Property, registered_by: User, now: datetime) -> None:
    today = prop.local_day(now)
    db.session.add(Decoration(
        property_id=prop.id, unit=_unit(prop, "HY-3-1502"), owner_name="周建国", owner_phone="13905511234",
        contractor="合肥安居装饰工程有限公司", contractor_contact="孙师傅", contractor_phone="13855105678",
        permit_no="ZX-2026-031", works="厨卫改造、全屋墙面翻新", work_hours="工作日 08:00–12:00、14:00–18:00",
        starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=50), registered_by=registered_by,
    ))


def create_demo() -> None:
    rng = random.Random(20261123)
    garden = create_property(
        Property(code="HY", name="恒宇花园", address="合肥市蜀山区长江西路 188 号", phone="0551-65551234"), None
    )
    _fill_units(garden, rng, buildings=4, floors=25, per_floor=2)
    tower = create_property(
        Property(code="HD", name="恒宇大厦", address="合肥市政务区潜山路 99 号", phone="0551-65559876"), None
    )
    _fill_units(tower, rng, buildings=1, floors=10, per_floor=2)
    users = _users({"HY": garden, "HD": tower})
    now = datetime.now(timezone.utc).replace(microsecond=0)
    _patrols(garden)
    _decoration(garden, users["lobby"], now)
    _desk_activity(garden, users, now)


def _unit(prop: Property, archive_no: str) -> Unit:
    return db.session.execute(
        sa.select(Unit).where(Unit.property_id == prop.id, Unit.archive_no == archive_no)
    ).scalar_one()


def _desk_activity(prop: Property, users: dict[str, User], now: datetime) -> None:
    """Tickets from registered to closed, parcels on the shelf, a visitor still inside."""
    lobby, concierge, engineer, supervisor = (users[u] for u in ("lobby", "concierge", "engineer", "supervisor"))
    engineering = next(d for d in prop.departments if d.kind is DepartmentKind.ENGINEERING)

    def hours(n: float) -> datetime:
        """`n` hours ago."""
        return now - timedelta(hours=n)

    def ticket(at, by, category, text, unit=None, **fields):
        unit = _unit(prop, unit) if unit else None
        resident = unit.residents[0] if unit and unit.residents else None
        return create_ticket(
            prop, by, at, category=category, description=text, unit=unit,
            caller_name=resident.name if resident else "", caller_phone=resident.phone if resident else "",
            **{"source": TicketSource.PHONE, **fields},
        )

    # Complaints, as every one is visited (a repair is drawn by its number, which changes with the day).
    closed = ticket(hours(150), lobby, TicketCategory.COMPLAINT, "楼道声控灯坏了一周，反映过没人来修", "HY-3-1502",
                    severity=Severity.MINOR)
    closed.dispatch(engineering, engineer, lobby, "", hours(149.5))
    closed.accept(engineer, hours(149))
    closed.complete(engineer, "更换 15 层声控灯，试亮正常", hours(147))
    closed.feed_back(lobby, "已电话告知业主维修完成", hours(146))
    closed.record_visit(
        TicketVisit(property_id=prop.id, method=VisitMethod.PHONE, satisfaction=Satisfaction.SATISFIED,
                    remarks="业主满意", visited_at=hours(120), visitor=supervisor),
        supervisor, rework_hours=24,
    )
    fed_back = ticket(hours(50), lobby, TicketCategory.COMPLAINT, "楼上漏水，卫生间顶棚渗水，第二次反映", "HY-1-302",
                      severity=Severity.MINOR)
    fed_back.dispatch(engineering, engineer, lobby, "请尽快上门查看楼上防水", hours(49.5))
    fed_back.accept(engineer, hours(49))
    fed_back.complete(engineer, "楼上卫生间地漏密封，已修复", hours(28))
    fed_back.feed_back(lobby, "已告知业主，业主表示会观察两天", hours(27))
    working = ticket(hours(20), concierge, TicketCategory.REPAIR, "2号楼 1 单元电梯按钮失灵",
                     location="2号楼电梯厅", source=TicketSource.PATROL)
    working.dispatch(engineering, engineer, concierge, "", hours(19.5))
    working.accept(engineer, hours(19))
    working.add_note(engineer, "已联系电梯维保单位，配件明天到", hours(18))
    enquiry = ticket(hours(4), lobby, TicketCategory.ENQUIRY, "物业费可以用哪些方式缴纳", "HY-2-1201")
    enquiry.answer_at_once("可在前台刷卡、扫码，或在业主小程序缴纳", lobby, hours(4))
    dispatched = ticket(hours(3), lobby, TicketCategory.REPAIR, "客厅插座没电", "HY-4-801")
    dispatched.dispatch(engineering, None, lobby, "", hours(2.5))
    ticket(hours(1), lobby, TicketCategory.COMPLAINT, "楼上装修噪音扰民，中午也在施工", "HY-3-1402",
           severity=Severity.MINOR, source=TicketSource.WALK_IN)
    ticket(hours(0.5), concierge, TicketCategory.COMPLAINT, "地下车库 B 区积水严重，车辆无法通行",
           location="地下车库 B 区", severity=Severity.IMPORTANT, source=TicketSource.PATROL)

    for n, (unit, carrier, shelf, at) in enumerate(
        [("HY-3-1502", Carrier.SF, "A-1", 30), ("HY-1-302", Carrier.ZTO, "A-2", 6), ("HY-4-801", Carrier.JT, "B-1", 2)]
    ):
        receive(prop, unit=_unit(prop, unit), carrier=carrier, tracking_no=f"DEMO2026{n:06d}", kind=ParcelKind.PARCEL,
                count=1, shelf=shelf, recipient_name="", by=lobby, at=hours(at))
    db.session.add(Visitor(
        property_id=prop.id, name="孙师傅", phone="13966661234", unit=_unit(prop, "HY-3-1502"), host_name="周建国",
        signed_in_at=hours(1.5), signed_in_by=lobby,
    ))
