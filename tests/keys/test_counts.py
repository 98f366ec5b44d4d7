"""Stock-take (盘点): ticks and scans of the keys found, offline-capable; the result against the register
and the open loans (missing, unexpected, misplaced), kept and printed."""
import sqlalchemy as sa

from models import db
from models.keys import Key, KeyClass, KeyCount

from ..pdf import pdf_text
from .conftest import loan_form


def start(client) -> KeyCount:
    response = client.post_form("/keys/counts")
    assert response.status_code == 302
    db.session.rollback()
    return db.session.scalar(sa.select(KeyCount).order_by(KeyCount.id.desc()))


def test_a_count_finds_a_key_missing_one_misplaced_and_one_unexpected(client, prop, staff, cabinet):
    db.session.add(Key(property_id=prop.id, tag="G-02", key_class=KeyClass.PUBLIC, opens="垃圾房", cabinet="A", hook="05"))
    db.session.commit()
    client.login("floor")
    count = start(client)
    assert client.post_form(f"/keys/counts/{count.id}/ticks", {"tag": "HY-K-G-01"}).status_code == 302
    assert client.post_form(f"/keys/counts/{count.id}/ticks", {"tag": "P-01", "hook": "A-07"}).status_code == 302
    assert client.post_form(f"/keys/counts/{count.id}/ticks", {"tag": "Z-99"}).status_code == 302
    assert client.post_form(f"/keys/counts/{count.id}/ticks", {"tag": "Y-01"}).status_code == 302
    page = client.get(f"/keys/counts/{count.id}").get_data(as_text=True)
    assert "目前结果" in page
    assert client.post_form(f"/keys/counts/{count.id}/finish").status_code == 302
    db.session.rollback()
    count = db.session.get(KeyCount, count.id)
    found = {row["tag"]: row["finding"] for row in count.result}
    assert found == {"G-01": "ok", "P-01": "misplaced", "Y-01": "ok", "G-02": "missing", "Z-99": "unexpected"}
    # Finished, it takes no more ticks, and prints.
    response = client.post_form(f"/keys/counts/{count.id}/ticks", {"tag": "G-02"})
    assert response.status_code == 422 and "已于" in response.get_data(as_text=True)
    text = pdf_text(client.get(f"/keys/counts/{count.id}/result.pdf").data)
    assert "钥匙盘点表" in text and "缺失" in text and "垃圾房" in text and "清单中没有此牌号" in text


def test_a_lent_key_is_expected_away_and_unexpected_on_its_hook(client, staff, cabinet):
    client.login("desk")
    client.post_form("/keys/issue", loan_form("G-01"))
    client.post_form("/logout")
    client.login("boss")
    count = start(client)
    client.post_form(f"/keys/counts/{count.id}/finish")
    db.session.rollback()
    assert {r["tag"]: r["finding"] for r in db.session.get(KeyCount, count.id).result}["G-01"] == "out"
    second = start(client)
    client.post_form(f"/keys/counts/{second.id}/ticks", {"tag": "G-01"})
    client.post_form(f"/keys/counts/{second.id}/finish")
    db.session.rollback()
    row = next(r for r in db.session.get(KeyCount, second.id).result if r["tag"] == "G-01")
    assert row["finding"] == "unexpected" and "登记为借出" in row["note"]


def test_the_lobby_does_not_count(client, staff, cabinet):
    client.login("desk")
    assert client.get("/keys/counts").status_code == 403
    assert client.post_form("/keys/counts").status_code == 403
