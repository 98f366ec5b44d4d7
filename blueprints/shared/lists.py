"""The list kit: how every register page filters, searches, sorts, pages and exports its rows.

A list declares a `ListFilter` (the query string's filters and the SELECT they make) and its
`Column`s; templates/_list.html draws the search bar, the sortable headers, the results and the pager;
`export_xlsx` writes the same filtered rows, every page of them, to an Excel file (`xlsx_response`
sends any workbook, the monthly report's too); `row_url` links a long page's rows.
"""
from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from math import ceil
from typing import Any, ClassVar

import sqlalchemy as sa
from flask import Response, send_file, url_for
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.sql import operators

from models import Building, Unit, db

from .localtime import today, zone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows fetched at a time while a workbook is written: memory stays flat however long the list.
BATCH = 500
# Excel and LibreOffice read a cell beginning with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The id `row_url` builds its URL with, to split it around: no other part of a route holds it.
ROW_ID = 2_147_483_647


@dataclass
class Column:
    """A column of a list: its header and a row's value (right-aligned on the page when `numeric`);
    `sort` names the `ListFilter.sorts` entry its header sorts by, `width` is its width in Excel
    (in characters, a Chinese one counting two)."""

    label: str
    value: Callable[[Any], Any]
    numeric: bool = False
    sort: str = ""
    width: int = 18


def natural_order(column) -> tuple:
    """ORDER BY terms that put numbers written as text in number order: 101 before 1001 (shorter first)."""
    return sa.func.length(column), column


# Units as people count them, by building and then room: a query ordered by it joins Unit.building.
UNIT_ORDER = (*natural_order(Building.code), *natural_order(Unit.room))


def _reversed(term):
    # A term may already say DESC (PatrolRoute.active.desc()): reversing it must not add a second one.
    return term.element if getattr(term, "modifier", None) is operators.desc_op else term.desc()


PARSERS: dict[type, Callable[[str], Any]] = {
    str: str, int: int, bool: lambda raw: raw == "1", date: date.fromisoformat,
}


@functools.cache  # working the types out takes ten times as long as reading the query string
def _readers(cls) -> list[tuple[str, str, Callable[[str], Any]]]:
    """Each field of a filter class: its name, its query parameter, and how its type is read (an
    optional field, `int | None`, as an int)."""
    types = typing.get_type_hints(cls)
    readers = []
    for field in dataclasses.fields(cls):
        kind = next(t for t in typing.get_args(types[field.name]) or [types[field.name]] if t is not type(None))
        readers.append((field.name, cls.params.get(field.name, field.name), PARSERS[kind]))
    return readers


@dataclass
class ListFilter:
    """What a list is narrowed to and ordered by, read from its page's query string.

    Subclasses add fields with defaults — text, whole numbers, flags ("1") and ISO dates — which
    `from_args` reads from the parameter of the same name, or the one `params` gives. A value that does
    not parse is left at its default: bookmarks outlive the choices they were made with. The form is a
    GET that changes nothing, so it carries no CSRF token.
    """

    q: str = ""
    sort: str = ""

    params: ClassVar[dict[str, str]] = {}
    # The columns `q` is looked for in (anywhere in the text, in any case), for lists needing no more.
    searched: ClassVar[tuple] = ()
    # The orders a list offers: key → ORDER BY terms, "-key" reverses them; the first is the default.
    sorts: ClassVar[dict[str, tuple]] = {}

    @classmethod
    def from_args(cls, args) -> typing.Self:
        values = {}
        for name, param, parse in _readers(cls):
            if raw := args.get(param, "").strip():
                with suppress(ValueError):
                    values[name] = parse(raw)
        return cls(**values)

    @property
    def ordering(self) -> tuple[str, bool]:
        """The sort in force, and whether it is reversed."""
        key = self.sort.removeprefix("-")
        if key in self.sorts:
            return key, self.sort.startswith("-")
        return next(iter(self.sorts), ""), False

    def where(self, stmt: sa.Select) -> sa.Select:
        """`stmt` narrowed to the rows the filters ask for."""
        if self.q and self.searched:
            stmt = stmt.where(sa.or_(*(c.icontains(self.q, autoescape=True) for c in self.searched)))
        return stmt

    def apply(self, stmt: sa.Select) -> sa.Select:
        """`stmt` narrowed, and in the order chosen (its own order when the list offers none)."""
        stmt = self.where(stmt)
        key, reverse = self.ordering
        if key:
            terms = self.sorts[key]
            stmt = stmt.order_by(None).order_by(*(map(_reversed, terms) if reverse else terms))
        return stmt


