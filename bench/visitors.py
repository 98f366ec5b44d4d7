"""The bench property's visitors (bench/generate.py's last step): who comes to the lobby, when, for whom,
how long they stay, and what the nightly purge has left of the old visits; bulk-loaded past the ORM."""
from __future__ import annotations

import functools
import random
import time as clock
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from stdnum.cn import ric

from models.org import name_initials

from .bulk import analyze, bulk_insert, reset_ids
from .generate import (
    GIVEN, PROPERTY_CODE, PURGE_HOUR, RETENTION_DAYS, SEED, STAFF, SURNAMES, ZONE, ticket_times,
)

# Visitors: who comes to the lobby, by purpose: (share, share with a pass card, minutes they stay: low,
# high, most often). Couriers and workers are often written down as 王师傅.
PURPOSES = {
    "visit": (0.50, 0.7, (15, 180, 60)),
    "delivery": (0.20, 0.1, (10, 30, 12)),
    "repair": (0.10, 0.6, (20, 180, 60)),
    "decoration": (0.08, 0.8, (30, 180, 150)),
    "agent": (0.05, 0.5, (15, 90, 30)),
    "business": (0.03, 0.7, (20, 150, 60)),
    "other": (0.04, 0.5, (10, 120, 30)),
}
# The places a visitor may call on other than a unit (the form asks for a unit or a company).
COMPANIES = ["恒宇物业服务中心", "恒宇会所", "社区居委会", "小区幼儿园", "底商·惠民便利店", "底商·社区诊所",
             "中国电信营业厅", "供电所抄表组"]
# Regions of the ID numbers: mostly Hefei and Anhui, some from elsewhere.
ID_REGIONS = ["340104"] * 4 + ["340103", "340102", "340111", "340121", "341502", "342401", "340823", "320102",
                               "110105", "310115", "420106"]
PLATE_AREAS = ["皖A"] * 12 + ["皖B", "皖N", "皖P", "苏A", "沪A", "浙A"]
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I and O on plates
VISITOR_HOURS = [0, 0, 0, 0, 0, 0, 1, 3, 6, 10, 12, 10, 7, 8, 11, 12, 11, 10, 9, 9, 7, 4, 2, 1]
VISITOR_COLUMNS = [
    "id", "property_id", "name", "name_initials", "id_type", "id_number", "phone", "unit_id", "company",
    "host_name", "purpose", "party_size", "plate", "pass_no", "note", "signed_in_at", "signed_in_by_id",
    "signed_out_at", "signed_out_by_id", "expected_guest_id", "alert", "anonymised_at", "created_at", "updated_at",
]


def resident_id(rng: random.Random) -> str:
    """A mainland resident ID number with a valid birth date and check digit, as the form stores it."""
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
    body = f"{rng.choice(ID_REGIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")  # it reads the first 17 of 18 characters


def plate(rng: random.Random) -> str:
    """A plate as the form stores it (no blanks, upper case): 皖A12345, 皖AD12345 (new energy), 皖A3K75M."""
    area = rng.choice(PLATE_AREAS)
    if rng.random() < 0.2:
        return f"{area}{rng.choice('DF')}{rng.randrange(10**5):05d}"
    chars = [str(rng.randrange(10)) for _ in range(5)]
    for i in rng.sample(range(5), rng.choice([0, 0, 0, 1, 1, 2])):
        chars[i] = rng.choice(PLATE_LETTERS)
    return area + "".join(chars)


def purge_time(signed_in: datetime) -> datetime:
    """When the nightly purge (`flask visitors-purge`, at PURGE_HOUR local time) first finds a visit older
    than the retention: the first run after it turned RETENTION_DAYS old."""
    due = (signed_in + timedelta(days=RETENTION_DAYS)).astimezone(ZONE)
    run = datetime.combine(due.date(), time(PURGE_HOUR), ZONE)
    return (run if run > due else run + timedelta(days=1)).astimezone(timezone.utc)


