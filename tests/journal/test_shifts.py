import io
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from models import Role, db
from models.tickets import Ticket
from models.journal import CheckResult, JournalEvent, Shift, ShiftStatus

from ..pdf import assert_cjk_font_embedded_as_subset, pdf_text


@pytest.fixture
def desk(make, prop):
    make.unit(prop, "3", "1502")
    make.user("next", {prop: [Role.LOBBY]}, display_name="赵接班")
    return make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")


def open_lobby_shift(client) -> Shift:
    assert client.post_form("/journal/shifts", {"post": "lobby"}).status_code == 302
    db.session.commit()
    return db.session.scalar(sa.select(Shift).order_by(Shift.id.desc()))


def answer_all(client, shift, abnormal=None):
    for check in shift.checks:
        result = "abnormal" if check.key == abnormal else "ok"
        response = client.post_form(f"/journal/shifts/{shift.id}/checks/{check.id}",
                                    {"result": result, "note": "左侧感应门不开" if result == "abnormal" else ""},
                                    headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert response.get_data(as_text=True).lstrip().startswith(f'<tr id="check-{check.id}"')


def test_a_shift_opens_with_the_lobby_checklist_and_one_per_post(client, desk):
    client.login("desk")
    shift = open_lobby_shift(client)
    assert shift.number.startswith("HY-BC-")
    assert [c.key for c in shift.checks] == ["doors", "lights_fire", "climate", "clean", "lifts_gates"]
    response = client.post_form("/journal/shifts", {"post": "lobby"}, follow_redirects=True)
    assert "已有 王前台 在值班" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Shift.id))) == 1


def test_an_abnormal_check_needs_a_note_and_becomes_a_ticket_in_one_step(client, desk):
    client.login("desk")
    shift = open_lobby_shift(client)
    door = shift.checks[0]
    response = client.post_form(f"/journal/shifts/{shift.id}/checks/{door.id}", {"result": "abnormal", "note": ""})
    assert response.status_code == 422 and "异常请写明情况" in response.get_data(as_text=True)
    client.post_form(f"/journal/shifts/{shift.id}/checks/{door.id}", {"result": "abnormal", "note": "左侧感应门不开"})
    client.post_form(f"/journal/shifts/{shift.id}/checks/{door.id}/ticket")
    db.session.refresh(door)
    ticket = db.session.get(Ticket, door.ticket_id)
    assert door.result is CheckResult.ABNORMAL
    assert ticket.description == "左侧感应门不开" and ticket.source.value == "patrol"
    assert client.post_form(f"/journal/shifts/{shift.id}/checks/{door.id}/ticket", follow_redirects=True).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1  # not twice


def test_events_keep_device_time_and_edits_keep_the_original(client, desk):
    client.login("desk")
    shift = open_lobby_shift(client)
    done_at = (datetime.now(timezone.utc) - timedelta(hours=1)).replace(microsecond=0).isoformat()
    response = client.post(
        f"/journal/shifts/{shift.id}/events",
        data={"kind": "general", "text": "3号楼停水通知已张贴", "unit": ""},
        headers={"X-Idempotency-Key": "e" * 32, "X-Offline-Submit": "1", "X-CSRFToken": client.csrf_token(),
                 "X-Client-Time": done_at},
    )
    assert response.status_code == 201
    event = db.session.scalar(sa.select(JournalEvent))
    assert event.at.isoformat() == done_at
    client.post_form(f"/journal/events/{event.id}/revise", {"text": "3号楼停水通知已张贴（明早 8 点恢复）"})
    db.session.refresh(event)
    assert event.text.endswith("恢复）") and event.revisions[0]["text"] == "3号楼停水通知已张贴"
    bad = client.post_form(f"/journal/shifts/{shift.id}/events", {"kind": "general", "text": "x", "unit": "9-9"})
    assert bad.status_code == 422 and "本项目没有这个房号" in bad.get_data(as_text=True)