class Pager:
    """The pager's arithmetic (templates/_list.html) for a page class with `page` and `pages`."""

    page: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@dataclass
class ListPage(Pager):
    """One page of rows already in memory (a checked import file), with what the pager of
    templates/_list.html needs, as Flask-SQLAlchemy's pagination has it. A page past the last shows
    the last."""

    items: Sequence[Any]
    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, rows: Sequence[Any], page: int, per_page: int) -> ListPage:
        page = min(max(page, 1), max(ceil(len(rows) / per_page), 1))
        return cls(rows[(page - 1) * per_page:page * per_page], page, per_page, len(rows))

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass
class UncountedPage(Pager):
    """A page of a list that may hold hundreds of thousands of rows, with what the pager of
    templates/_list.html needs, without counting the matches (over a million tickets the count cost more
    than the page): one row past the page says whether there is a next one; the total is known (and
    shown) only when the first page holds every match."""

    items: list[Any]
    page: int
    per_page: int
    has_next: bool

    @classmethod
    def of(cls, stmt: sa.Select, page: int, per_page: int) -> UncountedPage:
        page = max(page, 1)
        rows = db.session.scalars(stmt.limit(per_page + 1).offset((page - 1) * per_page)).all()
        return cls(rows[:per_page], page, per_page, len(rows) > per_page)

    @property
    def total(self) -> int | None:
        return len(self.items) if self.page == 1 and not self.has_next else None

    @property
    def pages(self) -> int:
        """The pages known to exist: this one and those before it, and the next when there is one."""
        return self.page + self.has_next


def export_xlsx(title: str, columns: Sequence[Column], rows: sa.Select) -> Response:
    """The rows of `rows` as an Excel download, "<title>-<today>.xlsx": a header of the columns' labels,
    then a row per record. Rows are written as they are fetched (openpyxl's write-only workbook keeps
    them in a temporary file), so only the finished, compressed file is held in memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(title)[:31])  # Excel's longest sheet name
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_header(sheet, column.label) for column in columns])
    for row in db.session.scalars(rows.execution_options(yield_per=BATCH)):
        sheet.append([_cell(sheet, column.value(row)) for column in columns])
    return xlsx_response(workbook, f"{title}-{today().isoformat()}.xlsx")


def xlsx_response(workbook: Workbook, filename: str) -> Response:
    """`workbook` as a download named `filename`, kept by no cache on the way (it may hold personal data)."""
    file = BytesIO()
    workbook.save(file)
    file.seek(0)
    response = send_file(file, mimetype=XLSX, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _header(sheet, label) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, str(label))
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value):
    """Numbers and dates as themselves (times in the property's zone), everything else as text."""
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value.astimezone(zone()).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if value is None or isinstance(value, (int, float, Decimal, date)):
        return value
    return as_text(value)


def as_text(value) -> str:
    """A cell's text that Excel will not read as a formula (every export writes text through this)."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def row_url(endpoint: str, key: str) -> Callable[[Any], str]:
    """`url_for(endpoint, key=id)` for each row of a page, built once (a template global): the URL is
    made with a marker id and split around it. Each `url_for` costs ~18 µs, half a millisecond for a
    page of tickets."""
    head, _marker, tail = url_for(endpoint, **{key: ROW_ID}).partition(str(ROW_ID))
    return lambda value: f"{head}{value}{tail}"
