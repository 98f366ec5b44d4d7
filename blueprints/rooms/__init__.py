"""会议室 and 会务接待: rooms, the day and week calendars, booking requests (会议室使用申请单) approved by a
supervisor, the concierge's service work order (会务接待工作单) with its tea sheet (茶水出单统计表),
check-in and the release of no-shows, the monthly usage report and the printed forms."""
from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l

from ..shared.modules import AdminLink, ApprovalKind, DeskStat, Module, NavItem, Panel, QuickAction, Setting, grant
from ..shared.permissions import A, C, L, S

bp = Blueprint("rooms", __name__, url_prefix="/rooms")

from . import cli, demo, handover, manage, panels, printing, report, services, views, work  # noqa: E402,F401 - views register their routes

module = Module(
    "rooms", bp, _l("会议室"),
    permissions={
        "rooms.view": grant(_l("查看会议室日历、预订和会务工作单"), A, S, L, C),
        "rooms.book": grant(_l("预订会议室（填写会议室使用申请单）"), S, L, C),
        "rooms.serve": grant(_l("会务接待：签到、服务巡视、茶水出单、结束"), S, C),
        "rooms.manage": grant(_l("管理会议室"), A),
        "rooms.approve": grant(_l("审批会议室预订，确认超员"), S),
    },
    nav=[NavItem(_l("会议室"), "rooms.index", "rooms.view", "/rooms", _l("楼层"))],
    panels=[Panel("rooms/_panel.html", panels.today, roles=frozenset({C, S}), order=45)],
    desk=[DeskStat(_l("场会议今日"), panels.meetings_today, "rooms.index", "rooms.view")],
    actions=[QuickAction(_l("预订会议室"), "rooms.new_booking", "rooms.book")],
    admin=[AdminLink(_l("会议室"), _l("容纳人数、设备、开放时间、可预订对象、审批、会前准备和会后清场时间"),
                     "rooms.list_room", "rooms.manage")],
    handover=[handover.meetings],
    demo=demo.demo,
    field_labels={
        "attendees": _l("参会人数"), "organiser_kind": _l("申请方"), "blocked_from": _l("占用开始"),
        "blocked_until": _l("占用结束"), "setup_minutes": _l("会前准备（分钟）"), "cleanup_minutes": _l("会后清场（分钟）"),
        "capacity_reason": _l("超员说明"), "cleaned_after": _l("会后保洁"), "checked_in_at": _l("签到时间"),
        "capacity": _l("容纳人数"), "equipment": _l("设备"), "opens_at": _l("开放时间"), "closes_at": _l("关闭时间"),
        "open_days": _l("开放日"), "bookers": _l("可预订"), "needs_approval": _l("需主管审批"),
    },
    number_codes={"HD": _l("会议室使用申请单"), "HW": _l("会务接待工作单")},
    settings={
        "ROOMS_RELEASE_MINUTES": Setting(15, "a meeting not checked in this many minutes after its start is released"),
        "ROOMS_SLOT_MINUTES": Setting(30, "the length of a slot in the room calendars, in minutes"),
    },
    commands=[cli.release],
    approvals=[ApprovalKind(services.APPROVAL_KIND, _l("会议室预订"), "rooms.approve", services.booking_decided,
                            lambda approval: url_for("rooms.booking", booking_id=approval.subject_id))],
)
