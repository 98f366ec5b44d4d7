"""What a module contributes to the app, declared inside its own package.

Each module's `blueprints/<name>/__init__.py` ends with `module = Module(...)`: its blueprint, its
permissions by role, its menu entry, dashboard panels, counts and quick actions on the lobby's desk
panel, cards on the administration page, shift-handover sources, sections of a unit's archive page, who may see its records' files, demo data, audit field labels, form-number codes, settings with their
defaults, cron commands and approval kinds. app.py lists the modules; `install` wires each one into the
app and `check` refuses to start an app whose declarations do not add up. Everything that lists what
the modules offer (menus, dashboard, handover, the permission page) asks `platform()`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import click
import sqlalchemy as sa
from flask import Blueprint, Flask, current_app

from models.base import db
from models.users import Role

if TYPE_CHECKING:
    from models.approvals import Approval

    from .demo import Demo
    from .handover import HandoverItem


@dataclass(frozen=True)
class Permission:
    label: str  # what it allows, as the permission page says it
    roles: frozenset[Role]

    @property
    def roles_in_order(self) -> list[Role]:
        return [role for role in Role if role in self.roles]


def grant(label: str, *roles: Role) -> Permission:
    return Permission(label, frozenset(roles))


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    permission: str
    prefix: str  # the URL prefix that marks the item as current
    group: str = ""  # a menu of its own in the header (前台, 楼层), so the menu fits a tablet on one line


@dataclass(frozen=True)
class Panel:
    """A card on the dashboard, shown to users holding any of `roles` (or `permission`) in the current
    property. `context()` is called only when it is shown; `order` places it among the other modules'.

    A card that shows numbers declares them as `counts()`: name → a SELECT of one number. The dashboard asks
    every shown card's numbers in one statement and passes a card its own as `context(numbers)`. A card that
    shows the first rows of lists declares them as `lists()`: name → a SELECT of one kind of record, ordered
    and limited, with its loader options. The dashboard asks the shown cards' lists of one kind together
    (`first_rows_together`) and passes a card its own rows as `context(rows)` (`context(numbers, rows)` with
    both)."""

    template: str
    context: Callable[..., dict] = dict
    roles: frozenset[Role] = frozenset(Role)
    permission: str | None = None
    order: int = 50
    counts: Callable[[], dict[str, sa.Select]] | None = None
    lists: Callable[[], dict[str, sa.Select]] | None = None

    def render_context(self, numbers: dict[str, int], rows: dict[str, list]) -> dict:
        """The card's context, given what it declared as the dashboard asked it."""
        return self.context(*([numbers] if self.counts else []), *([rows] if self.lists else []))


def count_together(groups: list[dict[str, sa.Select]]) -> list[dict[str, int]]:
    """Each group's numbers (each SELECT gives one), all asked in one statement."""
    selects = [select.scalar_subquery() for group in groups for select in group.values()]
    values = iter(db.session.execute(sa.select(*selects)).one() if selects else ())
    return [{name: next(values) for name in group} for group in groups]


def first_rows_together(groups: list[dict[str, sa.Select]]) -> list[dict[str, list]]:
    """Each group's lists (each a SELECT of one kind of record, ordered and limited), those of one kind in one
    statement: a UNION ALL of each list's ids and places in it, then the records once, joined to it, with
    all those lists' loader options. A record in two lists comes once and is in both."""
    found: list[dict[str, list]] = [{name: [] for name in group} for group in groups]
    by_kind: dict[Any, list[tuple[list, sa.Select]]] = {}
    for group, result in zip(groups, found):
        for name, select in group.items():
            by_kind.setdefault(select.column_descriptions[0]["entity"], []).append((result[name], select))
    for kind, lists in by_kind.items():
        if len(lists) == 1:
            lists[0][0].extend(db.session.scalars(lists[0][1]))
            continue
        # Each list keeps its own WHERE, ORDER BY and LIMIT; the row number carries its order out of the union.
        # (A Select's ORDER BY and loader options have no public accessor: `_order_by_clauses`, `_with_options`.)
        places = sa.union_all(*(
            sa.select(select.with_only_columns(
                sa.literal(n).label("list"), kind.id.label("id"),
                sa.func.row_number().over(order_by=select._order_by_clauses).label("place"),
            ).subquery())
            for n, (_, select) in enumerate(lists)
        )).subquery()
        options = [option for _, select in lists for option in select._with_options]
        rows = db.session.execute(
            sa.select(kind, places.c.list).join(places, places.c.id == kind.id)
            .order_by(places.c.list, places.c.place).options(*options)
        )
        for record, n in rows:
            lists[n][0].append(record)
    return found


