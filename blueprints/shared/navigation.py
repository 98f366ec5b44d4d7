"""The header's menu: each module adds its entry here, shown only to roles holding its permission."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .permissions import can


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    permission: str
    prefix: str  # the URL prefix that marks the item as current


NAV = [
    NavItem(_l("工作台"), "dashboard.index", "dashboard.view", "/dashboard"),
    NavItem(_l("报事"), "tickets.index", "tickets.view", "/tickets"),
    NavItem(_l("值班"), "journal.index", "journal.view", "/journal"),
    NavItem(_l("巡查"), "patrols.index", "patrols.view", "/patrols"),
    NavItem(_l("访客"), "visitors.index", "visitors.view", "/visitors"),
    NavItem(_l("包裹"), "parcels.index", "parcels.view", "/parcels"),
    NavItem(_l("装修"), "decoration.index", "decoration.view", "/decoration"),
    NavItem(_l("业户档案"), "archive.units", "archive.view", "/archive"),
    NavItem(_l("统计报表"), "reports.index", "reports.view", "/reports"),
    NavItem(_l("系统管理"), "admin.index", "admin.manage", "/admin"),
]


def visible_nav() -> list[NavItem]:
    return [item for item in NAV if can(item.permission)]
