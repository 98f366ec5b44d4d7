"""The bench property's parcels (a step of bench/generate.py): what the couriers leave at the lobby for its
200 households over three years, and who collected it when, under a signature; bulk-loaded past the ORM.

Every hand-out has its own signature attachment, as the desk stores one (blueprints/shared/signatures.py:
a PNG flattened on white), the parcels a household collects together under the same one. The files are
one small drawing, hard-linked under each attachment's key in the app's storage, so that every key is a
real file without tens of thousands of copies. The app keeps no retention rule for parcels.
"""
from __future__ import annotations

import hashlib
import io
import itertools
import math
import os
import random
from datetime import date, datetime, time, timedelta, timezone

import chinese_calendar
import sqlalchemy as sa
from PIL import Image, ImageDraw

from blueprints.shared.signatures import STORED_EDGE
from blueprints.shared.storage import LocalStorage

from .bulk import analyze, bulk_insert, first_free_id, reset_ids, save_number_counters
from .generate import GIVEN, PROPERTY_CODE, SEED, SURNAMES, YEARS, ZONE

PER_DAY = 52  # an ordinary weekday's parcels, letters and papers for 200 households, before the factors below
WEEKDAY, WEEKEND = 1.12, 0.72  # couriers deliver less at weekends
# After the shopping festivals (11.11, 618, 12.12): the days after the sale, as a multiple of an ordinary day.
FESTIVALS = {
    (11, 1): 1.3, (11, 2): 1.3, (11, 12): 2.0, (11, 13): 2.4, (11, 14): 2.3, (11, 15): 2.0, (11, 16): 1.8,
    (11, 17): 1.6, (11, 18): 1.4, (11, 19): 1.3, (11, 20): 1.2,
    (6, 1): 1.2, (6, 19): 1.8, (6, 20): 1.7, (6, 21): 1.5, (6, 22): 1.3, (6, 23): 1.2,
    (12, 13): 1.3, (12, 14): 1.3,
}
# Couriers go home for the Spring Festival; on other public holidays they deliver about half.
SPRING_FESTIVAL, HOLIDAY = 0.25, 0.6
# When couriers come (local hours), and when residents collect: at lunch and after work.
DELIVERY_HOURS = [0] * 8 + [3, 8, 12, 10, 6, 5, 9, 11, 10, 7, 5, 3, 1] + [0] * 3
PICK_UP_HOURS = [0] * 7 + [2, 4, 2, 2, 3, 6, 4, 2, 2, 3, 7, 12, 14, 11, 6, 2, 0]
# Parcels by carrier (of what the lobby takes in for a housing estate).
CARRIERS = {"zto": 20, "yto": 16, "yunda": 12, "jt": 11, "sto": 9, "sf": 13, "jd": 11, "ems": 3, "post": 3, "other": 2}
# Tracking numbers by carrier: a prefix, one of some characters, so many random digits.
TRACKING = {
    "sf": ("SF", "134", 12), "zto": ("7", "358", 12), "yto": ("YT", "789", 12), "yunda": ("", ["31", "43", "46"], 13),
    "sto": ("77", "0123456789", 12), "jt": ("JT", "35", 12), "jd": ("JDV", "ABCE", 11), "ems": ("1", "0123", 11),
    "post": ("98", "0123456789", 10), "other": ("DPK", "0123456789", 11),
}
# Days from arrival to pick-up: (share, first day, last day); the last are forgotten, on the shelf for weeks.
DELAYS = [(0.42, 0, 0), (0.33, 1, 1), (0.12, 2, 2), (0.07, 3, 3), (0.045, 4, 7), (0.015, 8, 40)]
# Sent back to the carrier: (share of all, reason, days after arrival: first, last).
RETURNS = [
    (0.005, "业主拒收", 0, 1),
    (0.004, "地址错误，查无此人，快递员取回", 1, 3),
    (0.004, "超期无人领取，联系不上业户，退回快递公司", 7, 14),
    (0.002, "业户申请退货，快递员上门取回", 0, 2),
]
COLLECTED_AFTER = timedelta(minutes=5)  # shelved minutes before a visit: the resident has not heard of it yet
SHELF_ROWS = "ABCD"  # a shelf per building, six levels each: 3号楼's parcels on C-1 … C-6
PROXIES = ["家政阿姨", "邻居", "亲戚", "同事"]  # who else collects a household's parcels (代领)
PARCEL_COLUMNS = [
    "id", "property_id", "number", "unit_id", "recipient_name", "carrier", "tracking_no", "kind", "count", "shelf",
    "received_at", "received_by_id", "status", "picked_up_at", "collector_name", "collector_id_hint",
    "signature_attachment_id", "returned_at", "return_reason", "handed_over_by_id", "created_at", "updated_at",
]
ATTACHMENT_COLUMNS = [
    "id", "property_id", "owner_table", "owner_id", "storage_key", "filename", "content_type", "size", "width",
    "height", "uploaded_by_id", "created_at",
]


