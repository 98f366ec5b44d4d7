"""The bench property's patrols (a step of bench/generate.py): three routes with their checkpoints and
schedules, and three years of rounds as `flask patrols-schedule` made them and the concierges walked
them; the findings and the tickets they raised, as `record_result` (blueprints/patrols/services.py) makes
them: dispatched at once, re-checked by the next rounds (仍未整改 while the repair is open), closed by the
first round that finds the place in order. Bulk-loaded past the ORM, in one transaction.
"""
from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from blueprints.patrols.services import CODE_ALPHABET, CODE_LENGTH
from blueprints.tickets.services import visit_draw
from models.patrols import EVERY_DAY

from .bulk import analyze, bulk_insert, first_free_id, number_counters, reset_ids, save_number_counters
from .generate import EVENT_COLUMNS, PROPERTY_CODE, SEED, TICKET_COLUMNS, YEARS, ZONE

ENG, ENV, SEC = "engineering", "environment", "security"
# What a check finds wrong, now and then: (note, department sent to, ticket category).
PROBLEMS = {
    "公共设施完好": [("照明灯不亮", ENG, "repair"), ("闭门器损坏，门关不严", ENG, "repair"), ("地砖松动破损", ENG, "repair"),
                     ("休息座椅损坏", ENG, "repair"), ("排水沟盖板缺失", ENG, "repair"), ("墙面渗水", ENG, "repair")],
    "公共标识清晰完好": [("指示牌脱落", ENG, "repair"), ("温馨提示牌破损", ENV, "other")],
    "清洁卫生": [("地面有垃圾未清扫", ENV, "other"), ("垃圾桶满溢", ENV, "other"), ("墙面有小广告", ENV, "other"),
                 ("地面有积水", ENV, "other")],
    "绿化养护": [("绿化带枯死需补种", ENV, "other"), ("树枝断落挡路", ENV, "other"), ("草坪被踩踏", ENV, "other")],
    "消防器材齐全有效": [("灭火器压力不足", SEC, "repair"), ("消防栓箱玻璃破损", ENG, "repair"), ("灭火器缺失", SEC, "repair")],
    "电梯运行正常": [("电梯按钮失灵", ENG, "repair"), ("电梯运行有异响", ENG, "repair"), ("轿厢照明不亮", ENG, "repair")],
    "门岗及道闸正常": [("道闸抬杆不灵", ENG, "repair"), ("岗亭监控画面黑屏", ENG, "repair")],
    "车辆停放有序": [("车辆占用消防车道", SEC, "other"), ("非机动车乱停放", SEC, "other")],
    "周界围墙完好": [("围墙护栏松动", ENG, "repair"), ("周界红外报警误报", ENG, "repair")],
    "设备房门锁完好": [("设备房门未上锁", SEC, "other"), ("门锁损坏", ENG, "repair")],
    "无渗漏积水": [("地面有积水", ENG, "repair"), ("车库顶板渗水", ENG, "repair")],
    "灭火器压力正常、在有效期内": [("灭火器压力不足", SEC, "repair"), ("灭火器过期", SEC, "repair")],
    "消防栓箱配件齐全": [("消防水带缺失", SEC, "repair"), ("消防栓箱玻璃破损", ENG, "repair")],
    "应急照明及安全出口标识正常": [("应急照明灯不亮", ENG, "repair"), ("安全出口标识灯不亮", ENG, "repair")],
    "消防通道畅通": [("消防通道有杂物堆放", SEC, "other"), ("常闭防火门被打开", SEC, "other")],
    "消防水泵及管网压力正常": [("消防水泵压力表读数偏低", ENG, "repair")],
    "火灾报警主机运行正常": [("报警主机有故障点位", ENG, "repair")],
}
DAY, CLEAN, FIRE_KIT = ["公共设施完好", "公共标识清晰完好", "清洁卫生"], ["清洁卫生", "公共设施完好"], ["消防器材齐全有效"]
LIFT, NIGHT_BASEMENT = ["电梯运行正常", "公共标识清晰完好", "清洁卫生"], ["公共设施完好", "车辆停放有序", "消防器材齐全有效"]
FIRE_FLOOR = ["灭火器压力正常、在有效期内", "消防栓箱配件齐全", "应急照明及安全出口标识正常", "消防通道畅通"]
# (name, kind, minutes between checkpoints: low, high, mode, [(time, weekdays, window minutes, assignee)],
#  [(building code or None, floor, place, checks, typed code allowed)])
ROUTES = [
    ("公共区域日常巡查", "daily", (2, 6, 3), [(time(9), EVERY_DAY, 120, "concierge"),
                                           (time(15), EVERY_DAY, 120, "concierge2")], [
        (None, "1", "南门岗亭及大门", ["门岗及道闸正常", "公共标识清晰完好", "清洁卫生"], False),
        (None, "1", "北门及人行闸机", ["门岗及道闸正常", "清洁卫生"], False),
        *[(b, "1", place, checks, False) for b in "1234" for place, checks in (("大堂", DAY + FIRE_KIT), ("电梯厅", LIFT))],
        (None, "", "中心花园", ["绿化养护", "公共设施完好", "清洁卫生"], False),
        (None, "", "儿童游乐区", ["公共设施完好", "清洁卫生"], False),
        (None, "", "垃圾分类投放点", ["清洁卫生", "公共标识清晰完好"], False),
        (None, "", "会所及健身房", CLEAN + FIRE_KIT, False),
        (None, "", "非机动车棚", ["公共设施完好", "车辆停放有序", "消防器材齐全有效"], False),
    ]),
    ("夜间安全巡查", "night", (2, 7, 4), [(time(22), EVERY_DAY, 90, None), (time(2), EVERY_DAY, 90, None)], [
        (None, "1", "南门岗亭及大门", ["门岗及道闸正常"], False),
        (None, "1", "北门", ["门岗及道闸正常", "周界围墙完好"], False),
        (None, "", "东侧围墙周界", ["周界围墙完好"], False),
        (None, "", "西侧围墙周界", ["周界围墙完好"], False),
        (None, "", "中心花园", ["公共设施完好"], False),
        *[(None, "B1", f"地下车库{zone}区", NIGHT_BASEMENT, False) for zone in "ABC"],
        *[(None, "B2", f"地下车库{zone}区", NIGHT_BASEMENT, True) for zone in "DE"],  # labels behind no light: typed
        (None, "B1", "配电房", ["设备房门锁完好", "无渗漏积水"], False),
        (None, "B1", "消防水泵房", ["设备房门锁完好", "消防水泵及管网压力正常", "无渗漏积水"], False),
        (None, "B2", "生活水泵房", ["设备房门锁完好", "无渗漏积水"], False),
    ]),
    ("消防设施周检", "fire", (4, 14, 7), [(time(10), "1", 480, "supervisor")], [
        (None, "B1", "消防控制室", ["火灾报警主机运行正常", "应急照明及安全出口标识正常"], False),
        (None, "B1", "消防水泵房", ["消防水泵及管网压力正常", "无渗漏积水"], False),
        *[(b, floor, place, checks, False) for b in "1234" for floor, place, checks in (
            ("1", "消防栓箱及灭火器", FIRE_FLOOR), ("13", "楼梯间及前室", FIRE_FLOOR[2:]), ("屋面", "消防水箱", ["消防水泵及管网压力正常"]))],
        (None, "B1", "地下车库喷淋及排烟", ["消防器材齐全有效", "应急照明及安全出口标识正常"], False),
        (None, "B2", "地下车库消火栓", ["消防栓箱配件齐全", "消防通道畅通"], True),
        (None, "", "室外消火栓及消防车道", ["消防栓箱配件齐全", "消防通道畅通"], False),
        (None, "", "微型消防站", ["消防器材齐全有效"], False),
    ]),
]
# What becomes of a round, by route kind: (missed, started late, started early, broken off: the walker called
# away, the rest of the checkpoints skipped so as to finish it).
FATES = {"daily": (0.025, 0.04, 0.005, 0.004), "night": (0.04, 0.05, 0.002, 0.006), "fire": (0.02, 0.05, 0.0, 0.0)}
FINDING, SKIPPED = 0.014, 0.008  # shares of the checkpoints walked
SKIP_REASONS = ["区域封闭施工", "门锁无法进入，钥匙在工程部", "雨天暂停室外检查", "设备检修中，暂不能进入", "有业户搬家占用，稍后复查"]
CALLED_AWAY = ("处理突发情况，未能巡查", "中途处理业户求助，其余检查点未巡查")  # (skip reason, the round's note)
FINISH_NOTES = ["一切正常", "已与下一班交接", "雨天，室外部分简查", "发现问题已转报事"]
ROUTE_COLUMNS = ["id", "property_id", "name", "kind", "active", "concurrent_allowed", "created_at", "updated_at"]
CHECKPOINT_COLUMNS = ["id", "property_id", "route_id", "position", "building_id", "floor", "place", "code", "checklist",
                      "active", "typed_allowed", "created_at", "updated_at"]
