"""Residents told of their parcels through the one messaging interface: a notice queued at intake, a
reminder a day past the unclaimed limit (flask parcels-remind), the desk's 待通知 list where staff mark
them told, notices cancelled by the pick-up, and an SMS provider plugged in by configuration."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from models import Role, db
from models.resident_messages import MessageReason, MessageStatus, NotifiedVia, ResidentMessage

from .test_parcels import log_parcel, pick_up


class RecordingSender:
    """A stand-in SMS provider: keeps what it was asked to send."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        RecordingSender.sent.append((phone, text))


class RefusingSender:
    def send(self, phone: str, text: str) -> None:
        raise RuntimeError("余额不足")


@pytest.fixture
def desk(client, make, prop):
    home = make.unit(prop, "3", "1502")
    make.resident(home, "周建国", phone="13905511234")
    make.unit(prop, "3", "1601")  # no one in the archive
    user = make.user("desk", {prop: [Role.LOBBY]}, display_name="王前台")
    client.login("desk")
    return user


def messages() -> list[ResidentMessage]:
    db.session.commit()
    return list(db.session.scalars(sa.select(ResidentMessage).order_by(ResidentMessage.id)))


def remind(app) -> str:
    return app.test_cli_runner().invoke(args=["parcels-remind"]).output


def test_intake_queues_a_notice_for_the_desk_to_give(client, desk):
    parcel = log_parcel(client, recipient_name="")
    log_parcel(client, recipient_name="", unit="3-1601", tracking_no="YT1")  # no phone: no one to tell
    [notice] = messages()
    assert (notice.reason, notice.status, notice.phone, notice.recipient_name) == (
        MessageReason.PARCEL_WAITING, MessageStatus.PENDING, "13905511234", "周建国")
    assert (notice.subject_table, notice.subject_id, notice.link) == ("parcels", parcel.id, f"/parcels/{parcel.id}")
    assert notice.text == (f"【恒宇花园】您好，HY-3-1502 周建国 的顺丰包裹（单号尾号 9012）已到物业前台，"
                           f"取件编号 {parcel.number}，货架 A-3，请凭房号或手机尾号领取。")
    page = client.get("/parcels/notices").get_data(as_text=True)
    assert 'href="tel:13905511234"' in page and notice.text in page and "已电话通知" in page
    desk_panel = client.get("/dashboard").get_data(as_text=True)
    assert "条包裹通知待发" in desk_panel


def test_the_desk_marks_a_notice_told_once(client, desk):
    log_parcel(client, recipient_name="")
    [notice] = messages()
    response = client.post_form(f"/parcels/notices/{notice.id}/notified", {"via": "wechat"}, follow_redirects=True)
    assert "已标记 HY-3-1502 周建国 为已通知（微信）" in response.get_data(as_text=True)
    [notice] = messages()
    assert (notice.status, notice.via, notice.handled_by_id) == (MessageStatus.NOTIFIED, NotifiedVia.WECHAT, desk.id)
    told_at = notice.handled_at
    assert told_at is not None
    again = client.post_form(f"/parcels/notices/{notice.id}/notified", {"via": "phone"}, follow_redirects=True)
    assert "这条通知的状态是「已通知」，无需再标记" in again.get_data(as_text=True)
    [notice] = messages()
    assert (notice.via, notice.handled_at) == (NotifiedVia.WECHAT, told_at)
    page = client.get("/parcels/notices").get_data(as_text=True)
    assert "没有待通知的业户" in page and "王前台" in page  # under 今天已处理, with who told them
    assert client.post_form(f"/parcels/notices/{notice.id}/notified", {"via": "sms"}).status_code == 302
    assert messages()[0].via is NotifiedVia.WECHAT  # only phone or WeChat are the desk's to mark


def test_a_collected_parcels_notices_are_cancelled(client, desk):
    parcel = log_parcel(client, recipient_name="")
    pick_up(client, parcel)
    [notice] = messages()
    assert notice.status is MessageStatus.CANCELLED and notice.handled_at is not None
    assert "没有待通知的业户" in client.get("/parcels/notices").get_data(as_text=True)


