"""Demo patrol routes of 恒宇花园 (the daily round of the public areas and the night security round), and
yesterday's rounds: walked, one with a finding sent to engineering, the night round missed."""
from datetime import time, timedelta


from models import db
from models.patrols import Outcome, PatrolCheckpoint, PatrolRoute, PatrolSchedule, Presence, RouteKind

from ..shared.demo import Demo
from .services import finish_round, mark_missed, new_code, record_result, repair_departments, rounds_between, schedule_rounds

# (route name, kind, times, [(building code or None, floor, place, checks)])
ROUTES = [
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


def demo(d: Demo) -> None:
    prop = d.garden
    buildings = {b.code: b for b in prop.buildings}
    for name, kind, times, places in ROUTES:
        route = PatrolRoute(property_id=prop.id, name=name, kind=kind)
        db.session.add(route)
        for position, (building, floor, place, checks) in enumerate(places, 1):
            route.checkpoints.append(PatrolCheckpoint(
                property_id=prop.id, position=position, building=buildings.get(building), floor=floor, place=place,
                code=new_code(prop), checklist=checks,
            ))
            db.session.flush()  # the next code is drawn against this one
        route.schedules.extend(PatrolSchedule(property_id=prop.id, at=at) for at in times)
    db.session.flush()
    _yesterday(d)


def _yesterday(d: Demo) -> None:
    prop, walker = d.garden, d.users["concierge"]
    yesterday = prop.local_day(d.now) - timedelta(days=1)
    schedule_rounds(prop, yesterday)
    engineering = repair_departments(prop)[0]
    daily = [r for r in db.session.scalars(rounds_between(prop, yesterday, yesterday)) if r.route.name == ROUTES[0][0]]
    for round_ in daily:
        at = round_.scheduled_for + timedelta(minutes=10)
        for n, checkpoint in enumerate(round_.route.active_checkpoints):
            abnormal = round_ is daily[-1] and checkpoint.place == "地下车库"
            record_result(prop, round_, checkpoint, outcome=Outcome.ABNORMAL if abnormal else Outcome.OK, by=walker,
                          at=at + timedelta(minutes=4 * n), presence=Presence.SCANNED, department=engineering,
                          note="B 区第 3 盏照明灯不亮" if abnormal else "")
        finish_round(round_, walker, at + timedelta(minutes=30), "")
    mark_missed(prop, d.now)
