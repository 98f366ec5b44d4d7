"""Batch import from CSV or Excel: a dry run lists every row's problems, a confirm imports the good rows."""
import csv
import html
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from stdnum.cn import ric

from blueprints.admin.importing import check_rows, read_rows
from models import Building, Resident, ResidentRelation, Role, Unit, db

from .helpers import count, field_errors, flashes, follow, text

HEADER = ["楼栋代号", "楼栋名称", "房号", "楼层", "面积", "住户姓名", "身份", "电话", "身份证号"]
GOOD_ID = "34010419800101123" + ric.calc_check_digit("34010419800101123" + "0")
BAD_CHECKSUM_ID = GOOD_ID[:-1] + ("1" if GOOD_ID[-1] != "1" else "2")
ROWS = [
    ["3", "3号楼", "1502", "15", "128.50", "张三", "业主", "138 1234 5678", GOOD_ID],  # line 2: fine
    ["3", "3号楼", "1502", "15", "128.50", "李四", "业主", "13812345679", BAD_CHECKSUM_ID],  # 3: ID checksum
    ["3", "3号楼", "1503", "15", "96", "王五", "租户", "12345", ""],  # 4: phone
    ["3", "3号楼", "1503", "15", "96", "赵六", "房东", "", ""],  # 5: relation
    ["3", "3号楼", "1502", "15", "128.50", "张三", "业主", "", ""],  # 6: the same person as line 2
    ["5", "", "101", "1", "", "", "", "", ""],  # 7: a unit without residents
]
BAD_LINES = {
    3: "身份证号码不正确：校验码不符，请逐位核对",
    4: "电话号码不正确",
    5: "身份应为 业主、租户 或 家庭成员",
    6: "与前面的行重复",
}


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([_typed(cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _typed(cell):
    """Numbers as Excel holds them (floats), IDs and phones as the text they must be typed as."""
    if re.fullmatch(r"\d{1,4}(\.\d+)?", cell):
        return float(cell)
    return cell or None


def upload(client, data: bytes, filename: str):
    return client.post_form("/admin/import", {"file": (io.BytesIO(data), filename)},
                            content_type="multipart/form-data")


def preview_rows(response) -> dict[int, str]:
    """Line number → the result cell of the preview table, as text."""
    page = response.get_data(as_text=True)
    rows = re.findall(r'<tr><td class="num">(\d+)</td>(.*?)</tr>', page, re.S)
    return {int(line): html.unescape(re.sub(r"<[^>]+>", " ", cells)) for line, cells in rows}


def confirm_key(response) -> str:
    return re.search(r'name="key" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def stored_files(app) -> list[Path]:
    root = Path(app.config["STORAGE_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def nothing_imported():
    return count(Building) == 0 and count(Unit) == 0 and count(Resident) == 0


def test_the_upload_page_explains_the_columns(client, admin):
    page = text(client.get("/admin/import"))
    assert "第一行为列名：楼栋代号、楼栋名称、房号" in page
    assert 'href="/admin/import/template.csv"' in page


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("业户.csv", csv_bytes([HEADER, *ROWS])),
        ("业户-gbk.csv", csv_bytes([HEADER, *ROWS], encoding="gb18030")),
        ("业户.xlsx", xlsx_bytes([HEADER, *ROWS])),
    ],
    ids=["utf8-bom", "gb18030", "xlsx"],
)
def test_the_dry_run_lists_every_bad_row_and_imports_nothing(app, client, admin, filename, data):
    response = upload(client, data, filename)
    assert response.status_code == 200
    page = text(response)
    assert f"检查结果：{filename}" in page
    assert "共 6 行，可导入 2 行，有问题 4 行。尚未导入任何数据。" in page
    rows = preview_rows(response)
    assert sorted(rows) == [2, 3, 4, 5, 6, 7]
    for line, reason in BAD_LINES.items():
        assert reason in rows[line], (line, rows[line])
        assert "可导入" not in rows[line]
    assert "HY-3-1502" in rows[2] and "张三" in rows[2] and "可导入" in rows[2]
    assert "HY-5-101" in rows[7] and "可导入" in rows[7]
    assert "确认导入 2 行（跳过有问题的行）" in page
    assert nothing_imported()
    assert len(stored_files(app)) == 1


@pytest.mark.parametrize(
    ("filename", "data"),
    [("业户.csv", csv_bytes([HEADER, *ROWS])), ("业户.xlsx", xlsx_bytes([HEADER, *ROWS]))],
    ids=["csv", "xlsx"],
)
def test_confirming_imports_only_the_good_rows(app, client, admin, prop, filename, data):
    preview = upload(client, data, filename)
    response = client.post_form("/admin/import/confirm", {"key": confirm_key(preview)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/units"
    assert flashes(follow(client, response)) == [
        "导入完成：新建楼栋 2 个、房屋 2 户、住户 1 人；跳过有问题的行 4 行。"
    ]
    buildings = db.session.execute(sa.select(Building.code, Building.name).order_by(Building.code)).all()
    assert [tuple(b) for b in buildings] == [("3", "3号楼"), ("5", "5号楼")]
    units = db.session.execute(sa.select(Unit.archive_no, Unit.floor, Unit.area).order_by(Unit.archive_no)).all()
    assert [tuple(u) for u in units] == [("HY-3-1502", 15, Decimal("128.50")), ("HY-5-101", 1, None)]
    resident = db.session.scalar(sa.select(Resident))
    assert (resident.name, resident.relation, resident.phone, resident.id_number) == (
        "张三", ResidentRelation.OWNER, "13812345678", GOOD_ID
    )
    assert resident.unit.archive_no == "HY-3-1502" and resident.property_id == prop.id
    assert stored_files(app) == []  # the upload is removed once imported


def test_confirming_twice_imports_once(client, admin):
    key = confirm_key(upload(client, csv_bytes([HEADER, *ROWS]), "业户.csv"))
    client.post_form("/admin/import/confirm", {"key": key})
    client.get("/admin/units")  # reads the first confirm's message
    again = client.post_form("/admin/import/confirm", {"key": key})
    assert again.status_code == 302
    assert flashes(follow(client, again)) == ["这个文件已经导入过或已失效，请重新上传。"]
    assert count(Resident) == 1 and count(Unit) == 2


def test_existing_buildings_units_and_residents_are_matched(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502", floor=15)
    make.resident(unit, "张三")
    data = csv_bytes([HEADER, ["3", "旧名", "1502", "16", "", "张三", "", "", ""],
                      ["3", "", "1502", "", "", "李四", "家庭成员", "", ""]])
    preview = upload(client, data, "a.csv")
    rows = preview_rows(preview)
    assert "该住户已登记" in rows[2]
    assert "可导入" in rows[3]
    client.post_form("/admin/import/confirm", {"key": confirm_key(preview)})
    assert count(Building) == 1 and count(Unit) == 1
    assert db.session.get(Unit, unit.id).floor == 15  # existing units are left as they are
    assert sorted(db.session.scalars(sa.select(Resident.name))) == ["张三", "李四"]


def test_missing_required_columns_are_named(app, client, admin):
    data = csv_bytes([["楼栋代号", "住户姓名"], ["3", "张三"]])
    response = upload(client, data, "a.csv")
    assert response.status_code == 422
    assert field_errors(response, "file") == ["缺少必需的列：房号。第一行应为列名。"]
    assert nothing_imported()
    assert stored_files(app) == []


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("a.txt", b"x", "只支持 .xlsx 或 .csv 文件"),
        ("a.xlsx", b"not a zip file", "无法读取这个 Excel 文件，请确认是 .xlsx 格式"),
        ("a.csv", b"\n\n", "文件是空的"),
        ("a.csv", b"\xff\xfe\x00\xd8\x00", "无法识别文件编码，请另存为 UTF-8 CSV 或 .xlsx"),
    ],
)
def test_unreadable_files_are_explained(client, admin, filename, data, message):
    response = upload(client, data, filename)
    assert response.status_code == 422
    assert field_errors(response, "file") == [message]
    assert nothing_imported()


def test_no_file_is_asked_for(client, admin):
    response = client.post_form("/admin/import", {}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert field_errors(response, "file") == ["请选择文件"]


def test_line_numbers_count_blank_lines(client, admin):
    data = csv_bytes([HEADER, ["3", "", "1502"], [], ["3", "", "15 03"]])
    rows = preview_rows(upload(client, data, "a.csv"))
    assert "可导入" in rows[2]
    assert "房号应为数字、字母或 -" in rows[4]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"floor": "15.5"}, "楼层不是整数"),
        ({"floor": "1e12"}, "楼层不是整数"),
        ({"floor": "99999999999"}, "楼层应在 -10 到 200 之间"),
        ({"floor": "inf"}, "楼层不是整数"),
        ({"area": "abc"}, "面积不是数字"),
        ({"area": "Infinity"}, "面积应在 0 到 100000 ㎡ 之间"),
        ({"area": "NaN"}, "面积应在 0 到 100000 ㎡ 之间"),
        ({"area": "12345678"}, "面积应在 0 到 100000 ㎡ 之间"),
        ({"name": "张" * 51}, "住户姓名不能超过 50 个字"),
        ({"building_name": "楼" * 51}, "楼栋名称不能超过 50 个字"),
        ({"building_code": "三"}, "楼栋代号应为 1–10 位数字或字母"),
        ({"name": "张三", "id_number": "12345"}, "身份证号码应为 18 位，末位可以是 X"),
    ],
)
def test_values_the_database_cannot_hold_are_row_errors(client, admin, cells, message):
    row = dict(zip(["building_code", "building_name", "room", "floor", "area", "name", "relation", "phone",
                    "id_number"], ["3", "", "1502", "", "", "", "", "", ""]))
    row.update(cells)
    response = upload(client, csv_bytes([HEADER, list(row.values()), ["3", "", "1503"]]), "a.csv")
    assert response.status_code == 200
    rows = preview_rows(response)
    assert message in rows[2]
    client.post_form("/admin/import/confirm", {"key": confirm_key(response)})
    assert sorted(db.session.scalars(sa.select(Unit.archive_no))) == ["HY-3-1503"]


def test_a_file_without_good_rows_offers_no_confirm_and_is_not_kept(app, client, admin):
    response = upload(client, csv_bytes([HEADER, ["三", "", "1502"]]), "a.csv")
    assert "共 1 行，可导入 0 行，有问题 1 行。" in text(response)
    assert 'name="key"' not in response.get_data(as_text=True)
    assert stored_files(app) == []


def test_a_key_of_another_property_is_refused(app, client, make, prop):
    tower = make.property("HD", "恒宇大厦")
    make.user("boss", {prop: [Role.ADMIN], tower: [Role.ADMIN]})
    client.login("boss")
    client.post_form("/switch-property", {"property_id": tower.id})
    tower_key = confirm_key(upload(client, csv_bytes([HEADER, *ROWS]), "hd.csv"))
    assert tower_key.startswith(f"imports/{tower.id}/")
    client.post_form("/switch-property", {"property_id": prop.id})
    own_key = confirm_key(upload(client, csv_bytes([HEADER, *ROWS]), "hy.csv"))
    name = tower_key.rsplit("/", 1)[1]
    for key in (tower_key, f"imports/{prop.id}/../{tower.id}/{name}", f"imports/{prop.id}/..", "", own_key + "/.."):
        assert client.post_form("/admin/import/confirm", {"key": key}).status_code == 400, key
    assert nothing_imported()
    assert len(stored_files(app)) == 2


def test_confirm_needs_the_csrf_token(client, admin):
    key = confirm_key(upload(client, csv_bytes([HEADER, *ROWS]), "a.csv"))
    assert client.post("/admin/import/confirm", data={"key": key}).status_code == 400
    assert nothing_imported()


def test_the_template_parses_back_without_errors(client, admin, prop):
    response = client.get("/admin/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "filename*=UTF-8''%E6%89%B9%E9%87%8F%E5%AF%BC%E5%85%A5%E7%A4%BA%E4%BE%8B.csv" in (
        response.headers["Content-Disposition"]
    )
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel opens it as UTF-8
    rows = check_rows(read_rows(data, "template.csv"), prop)
    assert rows and all(row.ok for row in rows), [row.errors for row in rows]
    preview = upload(client, data, "template.csv")
    assert f"可导入 {len(rows)} 行，有问题 0 行" in text(preview)