def tracking_number(carrier: str, rng: random.Random) -> str:
    """A number as the carrier prints it (and the form keeps it: no blanks): SF1412345678901, 78…, JDVA…"""
    prefix, then, digits = TRACKING[carrier]
    return f"{prefix}{rng.choice(then)}{rng.randrange(10 ** digits):0{digits}d}"


def day_factor(day: date) -> float:
    factor = (WEEKDAY if day.weekday() < 5 else WEEKEND) * FESTIVALS.get((day.month, day.day), 1.0)
    try:
        is_holiday, holiday = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # a year the package has no official data for yet
        return factor
    if is_holiday and holiday:
        factor *= SPRING_FESTIVAL if holiday == chinese_calendar.Holiday.spring_festival.value else HOLIDAY
    return factor


def moment(day: date, hours: list[int], rng: random.Random, after: datetime | None = None) -> datetime | None:
    """A time on `day` (local) at one of `hours` by weight, later than `after`; None when no hour is left."""
    midnight = datetime.combine(day, time(), ZONE)
    first = 0 if after is None else math.ceil(max(0.0, (after - midnight).total_seconds()) / 3600)
    weights = hours[first:]
    if not any(weights):
        return None
    hour = first + rng.choices(range(len(weights)), weights)[0]
    return (midnight + timedelta(seconds=hour * 3600 + rng.randrange(3600))).astimezone(timezone.utc)


def arrivals(rng: random.Random, now: datetime) -> list[tuple[date, datetime]]:
    """(local day, arrival time) of each parcel over the last YEARS years, in order."""
    today = now.astimezone(ZONE).date()
    first_day = today - timedelta(days=365 * YEARS)
    times = []
    for day in (first_day + timedelta(days=n) for n in range((today - first_day).days + 1)):
        mean = PER_DAY * day_factor(day)
        count = max(0, round(rng.gauss(mean, math.sqrt(mean))))
        found = sorted(moment(day, DELIVERY_HOURS, rng) for _ in range(count))
        times.extend((day, at) for at in found if at < now)  # today is not over yet
    return times


def signature_png() -> tuple[bytes, int, int]:
    """One drawn signature, stored as the desk stores one: flattened on white, greys, at most STORED_EDGE."""
    rng = random.Random(SEED + 30)
    image = Image.new("L", (900, 300), 255)
    draw = ImageDraw.Draw(image)
    for left in (80, 330, 580):  # three characters written fast, a few strokes each, each stroke a smooth curve
        for _stroke in range(3):
            corners = [(left + rng.randint(0, 190), rng.randint(60, 240)) for _ in range(4)]
            draw.line(smooth(corners), fill=0, width=6, joint="curve")
    image.thumbnail((STORED_EDGE, STORED_EDGE))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue(), image.width, image.height


def smooth(corners: list[tuple[int, int]], steps: int = 12) -> list[tuple[float, float]]:
    """A curve through the middles of `corners`' edges, bent towards the corners (quadratic Béziers)."""
    middles = [((x0 + x1) / 2, (y0 + y1) / 2) for (x0, y0), (x1, y1) in zip(corners, corners[1:])]
    points = [corners[0]]
    for start, corner, end in zip([corners[0], *middles], corners[1:], [*middles[1:], corners[-1]]):
        for t in (n / steps for n in range(1, steps + 1)):
            points.append(tuple((1 - t) ** 2 * a + 2 * (1 - t) * t * b + t * t * c for a, b, c in zip(start, corner, end)))
    return points


