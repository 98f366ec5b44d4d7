"""Demo lending: umbrellas (counted) and two numbered ladders; one umbrella overdue since last night."""
from datetime import timedelta
from decimal import Decimal

from PIL import Image, ImageDraw

from models import db
from models.lending import LendableItem, LendableKind, LendablePiece, Loan, Tracking
from models.numbering import next_number

from ..shared.demo import Demo
from ..shared.photos import store_image


def demo(d: Demo) -> None:
    prop, lobby = d.garden, d.users["lobby"]
    umbrella = LendableItem(property_id=prop.id, name="雨伞", kind=LendableKind.UMBRELLA, tracking=Tracking.COUNTED,
                            stock=10, out_count=1, deposit=Decimal("0"))
    ladder = LendableItem(property_id=prop.id, name="人字梯", kind=LendableKind.LADDER, tracking=Tracking.SERIAL,
                          deposit=Decimal("100"))
    db.session.add_all([umbrella, ladder])
    db.session.flush()
    db.session.add_all([LendablePiece(property_id=prop.id, item_id=ladder.id, code=c) for c in ("T-01", "T-02")])
    lent_at = d.hours_ago(20)
    loan = Loan(property_id=prop.id, number=next_number(prop, "JY", lent_at), item=umbrella, unit=d.unit("HY-1-302"),
                lent_at=lent_at, due_at=lent_at + timedelta(hours=8), lent_by=lobby)
    db.session.add(loan)
    db.session.flush()
    image = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(image).line([(40, 150), (200, 60), (360, 140), (560, 50)], fill=0, width=5)
    loan.signature = store_image(loan, image, folder="signatures", filename="signature.png", fmt="PNG")
    db.session.flush()