SCHEDULE_COLUMNS = ["id", "property_id", "route_id", "at", "weekdays", "window_minutes", "assignee_id", "active"]
ROUND_COLUMNS = ["id", "property_id", "number", "route_id", "schedule_id", "scheduled_for", "due_by", "status",
                 "assignee_id", "started_by_id", "started_at", "finished_by_id", "finished_at", "note", "created_at",
                 "updated_at"]
RESULT_COLUMNS = ["id", "property_id", "round_id", "checkpoint_id", "outcome", "note", "skip_reason", "presence",
                  "done_at", "created_at", "recorded_by_id"]
FINDING_COLUMNS = ["id", "property_id", "checkpoint_id", "result_id", "ticket_id", "status", "closed_at",
                   "closed_round_id", "created_at", "updated_at"]
# The order of a ticket's events at the same moment (registered and dispatched together).
EVENT_ORDER = {"registered": 0, "dispatched": 1, "accepted": 2, "note": 3, "done": 4, "closed": 5}


def cron_tick(after: datetime) -> datetime:
    """When the quarter-hourly `flask patrols-schedule` first runs at or after `after`."""
    quarter = after.replace(minute=after.minute - after.minute % 15, second=5, microsecond=0)
    return quarter if quarter >= after else quarter + timedelta(minutes=15)