def build_parcels(connection: sa.Connection, now: datetime):
    """(parcel rows, attachment rows, {day: last BG number}); ids from the tables' next free ones."""
    rng = random.Random(SEED + 3)
    property_id = connection.scalar(sa.text("SELECT id FROM properties WHERE code = :code"), {"code": PROPERTY_CODE})
    units = connection.execute(sa.text(
        "SELECT units.id, buildings.code FROM units JOIN buildings ON buildings.id = units.building_id "
        "WHERE units.property_id = :p ORDER BY units.id"), {"p": property_id}).all()
    residents: dict[int, list[str]] = {}
    for unit_id, name in connection.execute(sa.text(
            "SELECT unit_id, name FROM residents WHERE property_id = :p ORDER BY relation <> 'owner', id"),
            {"p": property_id}):
        residents.setdefault(unit_id, []).append(name)  # the owner first: the household's contact
    staff = dict(connection.execute(sa.text("SELECT username, id FROM users")).all())
    desk = [staff["lobby"]] * 5 + [staff["lobby2"]] * 4 + [staff["concierge"]]
    # Some households order far more than others; a few units stand empty most of the time.
    shopping = list(itertools.accumulate(
        rng.lognormvariate(0, 0.8) * (0.05 if rng.random() < 0.05 else 1) for _ in units))
    carriers, carrier_weights = list(CARRIERS), list(CARRIERS.values())
    taken: set[tuple[str, str]] = set()
    first_parcel = first_free_id(connection, "parcels")
    parcels, numbers = [], {}
    for parcel_id, (day, received) in enumerate(arrivals(rng, now), start=first_parcel):
        numbers[day] = numbers.get(day, 0) + 1
        (unit_id, building), = rng.choices(units, cum_weights=shopping)
        kind = rng.choices(["parcel", "letter", "newspaper"], [90, 6, 4])[0]
        if kind == "parcel":
            carrier = rng.choices(carriers, carrier_weights)[0]
        else:
            carrier = "post" if kind == "newspaper" else rng.choices(["post", "ems", "sf"], [6, 2, 2])[0]
        tracking = ""
        if carrier != "post" or kind == "parcel":
            while (carrier, tracking := tracking_number(carrier, rng)) in taken:
                pass
            taken.add((carrier, tracking))
        shelf = f"{SHELF_ROWS[int(building) - 1]}-{rng.randint(1, 6)}"
        household = residents.get(unit_id, [])
        # Named on the label: a resident, or someone the archive does not know (a tenant, 王女士); else
        # `receive` writes in the household's contact.
        label = rng.random()
        if label < 0.55 and household:
            recipient = rng.choice(household)
        elif label < 0.65:
            recipient = rng.choice(SURNAMES) + rng.choice(["先生", "女士", rng.choice(GIVEN), rng.choice(GIVEN) * 2])
        else:
            recipient = household[0] if household else ""
        parcels.append({
            "id": parcel_id, "number": f"{PROPERTY_CODE}-BG-{day:%Y%m%d}-{numbers[day]:04d}", "unit_id": unit_id,
            "recipient": recipient, "carrier": carrier, "tracking": tracking, "kind": kind,
            "count": 1 if kind == "newspaper" else rng.choices([1, 2, 3], [94, 5, 1])[0],
            "shelf": "地面" if kind == "parcel" and rng.random() < 0.03 else shelf,  # too big for the shelves
            "received": received, "received_by": rng.choice(desk), "day": day,
        })
    attachments = hand_out(parcels, property_id, residents, desk, rng, now, first_free_id(connection, "attachments"))
    rows = [(
        p["id"], property_id, p["number"], p["unit_id"], p["recipient"], p["carrier"], p["tracking"], p["kind"],
        p["count"], p["shelf"], p["received"], p["received_by"], p["status"], p.get("picked_up"),
        p.get("collector", ""), p.get("hint", ""), p.get("signature"), p.get("returned"), p.get("reason", ""),
        p.get("handed_over_by"), p["received"], p.get("picked_up") or p.get("returned") or p["received"],
    ) for p in parcels]
    return property_id, rows, attachments, numbers