def test_a_parcel_unclaimed_past_the_limit_is_reminded_once_a_day(app, client, desk, clock):
    parcel = log_parcel(client, recipient_name="")
    kept = log_parcel(client, tracking_no="JD1", carrier="jd")
    assert "HY: 0 parcel reminders queued" in remind(app)  # not three days yet
    clock.shift(timedelta(days=3, hours=1))
    assert "HY: 2 parcel reminders queued" in remind(app)
    assert "HY: 0 parcel reminders queued" in remind(app)  # idempotent: once a day
    waiting, waiting_jd, reminder, reminder_jd = messages()
    assert (reminder.reason, reminder.status, reminder.subject_id) == (
        MessageReason.PARCEL_REMINDER, MessageStatus.PENDING, parcel.id)
    assert "已在物业前台存放 3 天" in reminder.text and parcel.number in reminder.text
    assert waiting.status is MessageStatus.CANCELLED  # the reminder replaces the notice not yet told
    pick_up(client, kept)
    clock.shift(timedelta(days=1))
    assert "HY: 1 parcel reminders queued" in remind(app)  # the next day, the one still waiting
    *_earlier, today = messages()
    assert today.subject_id == parcel.id and "存放 4 天" in today.text
    assert reminder.status is MessageStatus.CANCELLED and reminder_jd.status is MessageStatus.CANCELLED
    app.config["PARCEL_UNCLAIMED_DAYS"] = 7
    clock.shift(timedelta(days=1))
    assert "HY: 0 parcel reminders queued" in remind(app)  # the setting decides


def test_an_sms_provider_plugs_in_by_configuration(app, client, desk):
    log_parcel(client, recipient_name="")
    runner = app.test_cli_runner()
    assert "nothing to send" in runner.invoke(args=["messages-send"]).output  # the desk's by default
    assert messages()[0].status is MessageStatus.PENDING
    app.config["RESIDENT_MESSAGE_CHANNEL"] = "tests.parcels.test_notices:RefusingSender"
    assert "HY: 0 messages sent, 1 failed." in runner.invoke(args=["messages-send"]).output
    [notice] = messages()
    assert (notice.status, notice.error) == (MessageStatus.FAILED, "余额不足")
    page = client.get("/parcels/notices").get_data(as_text=True)
    assert "短信发送失败：余额不足" in page and "13905511234" in page  # back to the desk, to call

    log_parcel(client, recipient_name="", tracking_no="ZT1", carrier="zto")
    RecordingSender.sent.clear()
    app.config["RESIDENT_MESSAGE_CHANNEL"] = "tests.parcels.test_notices:RecordingSender"
    assert "HY: 1 messages sent, 0 failed." in runner.invoke(args=["messages-send"]).output
    failed, sent = messages()
    assert [phone for phone, _text in RecordingSender.sent] == ["13905511234"]
    assert RecordingSender.sent[0][1] == sent.text and "中通包裹" in sent.text
    assert (sent.status, sent.via, failed.status) == (MessageStatus.SENT, NotifiedVia.SMS, MessageStatus.FAILED)
    app.config["RESIDENT_MESSAGE_CHANNEL"] = "no-such-provider"
    assert runner.invoke(args=["messages-send"]).exit_code != 0


def test_other_properties_notices_are_never_seen_nor_marked(app, client, desk, make):
    other = make.property("HD", "恒宇大厦")
    make.resident(make.unit(other, "1", "101"), "钱多多", phone="13700001111")
    make.user("hd-desk", {other: [Role.LOBBY]})
    their_desk = app.test_client()
    their_desk.login("hd-desk")
    log_parcel(their_desk, recipient_name="", unit="1-101")
    [foreign] = messages()
    page = client.get("/parcels/notices").get_data(as_text=True)
    assert "13700001111" not in page and "钱多多" not in page
    assert client.post_form(f"/parcels/notices/{foreign.id}/notified", {"via": "phone"}).status_code == 404
    assert messages()[0].status is MessageStatus.PENDING
    assert "13700001111" in their_desk.get("/parcels/notices").get_data(as_text=True)


@pytest.mark.parametrize(("role", "status"), [
    (Role.LOBBY, 200), (Role.SUPERVISOR, 200), (Role.CONCIERGE, 403), (Role.ADMIN, 403), (Role.DEPARTMENT, 403),
])
def test_who_sees_the_numbers_to_call(client, login_as, role, status):
    login_as(role)
    assert client.get("/parcels/notices").status_code == status
    assert client.post_form("/parcels/notices/1/notified", {"via": "phone"}).status_code == (
        404 if status == 200 else 403)
