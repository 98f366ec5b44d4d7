"""Demo duty journal: the lobby's shift under way with its checks done and a few events, a pass used at
the gate yesterday, and one for a unit in arrears waiting for the supervisor's approval."""
import sqlalchemy as sa

from models import Unit, db
from models.journal import Authorisation, CheckResult, EventKind, JournalEvent, PassStatus, Post

from ..shared.demo import Demo
from .services import issue_pass, open_shift, record_check


def demo(d: Demo) -> None:
    prop, lobby = d.garden, d.users["lobby"]
    shift = open_shift(prop, Post.LOBBY, lobby, d.hours_ago(3))
    for check in shift.checks:
        record_check(check, CheckResult.OK, "", d.hours_ago(2.9))
    for hours, kind, text, unit in [
        (2.5, EventKind.CALL, "业主来电：明天上午有家具送货，请放行", "HY-3-1502"),
        (1.2, EventKind.FACILITY, "2 号楼大堂感应门反应慢，已报工程部", None),
    ]:
        db.session.add(JournalEvent(property_id=prop.id, shift=shift, kind=kind, text=text, at=d.hours_ago(hours),
                                    unit=d.unit(unit) if unit else None, author=lobby))
    paid_up, in_arrears = (
        db.session.scalars(sa.select(Unit).where(Unit.property_id == prop.id, Unit.in_arrears.is_(owing))
                           .order_by(Unit.id)).first()
        for owing in (False, True)
    )
    used = issue_pass(prop, paid_up, by=lobby, at=d.hours_ago(26), override_reason="", items="旧沙发 1 张",
                      carrier_name="刘师傅", carrier_phone="13900001111", plate="皖A12345",
                      authorisation=Authorisation.OWNER_PRESENT, authorised_by="业主本人", authorisation_note="")
    used.status, used.used_at, used.used_by = PassStatus.USED, d.hours_ago(25.5), lobby
    issue_pass(prop, in_arrears, by=lobby, at=d.hours_ago(0.4), override_reason="业主已承诺本周内缴清物业费",
               items="纸箱 6 个、电脑 1 台", carrier_name="搬家公司 周师傅", carrier_phone="13855556666", plate="",
               authorisation=Authorisation.PHONE, authorised_by="业主", authorisation_note="电话确认")
