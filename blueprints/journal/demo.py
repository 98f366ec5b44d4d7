"""Demo duty journal: a week of twelve-hour shifts at the lobby and on the floors, each opened with its
checklist, kept with a few events and handed over to the next staff member, up to the shifts under way
now (the lobby's with its checks done and a few events); a pass used at the gate yesterday, and one
for a unit in arrears waiting for the supervisor's approval."""
from datetime import timedelta

import sqlalchemy as sa

from models import Unit, User, db
from models.journal import Authorisation, CheckResult, EventKind, JournalEvent, PassStatus, Post, Shift

from ..shared.demo import Demo
from .services import confirm_handover, hand_over, issue_pass, open_shift, record_check

SHIFT_HOURS = 12
PAST_SHIFTS = 14  # a week of them before the shifts under way
# What the past shifts wrote down, drawn in turn (kind, text, unit or None).
PAST_EVENTS = {
    Post.LOBBY: [
        (EventKind.CALL, "业主来电：家里老人独自在家，请留意是否外出", "HY-1-302"),
        (EventKind.GENERAL, "快递员集中送件，已登记包裹 12 件", None),
        (EventKind.FACILITY, "大堂自动门感应偏慢，已报工程部", None),
        (EventKind.SAFETY, "夜间巡视大堂及地库入口，无异常", None),
        (EventKind.CALL, "业主来电询问停车月卡续费，已告知办理时间", "HY-2-1201"),
        (EventKind.GENERAL, "访客 3 人来访，均已登记离开", None),
        (EventKind.FACILITY, "1 号楼客梯按钮面板松动，已通知电梯维保", None),
        (EventKind.OTHER, "业主借用雨伞 2 把，已登记", "HY-4-801"),
    ],
    Post.FLOOR: [
        (EventKind.FACILITY, "3 号楼 15 层走廊灯一盏不亮，已报修", None),
        (EventKind.GENERAL, "楼层巡视：消防通道畅通，无杂物", None),
        (EventKind.SAFETY, "2 号楼 8 层消防栓箱门未关，已关闭", None),
        (EventKind.CALL, "业主反映楼上装修噪音，已提醒施工方按时段作业", "HY-3-1402"),
        (EventKind.GENERAL, "协助保洁检查 1–5 层公共区域卫生", None),
    ],
}
# Now and then the opening check finds something (shift number → line key and what was found).
PAST_FINDINGS = {3: ("climate", "大堂空调出风口滴水，已报工程部"), 9: ("lifts_gates", "东侧道闸抬杆迟缓，已报修")}


def demo(d: Demo) -> None:
    prop, lobby = d.garden, d.users["lobby"]
    shift = _past_week(d, Post.LOBBY, [d.users["lobby2"], lobby])
    for check in shift.checks:
        record_check(check, CheckResult.OK, "", d.hours_ago(2.9))
    for hours, kind, text, unit in [
        (2.5, EventKind.CALL, "业主来电：明天上午有家具送货，请放行", "HY-3-1502"),
        (1.2, EventKind.FACILITY, "2 号楼大堂感应门反应慢，已报工程部", None),
    ]:
        db.session.add(JournalEvent(property_id=prop.id, shift=shift, kind=kind, text=text, at=d.hours_ago(hours),
                                    unit=d.unit(unit) if unit else None, author=lobby))
    _past_week(d, Post.FLOOR, [d.users["concierge2"], d.users["concierge"]])
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


def _past_week(d: Demo, post: Post, staff: list[User]) -> Shift:
    """PAST_SHIFTS shifts on `post`, the two staff taking turns, each handed over to the next; returns the
    shift the last handover opened three hours ago, the one under way, held by `staff[1]`."""
    prop, events = d.garden, PAST_EVENTS[post]
    current_start = d.hours_ago(3)
    first_start = current_start - timedelta(hours=SHIFT_HOURS * PAST_SHIFTS)
    shift = open_shift(prop, post, staff[(PAST_SHIFTS + 1) % 2], first_start)
    for n in range(PAST_SHIFTS):
        opened = first_start + timedelta(hours=SHIFT_HOURS * n)
        found = PAST_FINDINGS.get(n) if post is Post.LOBBY else None
        for check in shift.checks:
            if found and check.key == found[0]:
                record_check(check, CheckResult.ABNORMAL, found[1], opened + timedelta(minutes=8))
            else:
                record_check(check, CheckResult.OK, "", opened + timedelta(minutes=5 + check.position))
        for k in range(2 + n % 2):
            kind, text, unit = events[(n * 2 + k) % len(events)]
            db.session.add(JournalEvent(
                property_id=prop.id, shift=shift, kind=kind, text=text, at=opened + timedelta(hours=2 + 4 * k),
                created_at=opened + timedelta(hours=2 + 4 * k), unit=d.unit(unit) if unit else None,
                author=shift.staff))
        db.session.flush()
        ends = opened + timedelta(hours=SHIFT_HOURS)
        notes = "各项正常，无遗留事项" if n % 3 else "已报修事项请跟进工程部处理进度"
        hand_over(shift, notes, ends - timedelta(minutes=10))
        shift = confirm_handover(shift, staff[(PAST_SHIFTS - n) % 2], prop, ends)
    return shift
