"""Demo meeting rooms: three rooms; the property's weekly meeting since last Monday (one date off);
a week of meetings served and closed with their tea sheets, a no-show released and one cancelled; a
launch waiting for the supervisor's approval; and a meeting in service now.

The demo may run at any hour: the meeting in service is placed around the present when the
multi-function hall is open then, else it is the evening's last meeting, not closed yet (at night the
concierge has one left to close).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from models import Building, db
from models.room_service import Step, Vessel, WorkOrder
from models.rooms import Equipment, Layout, OrganiserKind, Repeat, Room, ServiceItem, EVERY_DAY, WORKDAYS

from ..approvals.services import decide, latest_for
from ..shared.demo import Demo
from .services import BookingRequest, book, cancel_occurrence, check_in, release_overdue
from .serving import close, done_step, record_round, save_tea_sheet

ALL_BOOKERS = [k.value for k in OrganiserKind]


def _rooms(d: Demo) -> tuple[Room, Room, Room]:
    prop = d.garden
    one = db.session.scalar(db.select(Building).where(Building.property_id == prop.id, Building.code == "1"))
    hall = Room(property_id=prop.id, name="会所多功能厅", floor="会所一层", capacity=60,
                equipment=[Equipment.PROJECTOR.value, Equipment.SOUND.value, Equipment.MICROPHONE.value],
                opens_at=time(7, 0), closes_at=time(22, 30), open_days=EVERY_DAY, bookers=ALL_BOOKERS,
                needs_approval=True, setup_minutes=30, cleanup_minutes=30, note="大型活动、发布会；需主管审批")
    boardroom = Room(property_id=prop.id, name="大会议室", building=one, floor="2", capacity=20,
                     equipment=[Equipment.PROJECTOR.value, Equipment.VIDEO.value, Equipment.MICROPHONE.value,
                                Equipment.WHITEBOARD.value],
                     opens_at=time(8, 30), closes_at=time(18, 0), open_days=WORKDAYS,
                     bookers=[OrganiserKind.COMPANY.value, OrganiserKind.STAFF.value], setup_minutes=30, cleanup_minutes=15)
    small = Room(property_id=prop.id, name="洽谈室", building=one, floor="2", capacity=8,
                 equipment=[Equipment.SCREEN.value, Equipment.WHITEBOARD.value],
                 opens_at=time(8, 30), closes_at=time(20, 0), open_days=EVERY_DAY, bookers=ALL_BOOKERS,
                 setup_minutes=15, cleanup_minutes=10)
    db.session.add_all([hall, boardroom, small])
    db.session.flush()
    return hall, boardroom, small


def _serve(order: WorkOrder, d: Demo, *, until: datetime, guests: int, fruit: bool = True, close_it: bool = True,
           damage: str = "") -> None:
    """What the concierge did for the meeting, up to `until`. The cleaners were called by phone: the
    demo makes no cleaning tickets, so that the tickets module's own demo is what its lists show."""
    concierge = d.users["concierge"]
    o = order.occurrence
    for n, step in enumerate((Step.OPEN, Step.CLEAN, Step.SET_UP)):
        done_step(order, step, by=concierge, at=o.blocked_from + timedelta(minutes=5 * n))
    check_in(order, by=concierge, at=o.starts_at - timedelta(minutes=3))
    done_step(order, Step.TEA, by=concierge, at=o.starts_at + timedelta(minutes=1))
    at = o.starts_at + timedelta(minutes=16)
    notes = ["加茶水", "", "换烟灰缸、加茶水", ""]
    while at < min(until, o.ends_at):
        record_round(order, by=concierge, at=at, note=notes[len(order.rounds) % len(notes)])
        at += timedelta(minutes=15 + len(order.rounds) % 3)
    served = {ServiceItem.TEA: guests + 2 * len(order.rounds), ServiceItem.WATER: guests // 2,
              ServiceItem.FRUIT: guests // 4 if fruit else 0, ServiceItem.TOWEL: guests}
    crockery = {Vessel.CUP: (guests, guests if close_it else 0), Vessel.PLATE: (guests // 4 if fruit else 0,) * 2,
                Vessel.TOWEL_TRAY: (guests, guests if close_it else 0)}
    if damage:
        crockery[Vessel.CUP] = (guests, guests - 1)
    save_tea_sheet(order, served, crockery)
    if close_it:
        done_step(order, Step.CLEAR, by=concierge, at=o.ends_at + timedelta(minutes=5))
        close(order, by=concierge, at=o.ends_at + timedelta(minutes=15), damage=damage, cleaned_after=True,
              record="按时布置，茶水及时；客户对服务满意。" if not damage else "会后清点少茶杯一只，已登记。")


def _book(d: Demo, room: Room, day: date, start: time, end: time, *, by: str, **fields):
    prop = d.garden
    at = datetime.combine(day, start, prop.zone) - timedelta(days=1, hours=2)
    fields.setdefault("organiser_kind", OrganiserKind.STAFF)
    if fields["organiser_kind"] is OrganiserKind.STAFF:
        fields.setdefault("staff", d.users["supervisor"])
    request = BookingRequest(room=room, day=day, start=start, end=end, **fields)
    at = min(at, d.now - timedelta(hours=1))
    return book(prop, request, by=d.users[by], at=at, now=at, may_override_capacity=False)


def demo(d: Demo) -> None:
    prop = d.garden
    hall, boardroom, small = _rooms(d)
    now = d.now
    today = prop.local_day(now)
    services = [ServiceItem.TEA.value, ServiceItem.WATER.value]

    # The property's weekly meeting, Mondays at nine since last week, one Monday off.
    monday = today - timedelta(days=today.weekday() + 7)
    weekly = _book(d, boardroom, monday, time(9, 0), time(10, 0), by="supervisor", title="物业周例会", attendees=12,
                   repeat=Repeat.WEEKLY, until=monday + timedelta(days=35), exceptions=[monday + timedelta(days=21)],
                   layout=Layout.BOARDROOM, equipment=[Equipment.PROJECTOR.value], services=services, contact_name="陈主管")
    for o in weekly.occurrences:
        if o.work_order is not None and o.starts_at <= now:
            _serve(o.work_order, d, until=min(o.ends_at, now), guests=12, fruit=False, close_it=o.ends_at < now)

    # A week of meetings in the small room, served and closed; a no-show and a cancellation among them.
    past = [
        (6, OrganiserKind.COMPANY, "HY-1-201", "恒宇科技有限公司", "王经理", "季度合作洽谈", 6, ""),
        (5, OrganiserKind.RESIDENT, "HY-3-1502", "", "周建国", "业主装修方案沟通", 3, ""),
        (4, OrganiserKind.COMPANY, "HY-2-1001", "安徽恒信律师事务所", "刘律师", "合同谈判", 5, "少茶杯 1 只"),
        (3, OrganiserKind.COMPANY, "HY-1-201", "恒宇科技有限公司", "王经理", "招聘面试", 4, "no-show"),
        (2, OrganiserKind.RESIDENT, "HY-4-801", "", "李四", "业主委员会筹备会", 7, "cancel"),
        (1, OrganiserKind.COMPANY, "HY-2-1001", "安徽恒信律师事务所", "刘律师", "客户来访接待", 4, ""),
    ]
    for days_ago, kind, unit, company, contact, title, guests, what in past:
        day = today - timedelta(days=days_ago)
        resident = d.unit(unit).residents[0] if kind is OrganiserKind.RESIDENT and d.unit(unit).residents else None
        booking = _book(d, small, day, time(14, 0), time(15, 30), by="lobby", organiser_kind=kind, unit=d.unit(unit),
                        company=company, resident=resident, contact_name=resident.name if resident else contact,
                        contact_phone="13955550000", title=title,
                        attendees=guests, services=[*services, ServiceItem.TOWEL.value])
        order = booking.occurrences[0].work_order
        if what == "no-show":
            release_overdue(prop, order.occurrence.starts_at + timedelta(minutes=20), room_id=small.id)
        elif what == "cancel":
            cancel_occurrence(booking.occurrences[0], by=d.users["lobby"], reason="业主改期",
                              at=order.occurrence.starts_at - timedelta(hours=20))
        else:
            _serve(order, d, until=order.occurrence.ends_at, guests=guests, damage=what)

    # Waiting for the supervisor: a launch in the hall the day after tomorrow, more people than seats.
    _book(d, hall, today + timedelta(days=2), time(14, 0), time(16, 30), by="lobby",
          organiser_kind=OrganiserKind.COMPANY, unit=d.unit("HY-1-201"), company="恒宇科技有限公司",
          contact_name="王经理", contact_phone="13955551111", title="新品发布会", attendees=65, layout=Layout.THEATRE,
          equipment=[Equipment.PROJECTOR.value, Equipment.SOUND.value, Equipment.MICROPHONE.value],
          services=[s.value for s in ServiceItem], notes="嘉宾约 10 人 13:30 到场，需引导至会所", capacity_reason="另加 5 把椅子")

    # In service now in the hall (approved yesterday), or the evening's last meeting not closed yet.
    start, end = _in_service_times(hall, now, prop.zone)
    booking = _book(d, hall, start.date(), start.time(), end.time(), by="lobby", organiser_kind=OrganiserKind.COMPANY,
                    unit=d.unit("HY-2-1001"), company="安徽恒信律师事务所", contact_name="刘律师",
                    contact_phone="13955552222", title="客户座谈会", attendees=30, layout=Layout.BOARDROOM,
                    equipment=[Equipment.PROJECTOR.value, Equipment.MICROPHONE.value],
                    services=[s.value for s in ServiceItem])
    decide(latest_for(booking), approve=True, note="同意，注意会后清场", by=d.users["supervisor"],
           at=min(booking.requested_at + timedelta(hours=1), now))
    _serve(booking.occurrences[0].work_order, d, until=now, guests=30, close_it=False)

    # Tomorrow: a residents' meeting in the small room.
    unit = d.unit("HY-4-801")
    resident = unit.residents[0] if unit.residents else None
    _book(d, small, today + timedelta(days=1), time(10, 0), time(11, 30), by="lobby",
          organiser_kind=OrganiserKind.RESIDENT, unit=unit, resident=resident,
          contact_name=resident.name if resident else "李四",
          contact_phone="13955553333", title="业主委员会筹备会（改期）", attendees=7, services=services)


def _in_service_times(hall: Room, now: datetime, zone) -> tuple[datetime, datetime]:
    local = now.astimezone(zone)
    opens = datetime.combine(local.date(), hall.opens_at, zone)
    closes = datetime.combine(local.date(), hall.closes_at, zone)
    start = (local - timedelta(minutes=35)).replace(second=0, microsecond=0)
    start -= timedelta(minutes=start.minute % 5)
    if opens <= start and now + timedelta(minutes=10) < closes:
        return start, min(start + timedelta(hours=2), closes)
    evening = local.date() if local >= closes else local.date() - timedelta(days=1)
    return datetime.combine(evening, time(19, 30), zone), datetime.combine(evening, time(21, 30), zone)