def build_visitors(property_id: int, units: list[int], residents: dict[int, list[str]], desk: list[int],
                   total: int):
    """Yield visitor rows in id order (ids from 1), over the last YEARS years. Visits older than the
    retention are as `anonymise_before` (blueprints/visitors/services.py) leaves them: name cut to its
    first character and ** (its initials worked out again, as the model's update hook does), ID number,
    phone, plate and note wiped, anonymised_at the night of the purge that found them."""
    rng = random.Random(SEED + 2)
    now = datetime.now(timezone.utc)
    purposes = list(PURPOSES)
    purpose_weights = [PURPOSES[p][0] for p in purposes]
    initials = functools.lru_cache(maxsize=None)(name_initials)
    for visitor_id, (_, signed_in) in enumerate(ticket_times(total, rng, now, hour_weights=VISITOR_HOURS,
                                                             weekday=0.9, weekend=1.25), start=1):
        signed_in = min(signed_in, now - timedelta(minutes=1))  # today's last hour may lie ahead
        purpose = rng.choices(purposes, purpose_weights)[0]
        _, pass_share, (low, high, mode) = PURPOSES[purpose]
        surname = rng.choice(SURNAMES)
        if purpose in ("delivery", "repair", "decoration") and rng.random() < 0.4:
            name = surname + "师傅"
        else:
            name = surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))
        kind = rng.choices(["resident_id", "none", "passport", "other"], [85, 10, 2, 3])[0]
        id_number = {"resident_id": resident_id, "none": lambda r: "",
                     "passport": lambda r: f"E{r.randrange(10**8):08d}",
                     "other": lambda r: f"{r.randrange(10**9):09d}"}[kind](rng)
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" if rng.random() < 0.8 else ""
        if rng.random() < 0.85:
            unit_id, company = rng.choice(units), ""
            host = rng.choice(residents.get(unit_id, [""])) if rng.random() < 0.7 else ""
        else:
            unit_id, company = None, rng.choice(COMPANIES)
            host = rng.choice(SURNAMES) + rng.choice(["经理", "老师", "医生", "主任", "女士", "先生"]) if rng.random() < 0.6 else ""
        party = rng.choices([1, 2, 3, 4, 5], [75, 17, 5, 2, 1])[0]
        car = plate(rng) if rng.random() < 0.3 else ""
        pass_no = f"{rng.randint(1, 150):03d}" if rng.random() < pass_share else ""
        signed_in_by = rng.choice(desk)
        left = signed_in + timedelta(minutes=rng.triangular(low, high, mode))
        # Still inside: those whose visit is not over yet, and ~3 % of the last 12 hours' visitors who left
        # without anyone signing them out (the next handover lists them). Older visits were all closed.
        forgot = now - signed_in < timedelta(hours=12) and rng.random() < 0.03
        signed_out, signed_out_by = (None, None) if left > now or forgot else (left, rng.choice(desk))
        note, anonymised = "", None
        purged = purge_time(signed_in)
        if purged <= now:
            name = name[:1] + "**"
            id_number = phone = car = note = ""
            anonymised = purged
        yield (
            visitor_id, property_id, name, initials(name), kind, id_number, phone, unit_id, company, host, purpose,
            party, car, pass_no, note, signed_in, signed_in_by, signed_out, signed_out_by, None, "", anonymised,
            signed_in, anonymised or signed_out or signed_in,
        )


def load_visitors(engine: sa.Engine, total: int) -> int:
    """The bench property's visitors, bulk-loaded past the ORM (COPY / executemany), then analyzed."""
    with engine.connect() as connection:
        property_id = connection.scalar(sa.text("SELECT id FROM properties WHERE code = :code"), {"code": PROPERTY_CODE})
        units = list(connection.scalars(sa.text("SELECT id FROM units WHERE property_id = :p ORDER BY id"), {"p": property_id}))
        residents: dict[int, list[str]] = {}
        for unit_id, name in connection.execute(
            sa.text("SELECT unit_id, name FROM residents WHERE property_id = :p ORDER BY id"), {"p": property_id}
        ):
            residents.setdefault(unit_id, []).append(name)
        lobby = [username for username, _, role, _ in STAFF if role == "lobby"]
        desk = list(connection.scalars(
            sa.text("SELECT id FROM users WHERE username IN :names ORDER BY id")
            .bindparams(sa.bindparam("names", expanding=True)), {"names": lobby}
        ))
    rows = build_visitors(property_id, units, residents, desk, total)
    with engine.begin() as connection:
        bulk_insert(connection, "visitors", VISITOR_COLUMNS, rows)
        reset_ids(connection, "visitors")
    started = clock.monotonic()
    analyze(engine, "visitors")
    print(f"visitors analyzed in {clock.monotonic() - started:.0f} s")
    return total
