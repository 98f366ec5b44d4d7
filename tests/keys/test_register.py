"""The key register: admins and supervisors keep it; everyone at the desk finds a key by tag, part of
its number or place, or by scanning its label; the list exports and prints per class."""
import sqlalchemy as sa

from models import Role, db
from models.keys import Key, KeyClass

from ..pdf import assert_cjk_font_embedded_as_subset, pdf_text
from ..xlsx import xlsx_records
from .conftest import loan_form

KEY = {"tag": "p-09", "key_class": "plant", "opens": "屋顶风机房", "building_id": "", "floor": "RF", "unit": "",
       "cabinet": "a", "hook": "09", "copies": "2", "status": "active", "note": ""}


def test_a_supervisor_registers_a_key_and_the_tag_is_written_as_printed(client, staff):
    client.login("boss")
    response = client.post_form("/keys/new", KEY)
    assert response.status_code == 302
    key = db.session.scalar(sa.select(Key).where(Key.tag == "P-09"))
    assert (key.key_class, key.opens, key.position, key.copies) == (KeyClass.PLANT, "屋顶风机房", "A-09", 2)


def test_a_tag_is_taken_once_and_what_was_typed_is_kept(client, staff, cabinet):
    client.login("boss")
    response = client.post_form("/keys/new", {**KEY, "tag": "P-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "牌号 P-01 已用于「B2 水泵房」" in page and "屋顶风机房" in page


def test_an_entrusted_key_needs_its_unit(client, staff):
    client.login("boss")
    response = client.post_form("/keys/new", {**KEY, "key_class": "entrusted"})
    assert response.status_code == 422 and "业主委托钥匙请填写房号" in response.get_data(as_text=True)


def test_the_desk_may_not_change_the_register(client, staff, cabinet):
    client.login("desk")
    assert client.get("/keys/new").status_code == 403
    assert client.post_form("/keys/new", KEY).status_code == 403
    assert client.get(f"/keys/{cabinet['G-01'].id}/edit").status_code == 403


def test_search_by_part_of_the_tag_or_the_place_and_scan_a_label(client, staff, cabinet):
    client.login("desk")
    page = client.get("/keys/?q=p-0").get_data(as_text=True)
    assert "B2 水泵房" in page and "天台门" not in page
    assert "天台门" in client.get("/keys/?q=天台").get_data(as_text=True)
    assert "入户门" in client.get("/keys/?q=3-1502").get_data(as_text=True)
    response = client.get("/keys/scan?tag=HY-K-P-01")
    assert response.headers["Location"] == f"/keys/{cabinet['P-01'].id}"


def test_another_propertys_key_is_not_found(client, make, staff, cabinet):
    tower = make.property("HD", "恒宇大厦")
    make.user("other", {tower: [Role.SUPERVISOR]})
    client.login("other")
    assert client.get(f"/keys/{cabinet['G-01'].id}").status_code == 404
    assert "B2 水泵房" not in client.get("/keys/").get_data(as_text=True)


def test_the_list_exports_to_excel(client, staff, cabinet):
    client.login("desk")
    [row] = xlsx_records(client.get("/keys/export.xlsx?class=plant"))
    assert (row["牌号"], row["类别"], row["开启部位"]) == ("P-01", "设备机房", "B2 水泵房")


def test_the_key_list_of_a_class_and_the_labels_print_in_chinese(client, staff, cabinet, tmp_path):
    client.login("boss")
    pdf = client.get("/keys/list.pdf?class=plant").data
    text = pdf_text(pdf)
    assert "钥匙治理清单" in text and "B2 水泵房" in text and "天台门" not in text
    assert_cjk_font_embedded_as_subset(pdf, tmp_path)
    labels = pdf_text(client.get("/keys/labels.pdf").data)
    assert "钥匙牌二维码标签" in labels and "G-01" in labels and "P-01" in labels


def test_a_supervisor_edits_a_key_and_the_change_is_audited(client, staff, cabinet):
    client.login("boss")
    key = cabinet["G-01"]
    response = client.post_form(f"/keys/{key.id}/edit", {**KEY, "tag": "G-01", "key_class": "public",
                                                          "opens": "3 号楼天台门（新锁）", "status": "lost"})
    assert response.status_code == 302
    db.session.refresh(key)
    assert key.opens == "3 号楼天台门（新锁）" and key.status.value == "lost"
    assert "遗失" in client.get(f"/keys/{key.id}").get_data(as_text=True)
    assert client.post_form("/keys/issue", {"tag": "G-01"}).status_code == 422  # a lost key is not lent


def test_records_of_another_property_are_not_found(client, make, staff, cabinet):
    client.login("desk")
    client.post_form("/keys/issue", loan_form("G-01"))
    client.post_form("/keys/issue", loan_form("P-01", signature=""))
    client.post_form("/logout")
    tower = make.property("HD", "恒宇大厦")
    make.user("other", {tower: [Role.SUPERVISOR]})
    client.login("other")
    for path in ("/keys/loans/1", "/keys/requests/1", f"/keys/{cabinet['Y-01'].id}/authorisations/new"):
        assert client.get(path).status_code == 404, path
    assert client.post_form("/keys/requests/1/cancel").status_code == 404
    assert "周师傅" not in client.get("/keys/loans").get_data(as_text=True)
    assert client.get("/keys/issue?request=1").get_data(as_text=True).count("水泵保养") == 0