@dataclass(frozen=True)
class UnitRecord:
    """A section a module adds to a unit's archive page (业户档案): its records about that unit, shown to
    users holding `permission`; `context(unit)` is called only when it is shown."""

    template: str
    context: Callable[[Any], dict]
    permission: str


# A desk count past this shows as "99+" (a glance, refreshed every minute on every desk tablet): a count
# that could run into thousands may stop there (DeskStat.count).
DESK_CAP = 99


@dataclass(frozen=True)
class DeskStat:
    """A count on the lobby's live desk panel (visitors inside, parcels waiting, …): `count` gives a SELECT of
    the number (in the current property, for the current user), which the desk asks in one statement with
    the others. Past DESK_CAP it need not count on."""

    label: str
    count: Callable[[], sa.Select]
    endpoint: str
    permission: str
    args: dict = field(default_factory=dict)  # for url_for(endpoint, **args)


@dataclass(frozen=True)
class QuickAction:
    """A button on the desk panel that starts a form."""

    label: str
    endpoint: str
    permission: str


@dataclass(frozen=True)
class AdminLink:
    """A card on the administration page (系统管理) leading to a module's own registers or settings."""

    label: str
    description: str
    endpoint: str
    permission: str


@dataclass(frozen=True)
class Setting:
    default: Any
    doc: str  # for administrators: `flask settings` prints it


@dataclass(frozen=True)
class ApprovalKind:
    """Something a module asks a permitted person to approve (see blueprints/approvals)."""

    key: str  # "passes.arrears"
    label: str  # 欠费放行
    permission: str  # who may decide
    decided: Callable[[Approval], None]  # apply the decision (approval.status) to the record asked about
    link: Callable[[Approval], str]  # the record's page


@dataclass
class Module:
    name: str
    blueprint: Blueprint
    title: str
    permissions: dict[str, Permission] = field(default_factory=dict)
    nav: list[NavItem] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    desk: list[DeskStat] = field(default_factory=list)
    actions: list[QuickAction] = field(default_factory=list)
    admin: list[AdminLink] = field(default_factory=list)
    handover: list[Callable[[Any], list[HandoverItem]]] = field(default_factory=list)
    # The tables whose records carry photos or signatures, and the permission that shows those records:
    # a file is served only to whoever may see the record it belongs to.
    attachments: dict[str, str] = field(default_factory=dict)
    demo: Callable[[Demo], None] | None = None
    field_labels: dict[str, str] = field(default_factory=dict)
    number_codes: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Setting] = field(default_factory=dict)
    commands: list[click.Command] = field(default_factory=list)
    approvals: list[ApprovalKind] = field(default_factory=list)
    unit_records: list[UnitRecord] = field(default_factory=list)
    # Relationships of Property that most of the module's pages read, loaded with the property at log-in
    # (one query for the user, the roles and the property): the tickets' settings.
    property_loads: list[Any] = field(default_factory=list)


class DeclarationError(RuntimeError):
    """A module's declaration does not add up (a clash, a permission nobody holds, an undeclared name)."""


