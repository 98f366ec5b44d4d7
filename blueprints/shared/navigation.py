"""The header's menu: each module's entries (its `nav`), shown only to roles holding their permission."""
from __future__ import annotations

from .modules import NavItem, platform
from .permissions import can


def visible_nav() -> list[NavItem]:
    return [item for item in platform().nav if can(item.permission)]