def test_handover_needs_the_checklist_then_compiles_open_items_and_the_next_shift_confirms(client, desk, make, prop):
    client.login("desk")
    shift = open_lobby_shift(client)
    response = client.post_form(f"/journal/shifts/{shift.id}/hand-over", {"notes": "x"})
    assert response.status_code == 422 and "接班检查还有未填写的项目" in response.get_data(as_text=True)
    answer_all(client, shift, abnormal="doors")
    client.post_form("/tickets/new", {"category": "repair", "unit": "3-1502", "description": "阳台漏水",
                                      "source": "phone", "nature": "normal", "caller_name": "张三",
                                      "caller_phone": "13812345678"})
    # An item held for an owner: the journal leads to its own form (lost-and-found), no longer an event kind.
    page = client.get(f"/journal/shifts/{shift.id}").get_data(as_text=True)
    assert 'href="/lost-found/held/new"' in page and 'value="held_item"' not in page
    old_kind = client.post_form(f"/journal/shifts/{shift.id}/events", {"kind": "held_item", "text": "钥匙", "unit": "3-1502"})
    assert old_kind.status_code == 422 and "代为保管登记" in old_kind.get_data(as_text=True)
    assert client.post_form("/lost-found/held/new", {"description": "业主钥匙一串代保管", "for_name": "张三", "unit": "3-1502",
                                                     "left_by_kind": "owner", "storage_place": "前台抽屉"}).status_code == 302
    assert client.post_form(f"/journal/shifts/{shift.id}/hand-over", {"notes": "电梯维保明早 9 点"}).status_code == 302
    db.session.refresh(shift)
    sections = {item["section"] for item in shift.handover_items}
    assert sections == {"未反馈客户的报事", "代为保管物品"}
    assert any("阳台漏水" in item["text"] for item in shift.handover_items)

    same = client.post_form(f"/journal/shifts/{shift.id}/confirm", {"username": "desk", "password": "correct-horse-9"})
    assert "接班人不能是交班人本人" in same.get_data(as_text=True)
    wrong = client.post_form(f"/journal/shifts/{shift.id}/confirm", {"username": "next", "password": "nope"})
    assert wrong.status_code == 422 and "用户名或密码不正确" in wrong.get_data(as_text=True)
    ok = client.post_form(f"/journal/shifts/{shift.id}/confirm", {"username": "next", "password": "correct-horse-9"})
    assert ok.status_code == 302
    db.session.refresh(shift)
    assert shift.status is ShiftStatus.CLOSED and shift.incoming.username == "next"
    following = db.session.get(Shift, shift.next_shift_id)
    assert following.staff.username == "next" and following.status is ShiftStatus.OPEN
    again = client.post_form(f"/journal/shifts/{shift.id}/confirm", {"username": "next", "password": "correct-horse-9"})
    assert "已经确认过" in again.get_data(as_text=True)

    client.post_form("/logout")
    make.user("boss", {prop: [Role.SUPERVISOR]})
    client.login("boss")
    pdf = client.get(f"/journal/shifts/{shift.id}/handover.pdf")
    text = pdf_text(pdf.data)
    for expected in ("交接班记录表", "王前台", "赵接班", "阳台漏水", "代保管", "电梯维保明早", "左侧感应门不开"):
        assert expected in text, expected
    assert_cjk_font_embedded_as_subset(pdf.data, __import__("pathlib").Path(__import__("tempfile").mkdtemp()))


def test_only_the_staff_on_duty_write_their_shift(client, desk, make, prop):
    client.login("desk")
    shift = open_lobby_shift(client)
    client.post_form("/logout")
    client.login("next")
    check = shift.checks[0]
    assert client.post_form(f"/journal/shifts/{shift.id}/checks/{check.id}", {"result": "ok"}).status_code == 403
    assert client.post_form(f"/journal/shifts/{shift.id}/hand-over", {"notes": ""}).status_code == 403


def test_day_journal_prints(client, desk):
    client.login("desk")
    shift = open_lobby_shift(client)
    client.post_form(f"/journal/shifts/{shift.id}/events", {"kind": "call", "text": "业主来电询问停车"})
    day = shift.opened_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).date().isoformat()
    text = pdf_text(client.get(f"/journal/day.pdf?date={day}").data)
    assert "值班日志" in text and "业主来电询问停车" in text and re.search(r"大堂前台", text)


def test_the_open_shift_form_preselects_the_users_own_post(client, login_as):
    login_as(Role.CONCIERGE)
    page = client.get("/journal/").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="floor"|<input[^>]*value="floor"[^>]*checked', page)


def test_the_checklist_is_answered_in_one_tap_with_exceptions_marked_first(client, desk):
    client.login("desk")
    shift = open_lobby_shift(client)
    door = shift.checks[0]
    client.post_form(f"/journal/shifts/{shift.id}/checks/{door.id}", {"result": "abnormal", "note": "左侧感应门不开"})
    assert client.post_form(f"/journal/shifts/{shift.id}/checks/all-ok").status_code == 302
    db.session.expire_all()
    assert [c.result.value for c in shift.checks] == ["abnormal", "ok", "ok", "ok", "ok"]
    assert shift.checks[0].note == "左侧感应门不开" and shift.checklist_done
    assert "其余全部正常" not in client.get(f"/journal/shifts/{shift.id}").get_data(as_text=True)


def test_the_hand_over_notice_goes_with_the_last_line_answered(client, desk):
    client.login("desk")
    shift = open_lobby_shift(client)
    *first, last = shift.checks
    for check in first:
        client.post_form(f"/journal/shifts/{shift.id}/checks/{check.id}", {"result": "ok"}, headers={"HX-Request": "true"})
    row = client.post_form(f"/journal/shifts/{shift.id}/checks/{last.id}", {"result": "ok"},
                           headers={"HX-Request": "true"}).get_data(as_text=True)
    (notice,) = re.findall(r'<p id="checklist-notice"[^>]*>', row)  # swapped in out of band
    assert 'hx-swap-oob="true"' in notice and "hidden" in notice


def test_the_signatures_never_stand_alone_on_the_handover_sheets_last_page(client, desk):
    """However many events fill the sheet, its last page holds more than the signature boxes."""
    client.login("desk")
    shift = open_lobby_shift(client)
    answer_all(client, shift)
    pages_seen = set()
    for n in range(1, 26):
        db.session.add(JournalEvent(property_id=shift.property_id, shift=shift, kind="call", text=f"第{n}条来电记录",
                                    at=shift.opened_at + timedelta(minutes=n), author=desk))
        db.session.commit()
        reader = PdfReader(io.BytesIO(client.get(f"/journal/shifts/{shift.id}/handover.pdf").data))
        pages_seen.add(len(reader.pages))
        if len(reader.pages) > 1:
            last = reader.pages[-1].extract_text()
            assert "条来电记录" in last or "移交事项" in last, f"{n} events: the last page has the signatures only"
    assert pages_seen >= {1, 2}  # the sheet did run onto a second page