class Platform:
    """The modules of one app and what they contribute, merged in the order app.py lists them."""

    def __init__(self) -> None:
        self.modules: list[Module] = []
        self.permissions: dict[str, Permission] = {}
        self.number_codes: dict[str, str] = {}
        self.field_labels: dict[str, str] = {}
        self.approval_kinds: dict[str, ApprovalKind] = {}
        self.attachments: dict[str, str] = {}

    def add(self, module: Module) -> None:
        if any(m.name == module.name for m in self.modules):
            raise DeclarationError(f"module {module.name!r} is installed twice")
        for name, permission in module.permissions.items():
            if name in self.permissions:
                raise DeclarationError(f"{module.name}: permission {name!r} is already declared")
            if not permission.roles:
                raise DeclarationError(f"{module.name}: no role holds permission {name!r}")
            self.permissions[name] = permission
        for code, label in module.number_codes.items():
            if code in self.number_codes:
                raise DeclarationError(f"{module.name}: number code {code!r} is already used")
            self.number_codes[code] = label
        for name, label in module.field_labels.items():
            if str(self.field_labels.setdefault(name, label)) != str(label):
                raise DeclarationError(f"{module.name}: field {name!r} is already labelled "
                                       f"{self.field_labels[name]!r}, not {label!r}")
        for table, permission in module.attachments.items():
            if table in self.attachments:
                raise DeclarationError(f"{module.name}: the attachments of {table!r} are already declared")
            self.attachments[table] = permission
        for kind in module.approvals:
            if kind.key in self.approval_kinds:
                raise DeclarationError(f"{module.name}: approval kind {kind.key!r} is already declared")
            self.approval_kinds[kind.key] = kind
        self.modules.append(module)

    def _all(self, attribute: str) -> list:
        return [item for module in self.modules for item in getattr(module, attribute)]

    @property
    def nav(self) -> list[NavItem]:
        return self._all("nav")

    @property
    def panels(self) -> list[Panel]:
        return sorted(self._all("panels"), key=lambda panel: panel.order)

    @property
    def desk(self) -> list[DeskStat]:
        return self._all("desk")

    @property
    def actions(self) -> list[QuickAction]:
        return self._all("actions")

    @property
    def admin(self) -> list[AdminLink]:
        return self._all("admin")

    @property
    def unit_records(self) -> list[UnitRecord]:
        return self._all("unit_records")

    @property
    def property_loads(self) -> list:
        return self._all("property_loads")

    @property
    def handover_sources(self) -> list[Callable]:
        return self._all("handover")

    @property
    def settings(self) -> dict[str, Setting]:
        return {name: setting for module in self.modules for name, setting in module.settings.items()}

    def check(self, app: Flask) -> None:
        """Every permission a view, a menu entry, a panel or an approval names must be declared."""
        named = [(f"view {endpoint}", view.permission) for endpoint, view in app.view_functions.items()
                 if hasattr(view, "permission")]
        named += [(f"menu {item.endpoint}", item.permission) for item in self.nav]
        named += [(f"desk {item.endpoint}", item.permission) for item in [*self.desk, *self.actions]]
        named += [(f"admin {item.endpoint}", item.permission) for item in self.admin]
        named += [(f"panel {panel.template}", panel.permission) for panel in self.panels if panel.permission]
        named += [(f"approval {kind.key}", kind.permission) for kind in self.approval_kinds.values()]
        named += [(f"attachments of {table}", permission) for table, permission in self.attachments.items()]
        named += [(f"unit record {record.template}", record.permission) for record in self.unit_records]
        unknown = [f"{where} needs {name!r}" for where, name in named if name not in self.permissions]
        if unknown:
            raise DeclarationError("undeclared permissions: " + "; ".join(unknown))


def install(app: Flask, module: Module) -> None:
    app.extensions.setdefault("platform", Platform()).add(module)
    app.register_blueprint(module.blueprint)
    for name, setting in module.settings.items():
        app.config.setdefault(name, setting.default)
    for command in module.commands:
        app.cli.add_command(command)


def platform() -> Platform:
    return current_app.extensions["platform"]
