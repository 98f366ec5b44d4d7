"""Demo parcels: some on the shelves (one waiting four days, so its resident is reminded), two handed out
to a neighbour under one signature; their residents' notices on the desk's 待通知 list, some told already."""
from PIL import Image, ImageDraw

from models import db
from models.parcels import Carrier, ParcelKind
from models.resident_messages import NotifiedVia

from ..shared import messaging
from ..shared.demo import Demo
from ..shared.photos import store_image
from .services import receive, remind_unclaimed

SHELVES = [
    # unit, carrier, shelf, hours ago, kind
    ("HY-3-1502", Carrier.SF, "A-1", 30, ParcelKind.PARCEL),
    ("HY-1-302", Carrier.ZTO, "A-2", 6, ParcelKind.PARCEL),
    ("HY-4-801", Carrier.JT, "B-1", 2, ParcelKind.PARCEL),
    ("HY-2-602", Carrier.YUNDA, "B-2", 98, ParcelKind.PARCEL),
    ("HY-1-302", Carrier.POST, "C-1", 5, ParcelKind.LETTER),
    ("HY-4-1102", Carrier.JD, "A-3", 20, ParcelKind.PARCEL),
    ("HY-3-1201", Carrier.SF, "A-4", 1, ParcelKind.PARCEL),
]
COLLECTED = [("HY-2-1002", Carrier.YTO, "B-3", 16), ("HY-2-1002", Carrier.STO, "B-3", 15)]


def demo(d: Demo) -> None:
    lobby, parcels = d.users["lobby"], {}
    for n, (unit, carrier, shelf, hours, kind) in enumerate(SHELVES + [(*c, ParcelKind.PARCEL) for c in COLLECTED]):
        parcels[n] = receive(d.garden, unit=d.unit(unit), carrier=carrier,
                             tracking_no=f"DEMO2026{n:06d}" if kind is ParcelKind.PARCEL else "", kind=kind, count=1,
                             shelf=shelf, recipient_name="", by=lobby, at=d.hours_ago(hours))
    # Told already: HY-3-1502 by phone yesterday, HY-4-1102 on WeChat just now.
    for n, via, hours in [(0, NotifiedVia.PHONE, 29.5), (5, NotifiedVia.WECHAT, 0.5)]:
        for message in messaging.open_messages_of(parcels[n]):
            messaging.mark_notified(message, via=via, by=lobby, at=d.hours_ago(hours))
    # Collected by a neighbour, who showed ID, both under one signature: their notices are cancelled.
    first, second = parcels[len(SHELVES)], parcels[len(SHELVES) + 1]
    signature = _drawn_signature(first)
    for parcel in (first, second):
        parcel.hand_out("张敏", "402X", signature, lobby, d.hours_ago(1.5))
        messaging.cancel_open(parcel, d.hours_ago(1.5))
    remind_unclaimed(d.garden, d.now)  # HY-2-602's parcel, four days on the shelf
    db.session.flush()


def _drawn_signature(owner):
    image = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(image).line([(40, 150), (200, 60), (360, 140), (560, 50)], fill=0, width=5)
    return store_image(owner, image, folder="signatures", filename="signature.png", fmt="PNG")
