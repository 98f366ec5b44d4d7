"""Demo keys: a cabinet of about thirty in every class, a plant-room key waiting for approval, an
entrusted unit key with its owner's authorisation, and a key out past its time."""
from datetime import timedelta

from models import IdType, db
from models.keys import BorrowerKind, Key, KeyAuthorisation, KeyClass, KeyLoan
from models.numbering import next_number

from ..shared.demo import Demo
from .services import LoanDetails, ask

CABINET = [
    (KeyClass.PUBLIC, [("G-01", "1 号楼天台门"), ("G-02", "2 号楼天台门"), ("G-03", "3 号楼天台门"), ("G-04", "会所大门"),
                       ("G-05", "儿童游乐区储物间"), ("G-06", "垃圾房"), ("G-07", "地下车库东侧通道门"), ("G-08", "物业仓库")]),
    (KeyClass.PLANT, [("P-01", "B2 水泵房"), ("P-02", "高压配电房"), ("P-03", "低压配电房"), ("P-04", "电梯机房 1 号楼"),
                      ("P-05", "电梯机房 3 号楼"), ("P-06", "中央空调机房"), ("P-07", "弱电间"), ("P-08", "发电机房")]),
    (KeyClass.FIRE, [("F-01", "消防控制室备用"), ("F-02", "消防水泵房"), ("F-03", "消防栓箱总钥匙"), ("F-04", "应急物资柜"),
                     ("F-05", "防排烟机房")]),
    (KeyClass.VEHICLE, [("V-01", "巡逻电瓶车 1 号"), ("V-02", "巡逻电瓶车 2 号"), ("V-03", "道闸控制箱")]),
    (KeyClass.OTHER, [("Q-01", "会议室储物柜"), ("Q-02", "宣传栏"), ("Q-03", "信报箱总钥匙")]),
]
ENTRUSTED = [("Y-01", "HY-3-1502"), ("Y-02", "HY-1-302"), ("Y-03", "HY-4-801")]


def _add(d: Demo, tag: str, key_class: KeyClass, opens: str, hook: int, unit=None) -> Key:
    key = Key(property_id=d.garden.id, tag=tag, key_class=key_class, opens=opens, unit=unit,
              cabinet="A" if key_class is not KeyClass.ENTRUSTED else "B", hook=f"{hook:02d}")
    db.session.add(key)
    return key


def demo(d: Demo) -> None:
    keys = {}
    hook = 0
    for key_class, items in CABINET:
        for tag, opens in items:
            hook += 1
            keys[tag] = _add(d, tag, key_class, opens, hook)
    for n, (tag, archive_no) in enumerate(ENTRUSTED, 1):
        unit = d.unit(archive_no)
        keys[tag] = _add(d, tag, KeyClass.ENTRUSTED, f"{archive_no} 入户门", n, unit=unit)
    db.session.flush()
    garden = d.garden
    db.session.add(KeyAuthorisation(
        property_id=garden.id, key=keys["Y-01"], owner_name="周建国", persons="李阿姨、张小明", purpose="保洁入户打扫",
        valid_until=garden.local_day(d.now) + timedelta(days=60), recorded_by=d.users["lobby"],
        recorded_at=d.hours_ago(48)))
    engineer = d.users["engineer"]
    ask(keys["P-01"], LoanDetails(BorrowerKind.STAFF, engineer.display_name, "工程部", IdType.RESIDENT_ID, "", "",
                                  "水泵例行保养", d.now + timedelta(hours=2)), by=d.users["lobby"], at=d.hours_ago(0.2))
    # Out for three hours, due back an hour ago, signed for with a stroke drawn here.
    late = KeyLoan(property_id=garden.id, number=next_number(garden, "YJ", d.hours_ago(3)), key=keys["G-07"],
                   issued_at=d.hours_ago(3), issued_by=d.users["lobby"])
    LoanDetails(BorrowerKind.CONTRACTOR, "周师傅", "安达消防维保公司", IdType.RESIDENT_ID, "", "13955550123",
                "通道门闭门器维修", d.hours_ago(1)).apply(late)
    db.session.add(late)
    db.session.flush()
    late.signature = _drawn_signature(late)
    db.session.flush()


def _drawn_signature(owner):
    from PIL import Image, ImageDraw

    from ..shared.photos import store_image
    image = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(image).line([(40, 150), (200, 60), (360, 140), (560, 50)], fill=0, width=5)
    return store_image(owner, image, folder="signatures", filename="signature.png", fmt="PNG")
