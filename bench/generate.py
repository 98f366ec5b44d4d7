"""Fill a benchmark database: one property with ~200 units, their residents, a few staff,
1,000,000 tickets over three years with their timelines (ticket_events), 200,000 visitors, the lobby's
parcels (bench/parcels.py) and the patrol rounds with their findings (bench/patrols.py) over the same
three years.

The schema comes from `flask db upgrade`; the organisation goes through the app's own services and
models (so it looks like any property), the tickets, events, visitors, parcels and patrols are
bulk-loaded with COPY on PostgreSQL and executemany on SQLite. Bulk rows bypass the ORM, so they write no
audit entries. Visitors, parcels and patrols are steps of their own: a database whose property has its
tickets but not those gets them without its tickets being made again.

    python -m bench.generate [--tickets N] [--visitors N] [--fresh]      (DATABASE_URL as for the app)
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time as clock
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app import create_app
from blueprints.admin.services import create_property, import_official_calendar, year_has_official_data
from blueprints.shared.storage import storage
from models import Building, Property, Resident, ResidentRelation, Role, Unit, User, UserRole, db

from .bulk import analyze, reset_ids, save_number_counters, sqlite_value

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/frontdesk_bench"
PROPERTY_CODE = "HY"
PASSWORD = "frontdesk"
ZONE = ZoneInfo("Asia/Shanghai")
YEARS = 3
SEED = 20261123
VISITORS = 200_000
# Days a visit keeps its personal data before the nightly `flask visitors-purge` wipes it (the
# VISITOR_RETENTION_DAYS setting's default), and the local hour that cron job runs at.
RETENTION_DAYS = 180
PURGE_HOUR = 3

# username, display name, role, department kind (for the department role)
STAFF = [
    ("lobby", "王前台", "lobby", None),
    ("lobby2", "刘前台", "lobby", None),
    ("concierge", "李客服", "concierge", None),
    ("concierge2", "孙客服", "concierge", None),
    ("supervisor", "陈主管", "supervisor", None),
    ("engineer", "赵工", "department", "engineering"),
    ("guard", "周队长", "department", "security"),
    ("cleaner", "吴组长", "department", "environment"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰"

# What people call about, by category: (share of all tickets, department kind, share answered at once,
# phrases). Phrases are joined with a room and a remark into descriptions like 卫生间热水器不出热水，请尽快上门.
CATEGORIES = {
    "repair": (0.45, "engineering", 0.0, [
        "卫生间漏水", "厨房水龙头滴水", "下水道堵塞", "客厅灯不亮", "插座没电", "入户门锁坏了", "窗户关不严",
        "墙面渗水", "空调不制冷", "热水器不出热水", "马桶堵了", "阳台地漏返味", "暖气片不热", "可视对讲没声音",
        "天花板掉皮", "燃气表报警", "总闸跳闸", "防盗门合页松动",
    ]),
    "complaint": (0.12, "customer_service", 0.0, [
        "楼上噪音扰民", "邻居在楼道堆放杂物", "车位被占用", "保洁不及时", "宠物狗不拴绳", "装修噪音超时",
        "垃圾清运不及时", "保安态度差", "电梯广告声音太大", "小区路灯不亮", "快递柜占用消防通道", "绿化带被踩踏",
    ]),
    "enquiry": (0.18, "customer_service", 0.8, [
        "咨询物业费缴费方式", "咨询停车月卡办理", "咨询装修申请流程", "咨询快递代收", "咨询门禁卡补办",
        "咨询水电费发票", "咨询房屋出租登记", "咨询充电桩安装",
    ]),
    "help": (0.10, "security", 0.3, [
        "钥匙锁在屋里", "老人需要帮忙搬东西", "孩子在小区走失", "车辆电瓶没电需要搭电", "雨伞借用", "代叫出租车",
    ]),
    "suggestion": (0.06, "customer_service", 0.6, [
        "建议增加电动车充电桩", "建议增设儿童游乐设施", "建议延长健身房开放时间", "建议增加垃圾分类指引",
    ]),
    "praise": (0.04, "customer_service", 1.0, [
        "表扬维修师傅服务好", "表扬保安拾金不昧", "表扬保洁阿姨认真负责",
    ]),
    "other": (0.05, "environment", 0.5, [
        "楼道有异味", "小区有流浪猫", "门口积水", "外墙瓷砖松动",
    ]),
}
ROOMS = ["", "", "卫生间", "厨房", "客厅", "主卧", "次卧", "阳台"]
REMARKS = ["", "", "，请尽快处理", "，业主要求尽快上门", "，已多次反映", "，业主下午在家", "，请电话联系后上门",
           "，情况比较急", "，上周刚修过又坏了"]
PUBLIC_AREAS = ["1号楼大堂", "2号楼大堂", "地下车库B1", "南门岗", "中心花园", "3号楼电梯厅", "会所", "北门"]
SOURCES = ["phone"] * 6 + ["walk_in"] * 3 + ["online", "patrol", "company", "verbal", "written", "committee"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--visitors", type=int, default=VISITORS)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args(argv)
    generate(os.environ.get("DATABASE_URL", DEFAULT_URL), args.tickets, fresh=args.fresh, visitors=args.visitors)


def generate(url: str, tickets: int, *, fresh: bool = False, visitors: int = VISITORS) -> None:
    """Make sure `url` holds a migrated database with the benchmark property, `tickets` tickets, `visitors`
    visitors, its parcels and its patrols (each step runs when its rows are missing)."""
    prepare_database(url, fresh)
    upgrade(url)
    # These build on this module's people and times.
    from .parcels import load_parcels
    from .patrols import load_patrols
    from .visitors import load_visitors

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SCHEMA_CHECK": False, "SECRET_KEY": "bench"})
    with app.app_context():
        found = filled(db.engine)
        if found == tickets:
            print(f"bench data already there: {found:,} tickets ({url_label(url)})")
        elif found is not None:
            sys.exit(f"{url_label(url)} holds {found:,} bench tickets, not {tickets:,}: run again with --fresh")
        else:
            started = clock.monotonic()
            org = create_organisation()
            print(f"property, {len(org.units)} units, {len(org.residents)} residents, {len(org.staff)} staff "
                  f"({clock.monotonic() - started:.0f} s)")
            load_tickets(db.engine, org, tickets)
            print(f"{tickets:,} tickets with their timelines in {clock.monotonic() - started:.0f} s")
        steps = [  # each when the property has none of its rows: (table, what it makes, make them)
            ("visitors", "visitors", lambda: load_visitors(db.engine, visitors)),
            ("parcels", "parcels with their signatures", lambda: load_parcels(db.engine, storage())),
            ("patrol_rounds", "patrol rounds with their results and findings", lambda: load_patrols(db.engine)),
        ]
        for table, what, load in steps:
            if present := bench_rows(db.engine, table):
                print(f"bench {table} already there: {present:,}")
                continue
            started = clock.monotonic()
            print(f"{load():,} {what} in {clock.monotonic() - started:.0f} s")

def url_label(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def prepare_database(url: str, fresh: bool) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    server = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database})
        if exists and fresh:
            connection.exec_driver_sql(f'DROP DATABASE "{parsed.database}" WITH (FORCE)')
        if not exists or fresh:
            connection.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    server.dispose()


def upgrade(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "app", "FLASK_SECRET_KEY": "bench"}
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True)


def bench_rows(engine: sa.Engine, table: str) -> int:
    """How many rows of `table` the benchmark property has."""
    with engine.connect() as connection:
        return connection.scalar(sa.text(
            f"SELECT count(*) FROM {table} JOIN properties ON properties.id = {table}.property_id "
            "WHERE properties.code = :code"
        ), {"code": PROPERTY_CODE})


def filled(engine: sa.Engine) -> int | None:
    """How many tickets the ticket step made for the benchmark property (those raised from patrol findings,
    one each, are the patrol step's), or None when there is no such property yet."""
    with engine.connect() as connection:
        property_id = connection.scalar(sa.text("SELECT id FROM properties WHERE code = :code"), {"code": PROPERTY_CODE})
        if property_id is None:
            return None
        return connection.scalar(sa.text(
            "SELECT (SELECT count(*) FROM tickets WHERE property_id = :p)"
            " - (SELECT count(*) FROM patrol_findings WHERE property_id = :p)"
        ), {"p": property_id})


class Organisation:
    def __init__(self, prop, departments, units, residents, staff):
        self.prop = prop
        self.departments = departments  # kind value → department
        self.units = units
        self.residents = residents  # (unit id, name, phone)
        self.staff = staff  # username → user


def create_organisation() -> Organisation:
    """The property, its units and residents, and the staff, through the app's models (audited like any)."""
    rng = random.Random(SEED)
    prop = create_property(
        Property(code=PROPERTY_CODE, name="恒宇花园", address="合肥市蜀山区长江西路 188 号", phone="0551-65551234"), None
    )
    today = date.today()
    for year in range(today.year - YEARS, today.year):
        if year_has_official_data(year):
            import_official_calendar(prop, year)
    departments = {d.kind.value: d for d in prop.departments}

    units, residents = [], []
    for b in range(1, 5):
        building = Building(property_id=prop.id, code=str(b), name=f"{b}号楼", floors=25)
        db.session.add(building)
        for floor in range(1, 26):
            for n in (1, 2):
                room = f"{floor}{n:02d}"
                unit = Unit(property_id=prop.id, building=building, room=room, floor=floor,
                            area=rng.choice([89, 96, 118, 128.5, 143]),
                            archive_no=Unit.make_archive_no(prop.code, building.code, room))
                db.session.add(unit)
                units.append(unit)
                relations = [ResidentRelation.OWNER] + [ResidentRelation.FAMILY] * (rng.random() < 0.5)
                for relation in relations:
                    resident = Resident(
                        property_id=prop.id, unit=unit, relation=relation,
                        name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))),
                        phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                    )
                    db.session.add(resident)
                    residents.append(resident)

    roles = {r.value: r for r in Role}
    staff = {}
    for username, display_name, role, department_kind in STAFF:
        user = User(username=username, display_name=display_name, phone=f"139{rng.randrange(10**8):08d}")
        user.set_password(PASSWORD)
        department = departments[department_kind] if department_kind else None
        user.roles.append(UserRole(property=prop, role=roles[role], department=department))
        if department is not None and department.lead is None:
            department.lead = user
        db.session.add(user)
        staff[username] = user
    db.session.commit()
    return Organisation(prop, departments, [u.id for u in units],
                        [(r.unit_id, r.name, r.phone) for r in residents], staff)


