"""Overdue keys: not back by the expected time, or by the borrower's end of shift, they turn red on the
dashboard, appear on the shift handover, and after their class's grace the supervisor is told, once."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from models import clock as app_clock
from models import db
from models.journal import Shift
from models.notifications import Notification

from ..journal.test_shifts import answer_all
from ..pdf import pdf_text
from .conftest import loan_form, loans


def notifications(user) -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Notification.text).where(Notification.user_id == user.id)))


def test_an_overdue_key_is_red_on_the_dashboard_and_in_the_list(client, clock, staff, cabinet):
    client.login("desk")
    client.post_form("/keys/issue", loan_form("G-01"))
    page = client.get("/dashboard").get_data(as_text=True)
    assert "钥匙都已按时归还" in page
    clock.shift(timedelta(hours=2, minutes=5))
    page = client.get("/dashboard").get_data(as_text=True)
    panel = page.split("超时未还的钥匙", 1)[1].split("</section>", 1)[0]
    assert "G-01" in panel and "tag danger" in panel and "安达维保 周师傅" in panel
    assert "G-01" in client.get("/keys/?state=overdue").get_data(as_text=True)
    assert "P-01" not in client.get("/keys/?state=overdue").get_data(as_text=True)


def test_the_end_of_the_borrowers_shift_comes_first(client, clock, staff, cabinet):
    client.login("desk")
    shift_end = (app_clock.now() + timedelta(hours=1)).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")
    client.post_form("/keys/issue", loan_form("G-01", borrower_kind="staff", shift_end=shift_end))
    [loan] = loans()
    assert loan.due_at == loan.shift_ends_at < loan.expected_return_at
    clock.shift(timedelta(hours=1, minutes=5))
    assert "G-01" in client.get("/keys/?state=overdue").get_data(as_text=True)


def test_the_handover_lists_the_overdue_keys(client, clock, staff, cabinet):
    client.login("desk")
    client.post_form("/keys/issue", loan_form("G-01"))
    clock.shift(timedelta(hours=2, minutes=5))
    assert client.post_form("/journal/shifts", {"post": "lobby"}).status_code == 302
    shift = db.session.scalar(sa.select(Shift))
    page = client.get(f"/journal/shifts/{shift.id}").get_data(as_text=True)
    assert "超时未还的钥匙" in page and "G-01 3 号楼天台门" in page
    answer_all(client, shift)
    assert client.post_form(f"/journal/shifts/{shift.id}/hand-over", {"notes": ""}).status_code == 302
    client.post_form("/logout")
    client.login("boss")
    text = pdf_text(client.get(f"/journal/shifts/{shift.id}/handover.pdf").data)
    assert "超时未还的钥匙" in text and "G-01" in text


def test_the_supervisor_is_told_once_after_the_grace(app, client, clock, staff, cabinet):
    client.login("desk")
    client.post_form("/keys/issue", loan_form("G-01"))
    runner = app.test_cli_runner()
    clock.shift(timedelta(hours=2, minutes=10))  # overdue, within the 15 minutes' grace
    db.session.commit()
    assert "0 overdue keys notified" in runner.invoke(args=["keys-overdue"]).output
    assert notifications(staff["supervisor"]) == []
    clock.shift(timedelta(minutes=10))
    db.session.commit()
    assert "1 overdue keys notified" in runner.invoke(args=["keys-overdue"]).output
    [told] = notifications(staff["supervisor"])
    assert "钥匙超时未还：G-01 3 号楼天台门" in told
    assert notifications(staff["lobby"]) == []
    db.session.commit()
    assert "0 overdue keys notified" in runner.invoke(args=["keys-overdue"]).output
    assert len(notifications(staff["supervisor"])) == 1


def test_the_grace_is_per_class(app, client, clock, staff, cabinet):
    app.config["KEYS_GRACE_MINUTES"] = {"default": 15, "public": 60}
    client.login("desk")
    client.post_form("/keys/issue", loan_form("G-01"))
    clock.shift(timedelta(hours=2, minutes=30))
    db.session.commit()
    app.test_cli_runner().invoke(args=["keys-overdue"])
    assert notifications(staff["supervisor"]) == []
