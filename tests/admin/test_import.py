"""Batch import from CSV or Excel: a dry run lists every row's problems, a confirm imports the good rows."""
import csv
import html
import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from stdnum.cn import ric

from blueprints.admin.importing import check_rows, read_rows
from models import Building, Resident, ResidentRelation, Role, Unit, db
from models.audit import AuditAction, AuditEntry

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


def check_page(client, data: bytes, filename: str):
    """The check page an upload leads to."""
    return follow(client, upload(client, data, filename))


def preview_rows(response) -> dict[int, str]:
    """Line number → the result cell of the preview table, as text, in the table's order."""
    page = response.get_data(as_text=True)
    rows = re.findall(r'<tr><td class="num">(\d+)</td>(.*?)</tr>', page, re.S)
    return {int(line): html.unescape(re.sub(r"<[^>]+>", " ", cells)) for line, cells in rows}


def confirm_state(response) -> str:
    return re.search(r'name="state" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def confirm_all(client, response, **headers) -> tuple[list[str], object]:
    """Press 确认导入, then 继续 after each batch, as a browser without JavaScript does: the progress
    shown after each batch, and the last answer."""
    figures = []
    while True:
        response = client.post_form("/admin/import/confirm", {"state": confirm_state(response)}, headers=headers)
        if response.status_code != 200 or response.headers.get("HX-Redirect"):
            return figures, response
        figures.append(re.search(r"已导入 \d+ / \d+ 行", text(response)).group(0))


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
def test_the_dry_run_lists_every_bad_row_first_and_imports_nothing(app, client, admin, filename, data):
    response = check_page(client, data, filename)
    assert response.status_code == 200
    page = text(response)
    assert f"检查结果：{filename}" in page
    assert "共 6 行：新增 2 行，更新 0 行，无变化 0 行，有问题 4 行。尚未导入任何数据。" in page
    rows = preview_rows(response)
    assert list(rows) == [3, 4, 5, 6, 2, 7]  # the rows with problems first, each group in the sheet's order
    for line, reason in BAD_LINES.items():
        assert reason in rows[line], (line, rows[line])
        assert "新增" not in rows[line]
    assert "HY-3-1502" in rows[2] and "张三" in rows[2] and "新增" in rows[2]
    assert "HY-5-101" in rows[7] and "新增" in rows[7]
    assert "确认导入 2 行（跳过有问题的行）" in page
    assert nothing_imported()
    assert len(stored_files(app)) == 1


@pytest.mark.parametrize(
    ("filename", "data"),
    [("业户.csv", csv_bytes([HEADER, *ROWS])), ("业户.xlsx", xlsx_bytes([HEADER, *ROWS]))],
    ids=["csv", "xlsx"],
)
def test_confirming_imports_only_the_good_rows(app, client, admin, prop, filename, data):
    figures, response = confirm_all(client, check_page(client, data, filename))
    assert figures == []  # one batch holds them all
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/units"
    assert flashes(follow(client, response)) == [
        "导入完成：共 6 行，新增 2 行、更新 0 行、无变化 0 行；跳过有问题的行 4 行。"
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
    preview = check_page(client, csv_bytes([HEADER, *ROWS]), "业户.csv")
    client.post_form("/admin/import/confirm", {"state": confirm_state(preview)})
    client.get("/admin/units")  # reads the first confirm's message
    again = client.post_form("/admin/import/confirm", {"state": confirm_state(preview)})
    assert again.status_code == 302
    assert flashes(follow(client, again)) == ["这个文件已经导入过或已失效，请重新上传。"]
    assert count(Resident) == 1 and count(Unit) == 2


def test_existing_units_and_residents_are_updated_by_their_natural_keys(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502", floor=15, area=Decimal("128.50"))
    make.resident(unit, "张三", phone="13812345678")
    make.resident(make.unit(prop, "3", "1503", floor=15), "王五", phone="13900000000")
    data = csv_bytes([HEADER,
                      ["3", "旧名", "1502", "16", "", "张三", "", "", ""],  # 2: the floor changes
                      ["3", "", "1502", "", "", "李四", "家庭成员", "", ""],  # 3: a new resident
                      ["3", "", "1503", "15", "", "王五", "业主", "13900000000", ""],  # 4: as it is
                      ["3", "", "1503", "", "", "王五", "租户", "13911112222", ""],  # 5: the same person again
                      ["3", "", "1504", "", "", "", "", "", ""],  # 6: a new unit
                      ["3", "", "1504", "9", "", "", "", "", ""],  # 7: floor given after the unit was made
                      ["3", "", "1502", "17", "", "", "", "", ""]])  # 8: disagrees with line 2
    preview = check_page(client, data, "a.csv")
    assert "共 7 行：新增 2 行，更新 2 行，无变化 1 行，有问题 2 行。" in text(preview)
    rows = preview_rows(preview)
    assert "更新：楼层" in rows[2]
    assert "新增" in rows[3] and "新增" in rows[6]
    assert "无变化" in rows[4]
    assert "与前面的行重复" in rows[5]
    assert "更新：楼层" in rows[7]
    assert "楼层与第 2 行的不一致" in rows[8]
    confirm_all(client, preview)
    assert count(Building) == 1 and count(Unit) == 3
    floors = dict(db.session.execute(sa.select(Unit.room, Unit.floor)).all())
    assert floors == {"1502": 16, "1503": 15, "1504": 9}
    assert db.session.scalar(sa.select(Building.name)) == "3号楼"  # a building keeps its name
    residents = {r.name: r for r in db.session.scalars(sa.select(Resident))}
    assert sorted(residents) == ["张三", "李四", "王五"]
    assert residents["张三"].phone == "13812345678"  # an empty cell changes nothing
    assert residents["王五"].relation is ResidentRelation.OWNER


def test_a_resident_s_phone_relation_and_id_are_updated_and_audited(client, admin, make, prop):
    resident = make.resident(make.unit(prop, "3", "1502"), "张三", phone="13812345678")
    preview = check_page(client, csv_bytes([HEADER, ["3", "", "1502", "", "", "张三", "租户", "13987654321",
                                                     GOOD_ID]]), "a.csv")
    assert "更新：身份、电话、身份证号" in preview_rows(preview)[2]
    confirm_all(client, preview)
    db.session.expire_all()
    resident = db.session.get(Resident, resident.id)
    assert (resident.relation, resident.phone, resident.id_number) == (ResidentRelation.TENANT, "13987654321", GOOD_ID)
    changes = db.session.scalar(sa.select(AuditEntry.changes).where(
        AuditEntry.table_name == "residents", AuditEntry.record_id == str(resident.id),
        AuditEntry.action == AuditAction.UPDATE))
    assert set(changes) >= {"relation", "phone", "id_number"}


def test_a_name_twice_in_the_archive_is_left_for_staff(client, admin, make, prop):
    unit = make.unit(prop, "3", "1502")
    make.resident(unit, "张三")
    make.resident(unit, "张三")
    preview = check_page(client, csv_bytes([HEADER, ["3", "", "1502", "", "", "张三", "", "13812345678", ""]]), "a.csv")
    assert "档案中已有 2 位同名住户，请到房屋页面逐一修改" in preview_rows(preview)[2]
    assert 'name="state"' in preview.get_data(as_text=True)  # the cancel button
    assert "没有需要导入的行。" in text(preview)


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
    rows = preview_rows(check_page(client, data, "a.csv"))
    assert "新增" in rows[2]
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
    response = check_page(client, csv_bytes([HEADER, list(row.values()), ["3", "", "1503"]]), "a.csv")
    assert response.status_code == 200
    rows = preview_rows(response)
    assert message in rows[2]
    confirm_all(client, response)
    assert sorted(db.session.scalars(sa.select(Unit.archive_no))) == ["HY-3-1503"]


def test_a_file_without_good_rows_offers_no_confirm_and_cancel_removes_it(app, client, admin):
    response = check_page(client, csv_bytes([HEADER, ["三", "", "1502"]]), "a.csv")
    assert "共 1 行：新增 0 行，更新 0 行，无变化 0 行，有问题 1 行。" in text(response)
    assert "没有需要导入的行。" in text(response)
    assert "/admin/import/confirm" not in response.get_data(as_text=True)
    assert len(stored_files(app)) == 1  # kept while its check is looked through
    cancel = client.post_form("/admin/import/discard", {"state": confirm_state(response)})
    assert cancel.status_code == 302 and cancel.headers["Location"] == "/admin/import"
    assert stored_files(app) == []


def signed(app, state: dict) -> str:
    """A state as the app signs it: to show that even a signed one naming a foreign file is refused."""
    from blueprints.admin.imports import _serializer

    with app.test_request_context():
        return _serializer().dumps(state)


def test_a_file_of_another_property_is_refused(app, client, make, prop):
    tower = make.property("HD", "恒宇大厦")
    make.user("boss", {prop: [Role.ADMIN], tower: [Role.ADMIN]})
    client.login("boss")
    client.post_form("/switch-property", {"property_id": tower.id})
    tower_page = check_page(client, csv_bytes([HEADER, *ROWS]), "hd.csv")
    tower_state = confirm_state(tower_page)
    client.post_form("/switch-property", {"property_id": prop.id})
    own_state = confirm_state(check_page(client, csv_bytes([HEADER, *ROWS]), "hy.csv"))
    tower_key = next(str(p.relative_to(app.config["STORAGE_DIR"])) for p in stored_files(app)
                     if p.parts[-2] == str(tower.id))
    name = tower_key.rsplit("/", 1)[1]
    forged = [signed(app, {"k": key, "n": 0}) for key in (
        tower_key, f"imports/{prop.id}/../{tower.id}/{name}", f"imports/{prop.id}/..", "")]
    for state in (tower_state, *forged, own_state[:-2] + "xx", "", "not-a-state"):
        assert client.post_form("/admin/import/confirm", {"state": state}).status_code == 400, state
        assert client.get("/admin/import/check", query_string={"file": state}).status_code == 400, state
        assert client.post_form("/admin/import/discard", {"state": state}).status_code == 400, state
    assert nothing_imported()
    assert len(stored_files(app)) == 2


def test_an_upload_left_for_a_day_is_uploaded_again(client, admin, clock):
    preview = check_page(client, csv_bytes([HEADER, *ROWS]), "a.csv")
    clock.shift(timedelta(hours=25))
    again = client.post_form("/admin/import/confirm", {"state": confirm_state(preview)})
    assert flashes(follow(client, again)) == ["这个文件已经导入过或已失效，请重新上传。"]
    assert nothing_imported()


def test_confirm_needs_the_csrf_token(client, admin):
    state = confirm_state(check_page(client, csv_bytes([HEADER, *ROWS]), "a.csv"))
    assert client.post("/admin/import/confirm", data={"state": state}).status_code == 400
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
    preview = check_page(client, data, "template.csv")
    assert f"新增 {len(rows)} 行，更新 0 行，无变化 0 行，有问题 0 行" in text(preview)


def big_sheet(rows: int = 1200, bad_lines=(500, 900, 1201)) -> bytes:
    """A whole estate's roster: `rows` residents, one a unit, over four buildings; the given lines have
    an unreadable phone."""
    sheet = [HEADER]
    for n in range(rows):
        line = n + 2
        building, room = str(n % 4 + 1), f"{n // 8 + 1}{n % 2 + 1:02d}{n // 2 % 4}"
        phone = "12345" if line in bad_lines else f"139{n:08d}"
        sheet.append([building, "", room, "", "", f"住户{n}", "业主", phone, ""])
    return xlsx_bytes(sheet)


@pytest.fixture
def big_check(client, admin):
    return check_page(client, big_sheet(), "全小区.xlsx")


def test_a_big_sheet_s_check_is_paged_with_its_problems_first(client, big_check):
    page = text(big_check)
    assert "共 1200 行：新增 1197 行，更新 0 行，无变化 0 行，有问题 3 行。" in page
    rows = preview_rows(big_check)
    assert len(rows) == 50
    assert list(rows)[:4] == [500, 900, 1201, 2]
    assert all("电话号码不正确" in rows[line] for line in (500, 900, 1201))
    assert "第 1 / 24 页，共 1200 条" in page
    link = re.search(r'<a class="button" href="([^"]+)">下一页</a>', big_check.get_data(as_text=True)).group(1)
    second = client.get(html.unescape(link))
    assert list(preview_rows(second))[0] == 49  # 47 more good rows came on page 1, after the 3 bad ones
    assert "第 2 / 24 页" in text(second)
    last = client.get(html.unescape(link).replace("page=2", "page=99"))  # past the end: the last page
    assert "第 24 / 24 页" in text(last)
    assert list(preview_rows(last)) == list(range(1151, 1201))  # line 1201 is among the errors


def test_only_the_errors_are_shown_when_asked(client, big_check):
    link = re.search(r'href="([^"]+)"[^>]*>只看错误 3</a>', big_check.get_data(as_text=True)).group(1)
    errors = client.get(html.unescape(link))
    assert list(preview_rows(errors)) == [500, 900, 1201]
    assert "共 3 条" in text(errors)
    assert 'aria-current="page">只看错误 3</a>' in errors.get_data(as_text=True)


def test_a_big_sheet_imports_batch_by_batch_each_row_once(app, client, big_check):
    figures, done = confirm_all(client, big_check)
    assert figures == ["已导入 300 / 1200 行", "已导入 600 / 1200 行", "已导入 900 / 1200 行"]
    assert flashes(follow(client, done)) == [
        "导入完成：共 1200 行，新增 1197 行、更新 0 行、无变化 0 行；跳过有问题的行 3 行。"
    ]
    assert count(Unit) == 1197 and count(Resident) == 1197 and count(Building) == 4
    assert stored_files(app) == []


def test_a_batch_sent_again_imports_nothing_twice(client, big_check):
    first = client.post_form("/admin/import/confirm", {"state": confirm_state(big_check)})
    second = client.post_form("/admin/import/confirm", {"state": confirm_state(first)})
    assert count(Resident) == 599  # rows 2–601, but line 500
    again = client.post_form("/admin/import/confirm", {"state": confirm_state(first)})  # a double tap, a retry
    assert "已导入 600 / 1200 行" in text(again)
    assert count(Resident) == 599 and count(Unit) == 599
    confirm_all(client, second)
    assert count(Unit) == 1197 and count(Resident) == 1197
    residents = db.session.execute(sa.select(Resident.unit_id, Resident.name)).all()
    assert len(set(residents)) == len(residents)


def test_an_import_stopped_half_way_is_finished_by_uploading_the_file_again(client, big_check):
    client.post_form("/admin/import/confirm", {"state": confirm_state(big_check)})
    again = check_page(client, big_sheet(), "全小区.xlsx")
    assert "共 1200 行：新增 897 行，更新 0 行，无变化 300 行，有问题 3 行。" in text(again)
    confirm_all(client, again)
    assert count(Unit) == 1197 and count(Resident) == 1197


def test_with_htmx_each_batch_answers_with_its_progress_asking_for_the_next(client, big_check):
    response = client.post_form("/admin/import/confirm", {"state": confirm_state(big_check)},
                                headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert '<progress value="300" max="1200"' in body and "已导入 300 / 1200 行" in text(response)
    assert 'hx-trigger="load, submit"' in body
    figures, done = confirm_all(client, response, **{"HX-Request": "true"})
    assert figures == ["已导入 600 / 1200 行", "已导入 900 / 1200 行"]
    assert done.status_code == 200 and done.headers["HX-Redirect"] == "/admin/units"
    assert count(Resident) == 1197


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LOBBY, Role.CONCIERGE, Role.DEPARTMENT])
def test_only_an_admin_of_the_property_may_check_or_import(app, client, make, prop, role, big_check):
    state = confirm_state(big_check)
    other = app.test_client()
    user = make.user(f"{role.value}-2", {prop: [role]})
    other.login(user.username)
    assert other.get("/admin/import/check", query_string={"file": state}).status_code == 403
    assert other.post_form("/admin/import/confirm", {"state": state}).status_code == 403
    assert other.post_form("/admin/import/discard", {"state": state}).status_code == 403
    assert nothing_imported()


def test_an_admin_of_another_property_may_not_import_this_one_s_file(app, client, make, prop, big_check):
    tower = make.property("HD", "恒宇大厦")
    state = confirm_state(big_check)
    other = app.test_client()
    make.user("tower-admin", {tower: [Role.ADMIN]})
    other.login("tower-admin")
    assert other.get("/admin/import/check", query_string={"file": state}).status_code == 400
    assert other.post_form("/admin/import/confirm", {"state": state}).status_code == 400
    assert nothing_imported()