TICKET_COLUMNS = [
    "id", "property_id", "number", "source", "category", "severity", "nature", "status", "unit_id", "location",
    "caller_name", "caller_phone", "caller_phone_last4", "description", "answer", "first_contact_id",
    "department_id", "assignee_id", "received_at", "reply_due_at", "resolve_due_at", "replied_at", "resolved_at",
    "fed_back_at", "closed_at", "paused_since", "visit_required", "visited_at", "reopen_count", "rework_due_at",
    "version", "created_at", "updated_at",
]
EVENT_COLUMNS = ["id", "property_id", "ticket_id", "kind", "at", "created_at", "user_id", "note", "status", "data"]


TICKET_HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 16, 14, 10, 12, 14, 14, 13, 12, 10, 8, 6, 4, 2, 1]


def ticket_times(total: int, rng: random.Random, now: datetime, *, hour_weights: list[int] = TICKET_HOURS,
                 weekday: float = 1.2, weekend: float = 0.8) -> list[tuple[date, datetime]]:
    """`total` receipt times over the last YEARS years, in order, busier on weekdays and in daytime
    (by default: the tickets'; the visitors come by their own hours)."""
    first_day = (now.astimezone(ZONE) - timedelta(days=365 * YEARS)).date()
    days = [first_day + timedelta(days=n) for n in range((now.astimezone(ZONE).date() - first_day).days + 1)]
    weights = [weekday if d.weekday() < 5 else weekend for d in days]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rng.sample(range(len(days)), total - sum(counts)):
        counts[i] += 1
    times = []
    for day, count in zip(days, counts):
        midnight = datetime.combine(day, time(), ZONE)
        # Today is only partly over: its receipts fall between midnight and an hour ago.
        hours = range(24) if day < days[-1] else range(max(1, (now - midnight).seconds // 3600))
        weights = hour_weights[:len(hours)]
        if not any(weights):  # just after midnight, today's hours so far are ones nobody comes in
            weights = [1] * len(hours)
        seconds = sorted(h * 3600 + rng.randrange(3600) for h in rng.choices(hours, weights, k=count))
        times.extend((day, (midnight + timedelta(seconds=s)).astimezone(timezone.utc)) for s in seconds)
    return times


def build_rows(org: Organisation, total: int, day_numbers: dict[date, int]):
    """Yield (ticket row, [event rows]) in ticket id order, ids from 1; count each day's numbers in
    `day_numbers` (local day → last number issued)."""
    rng = random.Random(SEED + 1)
    now = datetime.now(timezone.utc)
    categories = list(CATEGORIES)
    category_weights = [CATEGORIES[c][0] for c in categories]
    desk = [org.staff[u].id for u in ("lobby", "lobby2", "concierge", "concierge2", "supervisor")]
    workers = {"engineering": org.staff["engineer"].id, "security": org.staff["guard"].id,
               "environment": org.staff["cleaner"].id, "customer_service": org.staff["concierge"].id}
    by_unit = {}
    for unit_id, name, phone in org.residents:
        by_unit.setdefault(unit_id, []).append((name, phone))
    property_id = org.prop.id
    event_id = 0
    for ticket_id, (day, received) in enumerate(ticket_times(total, rng, now), start=1):
        day_numbers[day] = sequence = day_numbers.get(day, 0) + 1
        number = f"{PROPERTY_CODE}-TK-{day:%Y%m%d}-{sequence:04d}"
        category = rng.choices(categories, category_weights)[0]
        _, department_kind, answered_share, phrases = CATEGORIES[category]
        severity = None
        if category == "complaint":
            severity = rng.choices(["minor", "important", "major"], [70, 25, 5])[0]
        nature = "important" if severity in ("major", "important") else "normal"
        if rng.random() < 0.8:
            unit_id = rng.choice(org.units)
            location = ""
            caller_name, caller_phone = rng.choice(by_unit[unit_id])
            room = rng.choice(ROOMS)
        else:
            unit_id, location, room = None, rng.choice(PUBLIC_AREAS), ""
            caller_name = rng.choice(SURNAMES) + rng.choice("先生女士")
            caller_phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" if rng.random() < 0.7 else ""
        phrase = rng.choice(phrases)
        description = (room if category == "repair" else "") + phrase + rng.choice(REMARKS)
        first_contact = rng.choice(desk)
        reply_hours = 2 if severity == "major" else 24
        resolve_days = {"major": 3, "important": 2, "minor": 1}.get(severity, 3)
        reply_due = received + timedelta(hours=reply_hours)
        resolve_due = received + timedelta(days=resolve_days * 7 / 5)
        age = now - received

        events = [("registered", received, first_contact, "received", "{}")]
        department_id = assignee_id = replied = resolved = fed_back = closed = None
        answer = ""
        if rng.random() < answered_share:
            answer = "已当场答复客户"
            status = "closed"
            replied = resolved = fed_back = closed = received
            events.append(("answered", received, first_contact, "closed", "{}"))
        else:
            # Each later step happens after a while; a few tickets get stuck at a step (owner away, parts
            # on order …), which leaves old tickets open as in any real register.
            status = "received"
            dispatched_at = received + timedelta(minutes=rng.randint(5, 90))
            done_at = dispatched_at + timedelta(hours=rng.expovariate(1 / 18))
            closed_at = done_at + timedelta(hours=rng.expovariate(1 / 20))
            department = org.departments[department_kind]
            if dispatched_at < now and rng.random() > 0.002:
                status, department_id, assignee_id, replied = "dispatched", department.id, workers[department_kind], dispatched_at
                events.append(("dispatched", dispatched_at, first_contact, "dispatched",
                               json.dumps({"department": department.name, "assignee": ""}, ensure_ascii=False)))
                if done_at < now and rng.random() > 0.01:
                    status, resolved = "done", done_at
                    events.append(("done", done_at, assignee_id, "done", "{}"))
                    if closed_at < now and rng.random() > 0.01:
                        status, fed_back, closed = "closed", closed_at, closed_at
                        events.append(("closed", closed_at, first_contact, "closed", "{}"))
                elif age < timedelta(hours=6) and rng.random() < 0.5:
                    status = "in_progress"
        visit_required = category == "complaint" or (category == "repair" and rng.random() < 0.3)
        visited = closed if (visit_required and closed and not answer) else None
        updated = events[-1][1]
        row = (
            ticket_id, property_id, number, rng.choice(SOURCES), category, severity, nature, status, unit_id,
            location, caller_name, caller_phone, caller_phone[-4:], description, answer, first_contact,
            department_id, assignee_id, received, reply_due, resolve_due, replied, resolved, fed_back, closed,
            None, visit_required and not answer, visited, 0, None, len(events), received, updated,
        )
        event_rows = []
        for kind, at, user_id, after, data in events:
            event_id += 1
            event_rows.append((event_id, property_id, ticket_id, kind, at, at, user_id, "", after, data))
        yield row, event_rows


def load_tickets(engine: sa.Engine, org: Organisation, total: int) -> None:
    numbers: dict[date, int] = {}
    rows = build_rows(org, total, numbers)
    if engine.dialect.name == "postgresql":
        _copy_postgresql(engine, rows)
    else:
        _insert_sqlite(engine, rows)
    with engine.begin() as connection:
        save_number_counters(connection, org.prop.id, "TK", numbers)
        reset_ids(connection, "tickets", "ticket_events")
    started = clock.monotonic()
    analyze(engine, "tickets", "ticket_events")
    print(f"analyzed in {clock.monotonic() - started:.0f} s")


def _copy_postgresql(engine: sa.Engine, rows) -> None:
    connection = engine.raw_connection()
    try:
        with connection.cursor() as cursor:
            events = []
            with cursor.copy(f"COPY tickets ({', '.join(TICKET_COLUMNS)}) FROM STDIN") as copy:
                for n, (row, event_rows) in enumerate(rows, start=1):
                    copy.write_row(row)
                    events.extend(event_rows)
                    if n % 200_000 == 0:
                        print(f"  {n:,} tickets")
            with cursor.copy(f"COPY ticket_events ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
                for row in events:
                    copy.write_row(row)
            print(f"  {len(events):,} events")
        connection.commit()
    finally:
        connection.close()


def _insert_sqlite(engine: sa.Engine, rows) -> None:
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("BEGIN")
        insert_ticket = (f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}) "
                         f"VALUES ({', '.join('?' * len(TICKET_COLUMNS))})")
        insert_event = (f"INSERT INTO ticket_events ({', '.join(EVENT_COLUMNS)}) "
                        f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})")
        tickets, events, done = [], [], 0
        for row, event_rows in rows:
            tickets.append(tuple(map(sqlite_value, row)))
            events.extend(tuple(map(sqlite_value, e)) for e in event_rows)
            if len(tickets) == 50_000:
                cursor.executemany(insert_ticket, tickets)
                cursor.executemany(insert_event, events)
                done += len(tickets)
                tickets, events = [], []
                if done % 200_000 == 0:
                    print(f"  {done:,} tickets")
        cursor.executemany(insert_ticket, tickets)
        cursor.executemany(insert_event, events)
        cursor.execute("COMMIT")
    finally:
        connection.close()


if __name__ == "__main__":
    main()