class History:
    """The routes and the rounds walked on them, with what the rounds found and the tickets it raised."""

    def __init__(self, connection: sa.Connection, now: datetime):
        self.rng, self.now = random.Random(SEED + 4), now
        self.property_id = connection.scalar(sa.text("SELECT id FROM properties WHERE code = :code"), {"code": PROPERTY_CODE})
        p = {"p": self.property_id}
        self.staff = dict(connection.execute(sa.text("SELECT username, id FROM users")).all())
        self.buildings = {code: (id_, name) for id_, code, name in connection.execute(
            sa.text("SELECT id, code, name FROM buildings WHERE property_id = :p"), p)}
        self.departments = {kind: (id_, name, lead) for id_, kind, name, lead in connection.execute(
            sa.text("SELECT id, kind, name, lead_id FROM departments WHERE property_id = :p"), p)}
        self.ids = {table: first_free_id(connection, table) for table in (
            "patrol_routes", "patrol_checkpoints", "patrol_schedules", "patrol_rounds", "patrol_results",
            "patrol_findings", "tickets", "ticket_events")}
        self.tk_numbers = number_counters(connection, self.property_id, "TK")
        self.xc_numbers: dict[date, int] = {}
        self.rows = {table: [] for table in self.ids}
        self.tickets: list[dict] = []
        self.open_findings: dict[int, dict] = {}  # checkpoint id → its open finding

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table] - 1

    def build(self) -> None:
        today = self.now.astimezone(ZONE).date()
        first_day = today - timedelta(days=365 * YEARS)
        set_up = datetime.combine(first_day - timedelta(days=7), time(10), ZONE).astimezone(timezone.utc)
        schedules = self.routes(set_up)
        for day in (first_day + timedelta(days=n) for n in range((today - first_day).days + 1)):
            made = datetime.combine(day, time(0), ZONE) + timedelta(seconds=self.rng.randint(5, 40))
            if made > self.now:
                break  # cron has not made today's rounds yet: the pages show them as planned
            # In order of time, as `schedule_rounds` numbers them.
            wanted = sorted(((datetime.combine(day, s["at"], ZONE), s) for s in schedules
                             if str(day.isoweekday()) in s["weekdays"]), key=lambda pair: (pair[0], pair[1]["route"]["id"]))
            for at, schedule in wanted:
                self.walk(day, at.astimezone(timezone.utc), schedule, made.astimezone(timezone.utc))
        self.ticket_rows()

    def routes(self, set_up: datetime) -> list[dict]:
        schedules, codes = [], set()
        for name, kind, pace, times, places in ROUTES:
            route = {"id": self.next_id("patrol_routes"), "name": name, "kind": kind, "pace": pace, "checkpoints": []}
            self.rows["patrol_routes"].append((route["id"], self.property_id, name, kind, True, False, set_up, set_up))
            for position, (building, floor, place, checks, typed) in enumerate(places, start=1):
                while (code := "".join(self.rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))) in codes:
                    pass
                codes.add(code)
                building_id, building_name = self.buildings[building] if building else (None, "")
                label = " ".join(p for p in (building_name, f"{floor}层" if floor.isdigit() else floor, place) if p)
                checkpoint = {"id": self.next_id("patrol_checkpoints"), "checks": checks, "typed": typed,
                              "basement": floor.startswith("B"), "name": label}
                route["checkpoints"].append(checkpoint)
                self.rows["patrol_checkpoints"].append((
                    checkpoint["id"], self.property_id, route["id"], position, building_id, floor, place, code,
                    json.dumps(checks, ensure_ascii=False), True, typed, set_up, set_up))
            for at, weekdays, window, assignee in times:
                schedule = {"id": self.next_id("patrol_schedules"), "route": route, "at": at, "weekdays": weekdays,
                            "window": timedelta(minutes=window), "assignee": self.staff[assignee] if assignee else None}
                schedules.append(schedule)
                self.rows["patrol_schedules"].append((schedule["id"], self.property_id, route["id"], at, weekdays,
                                                      window, schedule["assignee"], True))
        return schedules

    def walker(self, day: date, schedule: dict) -> int:
        """Who walks it: its assignee mostly, else the floor concierge on duty (the two take turns)."""
        concierges = [self.staff["concierge"], self.staff["concierge2"]]
        if schedule["assignee"] and self.rng.random() < 0.9:
            return schedule["assignee"]
        on_duty = concierges[day.toordinal() % 2]
        return on_duty if on_duty != schedule["assignee"] else concierges[1 - day.toordinal() % 2]

    def walk(self, day: date, scheduled: datetime, schedule: dict, made: datetime) -> None:
        rng, route = self.rng, schedule["route"]
        self.xc_numbers[day] = self.xc_numbers.get(day, 0) + 1
        round_id, due_by = self.next_id("patrol_rounds"), scheduled + schedule["window"]
        number = f"{PROPERTY_CODE}-XC-{day:%Y%m%d}-{self.xc_numbers[day]:04d}"
        missed, late, early, broken_off = FATES[route["kind"]]
        fate, window = rng.random(), schedule["window"].total_seconds() / 60
        start = None
        if fate >= missed:
            if fate < missed + late:
                start = due_by + timedelta(minutes=rng.triangular(5, 60, 15))
            elif fate < missed + late + early:
                start = scheduled - timedelta(minutes=rng.uniform(35, 90))
            else:
                start = scheduled + timedelta(minutes=rng.triangular(-10, window * 0.6, 8))
        walker = self.walker(day, schedule)
        checkpoints = route["checkpoints"]
        walked = rng.randint(1, len(checkpoints) - 1) if fate >= 1 - broken_off else len(checkpoints)
        done, at = [], (start or scheduled) + timedelta(minutes=rng.uniform(1, 4))
        for n in range(len(checkpoints)):  # once called away, the rest are skipped one after the other
            done.append(at)
            at += timedelta(minutes=rng.triangular(*route["pace"]) if n < walked - 1 else rng.uniform(0.25, 0.7))
        finished = done[-1] + timedelta(minutes=rng.uniform(1, 4))
        # What was recorded in the basement reaches the server once the tablet is back in reach of the
        # network (up at the next checkpoint, or at the finish).
        arrivals, up = [], finished
        for checkpoint, at in reversed(list(zip(checkpoints, done))):
            if not (checkpoint["basement"] and rng.random() < 0.6):
                up = at
            arrivals.append(up + timedelta(seconds=rng.randint(1, 30)))
        arrivals.reverse()
        last_arrival = None
        if start is not None and start <= self.now:
            for n, (checkpoint, at, arrived) in enumerate(zip(checkpoints, done, arrivals)):
                if arrived > self.now:
                    finished = None  # still on the tablet, or not walked yet
                    break
                self.result(round_id, number, route, checkpoint, walker, at, arrived,
                            skip_reason=CALLED_AWAY[0] if n >= walked else "")
                last_arrival = arrived
        if start is None or start > self.now:
            start = finished = None
            tick = cron_tick(due_by)
            status, updated = ("missed", tick) if tick <= self.now else ("due", made)
        else:
            # The tablet sends the finish after the results it holds (the finish needs them all).
            sent = finished and max(finished, last_arrival) + timedelta(seconds=rng.randint(1, 20))
            if sent is None or sent > self.now:
                status, updated, finished = "in_progress", max(start, last_arrival or start), None
            else:
                status, updated = "done", sent
        note = ""
        if status == "done" and walked < len(checkpoints):
            note = CALLED_AWAY[1]
        elif status == "done" and rng.random() < 0.03:
            note = rng.choice(FINISH_NOTES)
        self.rows["patrol_rounds"].append((
            round_id, self.property_id, number, route["id"], schedule["id"], scheduled, due_by, status,
            schedule["assignee"], walker if start else None, start, walker if finished else None, finished, note,
            made, updated))

    def result(self, round_id: int, number: str, route: dict, checkpoint: dict, walker: int, at: datetime,
               arrived: datetime, *, skip_reason: str = "") -> None:
        rng, result_id = self.rng, self.next_id("patrol_results")
        finding, note = self.open_findings.get(checkpoint["id"]), ""
        if skip_reason or rng.random() < SKIPPED:
            outcome, skip_reason = "skipped", skip_reason or rng.choice(SKIP_REASONS)
        elif finding is not None and finding["ticket"]["done"] < at:
            outcome = "ok"  # repaired: the round closes the finding
            self.rows["patrol_findings"].append((*finding["row"], "closed", at, round_id, finding["created"], arrived))
            del self.open_findings[checkpoint["id"]]
        elif finding is not None:
            outcome = "unresolved"
            finding["ticket"]["notes"].append((at, arrived, walker, f"巡查复查（{number}）：仍未整改。"))
        elif rng.random() < FINDING:
            outcome = "abnormal"
            note, department, category = rng.choice(PROBLEMS[rng.choice(checkpoint["checks"])])
            ticket = self.raise_ticket(number, route, checkpoint, walker, at, arrived, note, department, category)
            self.open_findings[checkpoint["id"]] = {"ticket": ticket, "created": arrived, "row": (
                self.next_id("patrol_findings"), self.property_id, checkpoint["id"], result_id, ticket["id"])}
        else:
            outcome = "ok"
        if outcome == "skipped":
            presence = "none"
        else:
            presence = rng.choices(["scanned", "typed", "none"], [25, 70, 5] if checkpoint["typed"] else [93, 5, 2])[0]
        self.rows["patrol_results"].append((result_id, self.property_id, round_id, checkpoint["id"], outcome, note,
                                            skip_reason, presence, at, arrived, walker))

    def raise_ticket(self, number: str, route: dict, checkpoint: dict, walker: int, at: datetime, arrived: datetime,
                     note: str, department: str, category: str) -> dict:
        """A finding's ticket as `raise_finding` makes it (registered and dispatched at once); the department
        accepts it, does the work, and the walker, its first contact, closes it."""
        rng = self.rng
        day = at.astimezone(ZONE).date()
        self.tk_numbers[day] = self.tk_numbers.get(day, 0) + 1
        department_id, department_name, worker = self.departments[department]
        accepted = at + timedelta(minutes=rng.triangular(10, 240, 40))
        slow = rng.random() < 0.05  # parts on order, a contractor to come
        done = accepted + timedelta(hours=rng.uniform(48, 240) if slow else min(rng.expovariate(1 / 16), 72))
        ticket = {
            "id": self.next_id("tickets"), "number": f"{PROPERTY_CODE}-TK-{day:%Y%m%d}-{self.tk_numbers[day]:04d}",
            "category": category, "location": checkpoint["name"][:100], "description": note, "walker": walker,
            "department": (department_id, department_name), "worker": worker, "at": at, "arrived": arrived,
            "round": f"巡查发现：{number} {route['name']}", "accepted": accepted, "done": done,
            "closed": done + timedelta(hours=rng.expovariate(1 / 8)), "notes": [],
        }
        self.tickets.append(ticket)
        return ticket

    def ticket_rows(self) -> None:
        """The findings still open, and the tickets with their timelines as they stand now."""
        for finding in self.open_findings.values():
            created = finding["created"]
            self.rows["patrol_findings"].append((*finding["row"], "open", None, None, created, created))
        for t in self.tickets:
            department_id, department_name = t["department"]
            dispatched = json.dumps({"department": department_name, "assignee": ""}, ensure_ascii=False)
            events = [("registered", t["at"], t["arrived"], t["walker"], t["round"], "received", "{}"),
                      ("dispatched", t["at"], t["arrived"], t["walker"], "巡查发现，直接派工", "dispatched", dispatched)]
            for kind, user, status in (("accepted", t["worker"], "in_progress"), ("done", t["worker"], "done"),
                                       ("closed", t["walker"], "closed")):
                if t[kind] <= self.now:
                    events.append((kind, t[kind], t[kind], user, "", status, "{}"))
            status = events[-1][5]
            events += [("note", at, arrived, user, text, "in_progress" if t["accepted"] <= at else "dispatched", "{}")
                       for at, arrived, user, text in t["notes"]]
            events.sort(key=lambda e: (e[1], EVENT_ORDER[e[0]]))
            reached = {e[0] for e in events}
            closed = t["closed"] if "closed" in reached else None
            visit_required = visit_draw(t["number"]) < (30 if t["category"] == "repair" else 10)
            self.rows["tickets"].append((
                t["id"], self.property_id, t["number"], "patrol", t["category"], None, "normal", status, None,
                t["location"], "", "", "", t["description"], "", t["walker"], department_id,
                t["worker"] if "accepted" in reached else None, t["at"], t["at"] + timedelta(hours=24),
                t["at"] + timedelta(days=3 * 7 / 5), t["at"], t["done"] if "done" in reached else None, closed, closed,
                None, visit_required, closed if visit_required else None, 0, None,
                sum(e[0] != "note" for e in events), t["arrived"], max(e[2] for e in events if e[0] != "note"),
            ))
            self.rows["ticket_events"] += [(self.next_id("ticket_events"), self.property_id, t["id"], *event)
                                           for event in events]


