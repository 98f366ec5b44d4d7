"""Demo parcels: three on the shelves, one waiting longer than a day."""
from models.parcels import Carrier, ParcelKind

from ..shared.demo import Demo
from .services import receive


def demo(d: Demo) -> None:
    for n, (unit, carrier, shelf, hours) in enumerate(
        [("HY-3-1502", Carrier.SF, "A-1", 30), ("HY-1-302", Carrier.ZTO, "A-2", 6), ("HY-4-801", Carrier.JT, "B-1", 2)]
    ):
        receive(d.garden, unit=d.unit(unit), carrier=carrier, tracking_no=f"DEMO2026{n:06d}", kind=ParcelKind.PARCEL,
                count=1, shelf=shelf, recipient_name="", by=d.users["lobby"], at=d.hours_ago(hours))
