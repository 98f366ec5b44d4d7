"""Demo lost property: a phone in the safe, a bag on the shelf, a scarf past its retention; a held item."""
from decimal import Decimal

from models.lostfound import Category, FinderKind, LeftBy, Storage

from ..shared.demo import Demo
from .services import hold, register


def demo(d: Demo) -> None:
    lobby, supervisor = d.users["lobby"], d.users["supervisor"]
    common = dict(finder_phone="", by=lobby, cash={}, cash_total=Decimal("0"))
    register(d.garden, category=Category.PHONE, description="黑色手机，蓝色手机壳", colour="黑色", brand="华为",
             found_place="3 栋大堂沙发", found_at=d.hours_ago(5), finder_kind=FinderKind.STAFF, finder_name="",
             storage=Storage.SAFE, storage_place="保险柜1层", valuable=True, witness=supervisor, at=d.hours_ago(5),
             **common)
    register(d.garden, category=Category.WALLET, description="灰色双肩包，内有书本", colour="灰色", brand="",
             found_place="儿童游乐区",
             found_at=d.hours_ago(30), finder_kind=FinderKind.PERSON, finder_name="刘阿姨", storage=Storage.SHELF,
             storage_place="A-2", valuable=False, witness=None, at=d.hours_ago(30), **common)
    register(d.garden, category=Category.CLOTHING, description="红色围巾", colour="红色", brand="", found_place="1 栋电梯厅",
             found_at=d.hours_ago(24 * 100), finder_kind=FinderKind.STAFF, finder_name="", storage=Storage.SHELF,
             storage_place="A-1", valuable=False, witness=None, at=d.hours_ago(24 * 100), **common)
    hold(d.garden, by=lobby, at=d.hours_ago(3), description="钥匙一串（3 把）", for_name="周建国", for_phone="",
         unit=d.unit("HY-3-1502"), left_by_kind=LeftBy.OWNER, left_by_name="周太太", storage_place="前台抽屉1")