def load_patrols(engine: sa.Engine) -> int:
    """The bench property's patrol routes and history, and the findings' tickets, in one transaction."""
    with engine.begin() as connection:
        history = History(connection, datetime.now(timezone.utc))
        history.build()
        history.rows["patrol_findings"].sort()
        columns = {"patrol_routes": ROUTE_COLUMNS, "patrol_checkpoints": CHECKPOINT_COLUMNS,
                   "patrol_schedules": SCHEDULE_COLUMNS, "patrol_rounds": ROUND_COLUMNS, "tickets": TICKET_COLUMNS,
                   "ticket_events": EVENT_COLUMNS, "patrol_results": RESULT_COLUMNS, "patrol_findings": FINDING_COLUMNS}
        for table, table_columns in columns.items():  # in the order of their foreign keys
            bulk_insert(connection, table, table_columns, history.rows[table])
        reset_ids(connection, *(table for table in columns if history.rows[table]))
        save_number_counters(connection, history.property_id, "XC", history.xc_numbers)
        save_number_counters(connection, history.property_id, "TK", history.tk_numbers)
    rounds = history.rows["patrol_rounds"]
    statuses = {s: sum(r[7] == s for r in rounds) for s in ("done", "missed", "in_progress", "due")}
    findings = history.rows["patrol_findings"]
    print(f"  rounds {', '.join(f'{n:,} {s}' for s, n in statuses.items())}; {len(history.rows['patrol_results']):,} "
          f"results, {len(findings):,} findings ({sum(f[5] == 'open' for f in findings)} open) and their tickets")
    analyze(engine, *(table for table in columns if table.startswith("patrol_")))
    return len(rounds)