def hand_out(parcels: list[dict], property_id: int, residents: dict[int, list[str]], desk: list[int],
             rng: random.Random, now: datetime, first_attachment: int) -> list[tuple]:
    """Decide each parcel's fate (picked up, returned, still waiting) in place; return the hand-outs'
    signature attachment rows. A household collects the parcels it has waiting together under one
    signature (the desk's pick-up ticks them all), but for the odd one its residents do not know of (the
    forgotten ones, and one in ten that a resident collects alone)."""
    for p in parcels:
        p["status"] = "waiting"
        draw = rng.random()
        for share, reason, first, last in RETURNS:
            if draw < share:
                at = moment(p["day"] + timedelta(days=rng.randint(first, last)), DELIVERY_HOURS, rng,
                            p["received"] + timedelta(hours=1))
                p["return"] = (at or p["received"] + timedelta(hours=20), reason)
                break
            draw -= share
        else:
            share_draw, delay = rng.random(), None
            for share, first, last in DELAYS:
                if share_draw < share:
                    delay = rng.randint(first, last)
                    break
                share_draw -= share
            delay = DELAYS[-1][1] if delay is None else delay
            p["alone"] = delay >= DELAYS[-1][1] or rng.random() < 0.1
            wanted = None
            while wanted is None:  # collected that day, or the next when the day's hours are over
                wanted = moment(p["day"] + timedelta(days=delay), PICK_UP_HOURS, rng,
                                p["received"] + timedelta(minutes=10))
                delay += 1
            p["wanted"] = wanted
    for p in parcels:
        if "return" in p and p["return"][0] <= now:
            p["status"], p["returned"], p["reason"] = "returned", *p["return"]
            p["handed_over_by"] = rng.choice(desk)
    by_unit: dict[int, list[dict]] = {}
    for p in parcels:
        if "wanted" in p:
            by_unit.setdefault(p["unit_id"], []).append(p)
    collections = []
    for unit_parcels in by_unit.values():  # each in order of arrival
        # A visit to the desk takes what the household has on the shelf by then (`shelf`: arrived, waiting).
        shelf, arrived = [], 0
        for p in sorted(unit_parcels, key=lambda p: p["wanted"]):
            if p["wanted"] > now:
                break
            if p["status"] != "waiting":
                continue
            while arrived < len(unit_parcels) and unit_parcels[arrived]["received"] < p["wanted"] - COLLECTED_AFTER:
                shelf += [] if unit_parcels[arrived]["alone"] else [unit_parcels[arrived]]
                arrived += 1
            together = [p] + ([] if p["alone"] else [o for o in shelf if o is not p and o["status"] == "waiting"])
            for o in together:
                o["status"] = "picked_up"
            shelf = [o for o in shelf if o["status"] == "waiting"]
            collections.append((p["wanted"], together))
    collections.sort(key=lambda c: c[0])
    png, width, height = signature_png()
    hints: dict[str, str] = {}
    attachments = []
    for attachment_id, (at, together) in enumerate(collections, start=first_attachment):
        household, recipient = residents.get(together[0]["unit_id"], []), together[0]["recipient"]
        if household and rng.random() < 0.88:  # a resident, known at the desk: the ID tail only now and then
            name = recipient if recipient in household and rng.random() < 0.7 else rng.choice(household)
            hint = hints.setdefault(name, id_tail(rng)) if rng.random() < 0.4 else ""
        else:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
            if rng.random() < 0.3:
                name = f"{name}（{rng.choice(PROXIES)}代领）"
            hint = id_tail(rng) if rng.random() < 0.95 else ""
        clerk = rng.choice(desk)
        for p in together:
            p.update(picked_up=at, collector=name, hint=hint, signature=attachment_id, handed_over_by=clerk)
        attachments.append((attachment_id, property_id, "parcels", min(p["id"] for p in together),
                            signature_key(property_id, attachment_id), "signature.png", "image/png", len(png), width,
                            height, clerk, at))
    return attachments


def signature_key(property_id: int, attachment_id: int) -> str:
    """A key as `LocalStorage.put` makes them (signatures/1/<32 hex>.png), the same for the same attachment id
    in every run and every bench database: a run made again links the files already there."""
    token = hashlib.sha256(f"bench-{SEED}-{attachment_id}".encode()).hexdigest()[:32]
    return f"signatures/{property_id}/{token}.png"


def id_tail(rng: random.Random) -> str:
    """The last four characters of a resident ID number, as the clerk copies them: 0317, 402X."""
    return f"{rng.randrange(1000):03d}{rng.choice('0123456789' * 3 + 'X')}"


def store_signatures(store, keys: list[str]) -> None:
    """Make each key a real file of the storage: one PNG written, hard-linked under the others (a
    storage other than a local folder gets a copy under each)."""
    png = signature_png()[0]
    if not isinstance(store, LocalStorage):
        for key in keys:
            store.put_at(key, png)
        return
    first = store.root / keys[0]
    if not first.is_file() or first.read_bytes() != png:
        store.put_at(keys[0], png)
    for key in keys[1:]:
        path = store.root / key
        if path.exists() and os.path.samefile(path, first):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        os.link(first, path)


def load_parcels(engine: sa.Engine, store) -> int:
    """The bench property's parcels and their signatures, in one transaction, then analyzed."""
    now = datetime.now(timezone.utc)
    with engine.begin() as connection:
        property_id, parcels, attachments, numbers = build_parcels(connection, now)
        if attachments:
            store_signatures(store, [a[4] for a in attachments])
        bulk_insert(connection, "attachments", ATTACHMENT_COLUMNS, attachments)
        bulk_insert(connection, "parcels", PARCEL_COLUMNS, parcels)
        reset_ids(connection, "attachments", "parcels")
        save_number_counters(connection, property_id, "BG", numbers)
    waiting = sum(p[12] == "waiting" for p in parcels)
    returned = sum(p[12] == "returned" for p in parcels)
    print(f"  {len(attachments):,} hand-outs signed for, {returned:,} parcels returned, {waiting:,} waiting")
    analyze(engine, "parcels", "attachments")
    return len(parcels)
