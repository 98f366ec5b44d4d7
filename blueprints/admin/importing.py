"""Import buildings, units and residents from an Excel or CSV sheet: check every row, then apply.

One row per resident (or per unit, with the resident columns left empty). What does not exist yet is
created; buildings are matched by their codes, units by their archive numbers and residents by unit and
name, and what a row gives for them (a unit's floor and area; a resident's relation, phone and ID
number) replaces what the archive holds. A cell left empty changes nothing.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from models import Building, Property, Resident, ResidentRelation, Unit, db

from ..shared.forms import LANDLINE, MOBILE, id_number_problem, normalise_phone

COLUMNS = {
    "building_code": "楼栋代号",
    "building_name": "楼栋名称",
    "room": "房号",
    "floor": "楼层",
    "area": "面积",
    "name": "住户姓名",
    "relation": "身份",
    "phone": "电话",
    "id_number": "身份证号",
}
RELATIONS = {"业主": ResidentRelation.OWNER, "租户": ResidentRelation.TENANT, "家庭成员": ResidentRelation.FAMILY}


class UnreadableFile(ValueError):
    pass


@dataclass
class Row:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    parsed: dict = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)  # the archive's fields the row changes, by label
    outcome: str = ""  # NEW, CHANGED, UNCHANGED or ERROR, once checked

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(data: bytes, filename: str) -> list[Row]:
    """The sheet's rows as text by column key; the header row names the columns in Chinese.

    Each row keeps its line number in the sheet, blank lines included, so staff find it there.
    """
    if filename.lower().endswith(".xlsx"):
        table = _xlsx_table(data)
    else:
        try:
            table = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(_decode(data)))]
        except csv.Error as exc:
            raise UnreadableFile(_("无法读取这个 CSV 文件，请另存为 UTF-8 CSV 或 .xlsx")) from exc
    numbered = [(line, row) for line, row in enumerate(table, start=1) if any(row)]
    if not numbered:
        raise UnreadableFile(_("文件是空的"))
    header = numbered[0][1]
    positions = {key: header.index(title) for key, title in COLUMNS.items() if title in header}
    missing = [COLUMNS[k] for k in ("building_code", "room") if k not in positions]
    if missing:
        raise UnreadableFile(_("缺少必需的列：%(cols)s。第一行应为列名。", cols="、".join(missing)))
    return [
        Row(line=line, values={k: (row[p] if p < len(row) else "") for k, p in positions.items()})
        for line, row in numbered[1:]
    ]


def _xlsx_table(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [[_cell_text(v) for v in row] for row in workbook.active.iter_rows(values_only=True)]
        finally:
            workbook.close()
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(_("无法读取这个 Excel 文件，请确认是 .xlsx 格式")) from exc


def _cell_text(value) -> str:
    """A cell as staff typed it: Excel keeps every number as a float, so 3.0 is the building 3."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("无法识别文件编码，请另存为 UTF-8 CSV 或 .xlsx"))


def check_rows(rows: list[Row], prop: Property) -> list[Row]:
    """Fill each row's `parsed` values, its `errors` (in Chinese) and its `outcome` against the archive as
    it is now and the rows before it; touches nothing."""
    plan = _Plan.of_archive(prop, {Unit.make_archive_no(prop.code, r.values.get("building_code", ""),
                                                        r.values.get("room", "")) for r in rows})
    for row in rows:
        v, p, errors = row.values, row.parsed, row.errors
        p["building_code"] = v.get("building_code", "")
        if not re.fullmatch(r"[A-Za-z0-9]{1,10}", p["building_code"]):
            errors.append(_("楼栋代号应为 1–10 位数字或字母"))
        p["building_name"] = v.get("building_name") or f"{p['building_code']}号楼"
        if len(p["building_name"]) > 50:
            errors.append(_("楼栋名称不能超过 50 个字"))
        p["room"] = v.get("room", "")
        if not re.fullmatch(r"[A-Za-z0-9-]{1,20}", p["room"]):
            errors.append(_("房号应为数字、字母或 -"))
        p["floor"] = _floor(v.get("floor"), errors)
        p["area"] = _area(v.get("area"), errors)
        p["archive_no"] = Unit.make_archive_no(prop.code, p["building_code"], p["room"])
        p["name"] = v.get("name", "")
        if p["name"]:
            _check_resident(v, p, errors)
        if not errors:
            plan.add(row)
        row.outcome = ERROR if row.errors else row.outcome
    return rows


# What a row does to the archive, as the check page counts and filters rows.
NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"
UNIT_FIELDS = {"floor": _l("楼层"), "area": _l("面积")}
RESIDENT_FIELDS = {"relation": _l("身份"), "phone": _l("电话"), "id_number": _l("身份证号")}


