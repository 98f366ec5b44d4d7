"""系统管理: properties, buildings, units, residents, departments, users, calendars, imports, and the
permission matrix the modules declare."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import Module, NavItem, Panel, grant
from ..shared.permissions import A

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import backup, cli, imports, panels, registers, views  # noqa: E402,F401 - views register their routes

module = Module(
    "admin", bp, _l("系统管理"),
    permissions={"admin.manage": grant(_l("项目、房屋、住户、部门、用户、日历和导入"), A)},
    nav=[NavItem(_l("系统管理"), "admin.index", "admin.manage", "/admin")],
    panels=[
        Panel("admin/_calendar_notice.html", panels.calendar_notice, roles=frozenset({A}), order=0),
        Panel("admin/_panel.html", permission="admin.manage", order=90),
    ],
    field_labels={
        "address": _l("地址"), "room": _l("房号"), "floor": _l("楼层"), "area": _l("面积"), "archive_no": _l("档案号"),
        "in_arrears": _l("欠费"), "relation": _l("身份"), "id_number": _l("证件号"), "moved_in_on": _l("入住日期"),
        "lead_id": _l("负责人"), "username": _l("用户名"), "display_name": _l("姓名"), "active": _l("启用"),
        "password_hash": _l("密码"), "floors": _l("层数"), "timezone": _l("时区"),
        "work_starts_at": _l("上班时间"), "work_ends_at": _l("下班时间"), "day": _l("日期"),
        "is_workday": _l("工作日"), "role": _l("角色"), "department_id": _l("部门"), "building_id": _l("楼栋"),
        "name_initials": _l("拼音首字母"),
    },
    commands=[cli.demo, cli.calendar_import, cli.settings, cli.permissions, backup.backup, backup.restore],
)
