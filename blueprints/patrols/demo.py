"""Demo patrol routes of 恒宇花园 (the daily round of the public areas and the night security round), and
the past week's rounds: most walked on time, some late, one early, a few missed, some with typed codes;
findings sent to engineering, one closed by the next round, yesterday's still open, the night round
of yesterday missed."""
from datetime import time, timedelta

from models import db
from models.patrols import Outcome, PatrolCheckpoint, PatrolRoute, PatrolSchedule, Presence, RouteKind

from ..shared.demo import Demo
from .services import (
    finish_round,
    mark_missed,
    new_code,
    record_result,
    repair_departments,
    rounds_between,
    schedule_rounds,
)

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
    _past_week(d)


# How the past week's rounds went, by (days ago, route, time): missed (never started), started late (after
# their window), early (well before it opens), or with the checkpoints' codes typed instead of scanned.
# Every other round was walked ten minutes into its window, each label scanned.
MISSED = {(1, "夜间安全巡查", time(22)), (4, "夜间安全巡查", time(22)), (6, "公共区域日常巡查", time(15))}
LATE = {(3, "夜间安全巡查", time(22)), (5, "公共区域日常巡查", time(15))}
EARLY = {(6, "公共区域日常巡查", time(9))}
TYPED = {(2, "公共区域日常巡查", time(9)), (5, "夜间安全巡查", time(22))}
# Findings, each sent to engineering: (days ago, route, time, place) → what was found. A later round finding
# the place in order closes it; yesterday's last one is still open.
FINDINGS = {
    (5, "公共区域日常巡查", time(9), "消防通道"): "消防栓箱玻璃破损",
    (1, "公共区域日常巡查", time(15), "地下车库"): "B 区第 3 盏照明灯不亮",
}


def _past_week(d: Demo) -> None:
    """The rounds of the seven days before today, walked by the two floor concierges in turn."""
    prop, walkers = d.garden, [d.users["concierge"], d.users["concierge2"]]
    today = prop.local_day(d.now)
    engineering = repair_departments(prop)[0]
    first = today - timedelta(days=7)
    for n in range(7):
        schedule_rounds(prop, first + timedelta(days=n))
    for round_ in db.session.scalars(rounds_between(prop, first, today - timedelta(days=1))).all():
        local = round_.scheduled_for.astimezone(prop.zone)
        key = ((today - local.date()).days, round_.route.name, local.time().replace(tzinfo=None))
        if key in MISSED:
            continue
        walker = walkers[key[0] % 2]
        if key in LATE:
            at = round_.due_by + timedelta(minutes=25)
        elif key in EARLY:
            at = round_.scheduled_for - timedelta(minutes=50)
        else:
            at = round_.scheduled_for + timedelta(minutes=10)
        for n, checkpoint in enumerate(round_.route.active_checkpoints):
            found = FINDINGS.get((*key, checkpoint.place))
            record_result(prop, round_, checkpoint, outcome=Outcome.ABNORMAL if found else Outcome.OK, by=walker,
                          at=at + timedelta(minutes=4 * n),
                          presence=Presence.TYPED if key in TYPED else Presence.SCANNED,
                          department=engineering, note=found or "")
        finish_round(round_, walker, at + timedelta(minutes=4 * len(round_.route.active_checkpoints) + 5), "")
    mark_missed(prop, d.now)