@dataclass
class _Plan:
    """The archive's units and residents as the sheet's rows, one after the other, would leave them.

    A unit or resident is matched by its natural key (the archive number; the archive number and the
    name); a cell left empty keeps what the archive holds. Two rows of the sheet that disagree about one
    unit, or name one person twice, are errors: which one is meant is for staff to say.
    """

    units: dict[str, dict]
    residents: dict[tuple[str, str], list[dict]]
    unit_lines: dict[tuple[str, str], int] = field(default_factory=dict)  # (archive no, field) → line that set it
    resident_lines: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def of_archive(cls, prop: Property, archive_nos: set[str]) -> _Plan:
        # A whole estate's sheet names most units: reading them all is quicker than a list of thousands.
        named = Unit.archive_no.in_(archive_nos) if len(archive_nos) <= 500 else sa.true()
        units = {
            archive_no: {"floor": floor, "area": area}
            for archive_no, floor, area in db.session.execute(
                sa.select(Unit.archive_no, Unit.floor, Unit.area).where(Unit.property_id == prop.id, named)
            )
        }
        residents: dict[tuple[str, str], list[dict]] = {}
        for archive_no, name, relation, phone, id_number in db.session.execute(
            sa.select(Unit.archive_no, Resident.name, Resident.relation, Resident.phone, Resident.id_number)
            .join(Resident.unit).where(Unit.property_id == prop.id, named)
        ):
            residents.setdefault((archive_no, name), []).append(
                {"relation": relation, "phone": phone, "id_number": id_number}
            )
        return cls(units, residents)

    def add(self, row: Row) -> None:
        """Classify a row that passed its own checks, or give it the error of disagreeing with the rows
        before it; a row with an error leaves the plan as it was."""
        p, archive_no = row.parsed, row.parsed["archive_no"]
        unit = self.units.get(archive_no)
        unit_changes = {}
        for name, label in UNIT_FIELDS.items():
            if p[name] is None or (unit is not None and p[name] == unit[name]):
                continue
            if (line := self.unit_lines.get((archive_no, name))) is not None:
                row.errors.append(_("%(field)s与第 %(line)d 行的不一致", field=label, line=line))
                return
            unit_changes[name] = p[name]
        key, matches, resident_changes = (archive_no, p["name"]), [], []
        if p["name"]:
            if key in self.resident_lines:
                row.errors.append(_("与前面的行重复"))
                return
            matches = self.residents.get(key, [])
            if len(matches) > 1:
                row.errors.append(_("档案中已有 %(n)d 位同名住户，请到房屋页面逐一修改", n=len(matches)))
                return
            if matches:
                resident_changes = _resident_changes(matches[0], p)
        created = unit is None or (p["name"] and not matches)
        if unit is None:
            unit = self.units[archive_no] = {"floor": None, "area": None}
        else:
            row.changes.extend(str(UNIT_FIELDS[name]) for name in unit_changes)
        unit.update(unit_changes)
        for name in UNIT_FIELDS:
            if p[name] is not None:
                self.unit_lines.setdefault((archive_no, name), row.line)
        if p["name"]:
            self.resident_lines.add(key)
            if not matches:
                self.residents[key] = [{name: p[name] for name in RESIDENT_FIELDS}]
            row.changes.extend(str(RESIDENT_FIELDS[name]) for name in resident_changes)
        row.outcome = NEW if created else CHANGED if row.changes else UNCHANGED


def _resident_changes(resident, p: dict) -> list[str]:
    """The fields the row gives that differ from the resident's (a dict of the archive's or a Resident)."""
    get = resident.get if isinstance(resident, dict) else lambda name: getattr(resident, name)
    given = {"relation": p["relation"] if p["relation_given"] else None, "phone": p["phone"],
             "id_number": p["id_number"]}
    return [name for name, value in given.items() if value and value != get(name)]


def _floor(text: str | None, errors: list[str]) -> int | None:
    """The same range as the unit form's."""
    if not text:
        return None
    try:
        floor = int(text)
    except ValueError:
        errors.append(_("楼层不是整数"))
        return None
    if not -10 <= floor <= 200:
        errors.append(_("楼层应在 -10 到 200 之间"))
        return None
    return floor


def _area(text: str | None, errors: list[str]) -> Decimal | None:
    """The same range as the unit form's, in square metres with two decimals."""
    if not text:
        return None
    try:
        area = Decimal(text.replace(",", ""))
    except InvalidOperation:
        errors.append(_("面积不是数字"))
        return None
    if not area.is_finite() or not 0 <= area <= 100000:
        errors.append(_("面积应在 0 到 100000 ㎡ 之间"))
        return None
    return area.quantize(Decimal("0.01"))


