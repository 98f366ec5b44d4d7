"""The header's menu: each module's entries (its `nav`), shown only to roles holding their permission;
entries of one group (前台, 楼层) open as one menu, in the place of the group's first entry."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request

from .modules import NavItem, platform
from .permissions import can


@dataclass
class NavGroup:
    label: str
    items: list[NavItem]

    @property
    def current(self) -> bool:
        return any(request.path.startswith(item.prefix) for item in self.items)


def visible_nav() -> list[NavItem | NavGroup]:
    entries: list[NavItem | NavGroup] = []
    groups: dict[str, NavGroup] = {}
    for item in platform().nav:
        if not can(item.permission):
            continue
        if not item.group:
            entries.append(item)
        elif str(item.group) in groups:
            groups[str(item.group)].items.append(item)
        else:
            groups[str(item.group)] = NavGroup(item.group, [item])
            entries.append(groups[str(item.group)])
    # A group the user sees one entry of is just that entry.
    return [e.items[0] if isinstance(e, NavGroup) and len(e.items) == 1 else e for e in entries]
