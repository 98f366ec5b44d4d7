"""Import buildings, units and residents from an Excel or CSV sheet: check every row, then apply.

One row per resident (or per unit, with the resident columns left empty). Buildings and units that
do not exist yet are created; existing ones are matched by their codes and left as they are.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _
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
    """Fill each row's `parsed` values and its `errors` (in Chinese); touches nothing."""
    seen_residents = set()
    existing_residents = {
        (archive_no, name)
        for archive_no, name in db.session.execute(
            sa.select(Unit.archive_no, Resident.name).join(Resident.unit).where(Unit.property_id == prop.id)
        )
    }
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
            key = (p["archive_no"], p["name"])
            if key in seen_residents:
                errors.append(_("与前面的行重复"))
            elif key in existing_residents:
                errors.append(_("该住户已登记"))
            seen_residents.add(key)
    return rows


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


def apply_rows(rows: list[Row], prop: Property) -> ImportResult:
    """Create what the good rows describe (the caller commits)."""
    result = ImportResult()
    buildings = {b.code: b for b in db.session.scalars(sa.select(Building).where(Building.property_id == prop.id))}
    units = {u.archive_no: u for u in db.session.scalars(sa.select(Unit).where(Unit.property_id == prop.id))}
    for row in (r for r in rows if r.ok):
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
        if p["name"]:
            db.session.add(
                Resident(
                    property_id=prop.id, unit=unit, name=p["name"], relation=p["relation"],
                    phone=p["phone"], id_number=p["id_number"],
                )
            )
            result.residents += 1
    db.session.flush()
    return result


def template_csv() -> bytes:
    """An example sheet staff can fill in."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS.values())
    writer.writerow(["3", "3号楼", "1502", "15", "128.50", "张三", "业主", "13812345678", ""])
    writer.writerow(["3", "3号楼", "1503", "15", "96", "", "", "", ""])
    return out.getvalue().encode("utf-8-sig")
