"""The residents register's Excel export: the residents the list shows as filtered, phones masked as there."""
from models import Role

from ..xlsx import xlsx_records, xlsx_rows


def test_the_export_holds_the_residents_the_list_shows_with_phones_masked(client, make, prop, login_as):
    login_as(Role.ADMIN)
    make.resident(make.unit(prop, "3", "1001"), "王五", phone="13700002222")
    make.resident(make.unit(prop, "3", "101"), "张三", phone="13812345678", id_number="34010419900101123X")
    make.resident(make.unit(prop, "3", "102"), "张小三", phone="13900001111")
    other = make.property("HD", "恒宇大厦")
    make.resident(make.unit(other, "1", "101"), "赵六", phone="13600003333")
    everything = xlsx_records(client.get("/admin/residents.xlsx"))
    assert [r["姓名"] for r in everything] == ["张三", "张小三", "王五"]  # by unit: 101, 102, 1001
    assert everything[0] == {"姓名": "张三", "房屋": "HY-3-101", "身份": "业主", "电话": "138****5678"}
    cells = {str(cell) for row in xlsx_rows(client.get("/admin/residents.xlsx")) for cell in row}
    assert not any("13812345678" in c or "34010419900101123X" in c for c in cells)
    found = xlsx_records(client.get("/admin/residents.xlsx", query_string={"q": "zs", "sort": "-unit"}))
    assert [r["姓名"] for r in found] == ["张三"]
    assert [r["房屋"] for r in xlsx_records(client.get("/admin/residents.xlsx?sort=-unit"))] == [
        "HY-3-1001", "HY-3-102", "HY-3-101"]