def _check_resident(v: dict, p: dict, errors: list[str]) -> None:
    if len(p["name"]) > 50:
        errors.append(_("住户姓名不能超过 50 个字"))
    p["relation_given"] = bool(v.get("relation"))
    relation = v.get("relation") or "业主"
    if relation not in RELATIONS:
        errors.append(_("身份应为 业主、租户 或 家庭成员"))
    p["relation"] = RELATIONS.get(relation)
    p["phone"] = normalise_phone(v.get("phone"))
    if p["phone"] and not (MOBILE.match(p["phone"]) or LANDLINE.match(p["phone"])):
        errors.append(_("电话号码不正确"))
    p["id_number"] = (v.get("id_number") or "").upper()
    if p["id_number"] and (problem := id_number_problem(p["id_number"])):
        errors.append(str(problem))


@dataclass
class ImportResult:
    buildings: int = 0
    units: int = 0
    residents: int = 0
    updated: int = 0  # units and residents changed


def apply_rows(rows: list[Row], prop: Property) -> ImportResult:
    """Upsert what the good rows describe, matching the archive as it is now by natural keys (the caller
    commits). Rows applied before change nothing the second time, so a batch sent again is harmless;
    the property's row is locked first, so two such batches at once take turns (SQLite: the write
    transaction already queues them)."""
    result = ImportResult()
    good = [r for r in rows if r.ok]
    if not good:
        return result
    db.session.execute(sa.select(Property.id).where(Property.id == prop.id).with_for_update())
    archive_nos = {r.parsed["archive_no"] for r in good}
    buildings = {b.code: b for b in db.session.scalars(sa.select(Building).where(Building.property_id == prop.id))}
    units = {u.archive_no: u for u in db.session.scalars(
        sa.select(Unit).where(Unit.property_id == prop.id, Unit.archive_no.in_(archive_nos)))}
    residents: dict[tuple[str, str], Resident] = {}
    for resident, archive_no in db.session.execute(
        sa.select(Resident, Unit.archive_no).join(Resident.unit)
        .where(Unit.property_id == prop.id, Unit.archive_no.in_(archive_nos)).order_by(Resident.id)
    ):
        residents.setdefault((archive_no, resident.name), resident)
    for row in good:
        p = row.parsed
        building = buildings.get(p["building_code"])
        if building is None:
            building = buildings[p["building_code"]] = Building(
                property_id=prop.id, code=p["building_code"], name=p["building_name"]
            )
            db.session.add(building)
            result.buildings += 1
        unit = units.get(p["archive_no"])
        if unit is None:
            unit = units[p["archive_no"]] = Unit(
                property_id=prop.id, building=building, room=p["room"], floor=p["floor"],
                area=p["area"], archive_no=p["archive_no"],
            )
            db.session.add(unit)
            result.units += 1
        elif changed := [n for n in UNIT_FIELDS if p[n] is not None and p[n] != getattr(unit, n)]:
            for name in changed:
                setattr(unit, name, p[name])
            result.updated += 1
        if not p["name"]:
            continue
        resident = residents.get((p["archive_no"], p["name"]))
        if resident is None:
            resident = residents[(p["archive_no"], p["name"])] = Resident(
                property_id=prop.id, unit=unit, name=p["name"], relation=p["relation"],
                phone=p["phone"], id_number=p["id_number"],
            )
            db.session.add(resident)
            result.residents += 1
        elif changed := _resident_changes(resident, p):
            for name in changed:
                setattr(resident, name, p[name])
            result.updated += 1
    db.session.flush()
    return result


def save_rows(rows: list[Row], filename: str) -> bytes:
    """The rows read from an uploaded sheet as kept between the check and the import: reading them back
    is much quicker than reading the sheet again, once for every page and every batch."""
    return json.dumps({"filename": filename, "rows": [[r.line, r.values] for r in rows]},
                      ensure_ascii=False).encode()


def load_rows(data: bytes) -> tuple[str, list[Row]]:
    """The file name and the rows `save_rows` kept."""
    saved = json.loads(data)
    return saved["filename"], [Row(line=line, values=values) for line, values in saved["rows"]]


def template_csv() -> bytes:
    """An example sheet staff can fill in."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS.values())
    writer.writerow(["3", "3号楼", "1502", "15", "128.50", "张三", "业主", "13812345678", ""])
    writer.writerow(["3", "3号楼", "1503", "15", "96", "", "", "", ""])
    return out.getvalue().encode("utf-8-sig")
