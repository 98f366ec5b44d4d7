"""Rounds from schedules, and a round walked checkpoint by checkpoint (issue 7 items 1, 2, 4)."""
import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa

from models import IdempotencyKey, Role, db
from models.patrols import Outcome, PatrolResult, PatrolRound, Presence, RoundStatus
from models.tickets import Ticket

from .helpers import SHANGHAI, device_time, make_round, make_route, post_result, results_of


def rounds() -> list[PatrolRound]:
    db.session.commit()
    return list(db.session.scalars(sa.select(PatrolRound).order_by(PatrolRound.scheduled_for)))


def error_text(response) -> str:
    return " ".join(re.findall(r'class="(?:form-)?error[^"]*"[^>]*>([^<]+)<', response.get_data(as_text=True)))


@pytest.fixture
def route(prop):
    return make_route(prop)


def test_the_schedule_command_makes_the_days_rounds_once_and_marks_late_ones_missed(app, prop, route):
    runner = app.test_cli_runner()
    past = date(2026, 1, 5)
    for _ in range(2):
        result = runner.invoke(args=["patrols-schedule", "--date", past.isoformat()])
        assert result.exit_code == 0, result.output
    made = rounds()
    assert [r.scheduled_for.astimezone(SHANGHAI).time() for r in made] == [time(9), time(15)]
    assert [r.number for r in made] == ["HY-XC-20260105-0001", "HY-XC-20260105-0002"]  # no number lost on reruns
    assert all(r.status is RoundStatus.MISSED for r in made)  # their window closed long ago
    assert made[0].due_by - made[0].scheduled_for == timedelta(minutes=120)

    later = date.today() + timedelta(days=2)
    route.schedules[1].weekdays = "".join(str(d) for d in range(1, 8) if d != later.isoweekday())
    db.session.commit()
    assert "1 rounds made" in runner.invoke(args=["patrols-schedule", "--date", later.isoformat()]).output
    assert [r.status for r in rounds()[2:]] == [RoundStatus.DUE]  # 15:00 does not run that weekday


def test_the_patrol_page_shows_todays_rounds_when_cron_has_not_made_them(client, prop, route, login_as):
    login_as(Role.CONCIERGE)
    page = client.get("/patrols/").get_data(as_text=True)
    assert rounds() == []  # a GET writes nothing
    assert page.count("<strong>" + route.name) == 2 and page.count("未开始") == 2
    assert page.count("0 / 3 个检查点") == 2
    today = datetime.now(SHANGHAI).date()
    start = f"/patrols/schedules/{route.schedules[0].id}/{today.isoformat()}/start"
    assert start in page
    for _ in range(2):  # a second tap opens the same round
        response = client.post_form(start)
        assert response.status_code == 303
    (made,) = rounds()
    assert response.headers["Location"] == f"/patrols/rounds/{made.id}"
    assert made.scheduled_for.astimezone(SHANGHAI).date() == today and made.number.startswith("HY-XC-")
    assert made.schedule_id == route.schedules[0].id and made.status is RoundStatus.DUE


def test_a_scheduled_round_is_not_started_for_a_foreign_schedule(client, make, prop, login_as):
    other = make.property("HD", "恒宇大厦")
    foreign = make_route(other)
    login_as(Role.CONCIERGE)
    today = datetime.now(SHANGHAI).date()
    assert client.post_form(f"/patrols/schedules/{foreign.schedules[0].id}/{today.isoformat()}/start").status_code == 404
    assert client.post_form(f"/patrols/schedules/{foreign.schedules[0].id}/someday/start").status_code == 404
    assert rounds() == []


def test_a_round_is_walked_with_device_times_and_finished(client, prop, route, login_as):
    user = login_as(Role.CONCIERGE)
    round_ = make_round(prop, route)
    start, first_done, second_done, third_done, end = (device_time(m) for m in (20, 15, 11, 8, 5))
    page = client.get(f"/patrols/rounds/{round_.id}")
    assert page.status_code == 200 and page.headers["X-Offline-Page"] == "1"
    started = client.post(f"/patrols/rounds/{round_.id}/start", headers={
        "X-Idempotency-Key": "s" * 32, "X-Offline-Submit": "1", "X-CSRFToken": client.csrf_token(),
        "X-Client-Time": start})
    assert started.status_code == 201
    db.session.refresh(round_)
    assert round_.status is RoundStatus.IN_PROGRESS and round_.started_by_id == user.id
    assert round_.started_at.isoformat() == start

    first, second, third = route.checkpoints
    response = post_result(client, round_, first, key="r1" * 16, client_time=first_done)
    assert response.status_code == 201 and response.json["location"].endswith(f"#cp-{second.id}")
    post_result(client, round_, second, "skipped", code="", key="r2" * 16, client_time=second_done,
                reason="区域封闭施工")
    refused = client.post_form(f"/patrols/rounds/{round_.id}/finish", {"note": ""})
    assert refused.status_code == 422
    assert "还有 1 个检查点未完成：中心花园" in error_text(refused).replace("1层 ", "")
    post_result(client, round_, third, key="r3" * 16, client_time=third_done)
    finished = client.post(f"/patrols/rounds/{round_.id}/finish", data={"note": "一切正常"}, headers={
        "X-Idempotency-Key": "f" * 32, "X-Offline-Submit": "1", "X-CSRFToken": client.csrf_token(),
        "X-Client-Time": end})
    assert finished.status_code == 201
    db.session.refresh(round_)
    assert round_.status is RoundStatus.DONE and round_.finished_at.isoformat() == end
    done = {r.checkpoint_id: r for r in results_of(round_)}
    assert [done[c.id].done_at.isoformat() for c in route.checkpoints] == [first_done, second_done, third_done]
    assert [(done[c.id].outcome, done[c.id].presence) for c in route.checkpoints] == [
        (Outcome.OK, Presence.SCANNED), (Outcome.SKIPPED, Presence.NONE), (Outcome.OK, Presence.SCANNED)]
    assert done[second.id].skip_reason == "区域封闭施工"
    # Finished twice: nothing changes.
    assert client.post_form(f"/patrols/rounds/{round_.id}/finish", {"note": "again"}).status_code == 303
    db.session.refresh(round_)
    assert round_.note == "一切正常"


def test_results_sent_before_the_start_arrives_start_the_round(client, prop, route, login_as):
    login_as(Role.CONCIERGE)
    round_ = make_round(prop, route, hours_ago=3)
    round_.status = RoundStatus.MISSED  # cron gave up on it while the tablet was offline
    db.session.commit()
    walked_at = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=10)
    assert post_result(client, round_, route.checkpoints[0], client_time=walked_at.isoformat(),
                       key="k" * 32).status_code == 201
    db.session.refresh(round_)
    assert round_.status is RoundStatus.IN_PROGRESS and round_.started_at == walked_at
    assert round_.started_late  # walked after its window: late, no longer missed


def test_a_wrong_code_is_refused_in_chinese_next_to_the_code_field(client, make, prop, login_as):
    route = make_route(prop)
    other_route = make_route(prop, name="地下车库巡查", codes=("G1",))
    other_prop = make.property("HD", "恒宇大厦")
    make_route(other_prop, name="大厦巡查", codes=("Z9",))
    login_as(Role.CONCIERGE)
    round_ = make_round(prop, route)
    first, second = route.checkpoints[:2]
    cases = {
        "G1": "是路线「地下车库巡查」的检查点「1层 大堂」，不在本次巡查的路线「公共区域日常巡查」上",
        "HY-B2": "是本路线的另一个检查点「1层 电梯厅」，不是「1层 大堂」",
        "HD-Z9": "是其他项目的检查点标签",
        "Z9": "是其他项目的检查点编码",
        "QQQQ": "没有编码为「QQQQ」的检查点",
    }
    for code, message in cases.items():
        response = post_result(client, round_, first, code=code)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        field = re.search(rf'<div class="field\s+has-error" id="field-cp{first.id}-code">(.*?)</div>', html, re.S)
        assert field and message in field.group(1), (code, error_text(response))
    assert results_of(round_) == []
    assert other_route.checkpoints[0].code == "G1"
    # Typed in lower case, with the property's prefix or full-width letters: all the same label.
    assert post_result(client, round_, first, code="hy-a1").status_code == 303
    assert post_result(client, round_, second, code="Ｂ２").status_code == 303
    # With the prefix it came from the QR (a scanner types it); the short code alone was typed.
    assert [r.presence for r in results_of(round_)] == [Presence.SCANNED, Presence.TYPED]


def test_a_skip_needs_a_reason_and_an_abnormal_needs_a_note(client, prop, route, login_as):
    login_as(Role.CONCIERGE)
    round_ = make_round(prop, route)
    checkpoint = route.checkpoints[0]
    skipped = post_result(client, round_, checkpoint, "skipped", reason=" ")
    assert skipped.status_code == 422 and "跳过检查点必须写明原因" in error_text(skipped)
    abnormal = post_result(client, round_, checkpoint, "abnormal", note="")
    assert abnormal.status_code == 422 and "请写明异常情况" in error_text(abnormal)
    assert results_of(round_) == [] and db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0


def test_a_replayed_result_creates_nothing_and_a_different_one_is_refused(client, prop, route, login_as):
    login_as(Role.CONCIERGE)
    round_ = make_round(prop, route)
    checkpoint = route.checkpoints[0]
    first = post_result(client, round_, checkpoint, key="a" * 32)
    again = post_result(client, round_, checkpoint, key="a" * 32)
    assert first.status_code == 201 and again.status_code == 201 and again.json["replayed"] is True
    # The same result sent again under a new key (a second tablet, a double tap): still one.
    assert post_result(client, round_, checkpoint, key="b" * 32).status_code == 201
    assert len(results_of(round_)) == 1
    changed = post_result(client, round_, checkpoint, "skipped", reason="门锁无法进入", key="c" * 32)
    assert changed.status_code == 422 and "此检查点已记录为「正常」" in changed.get_data(as_text=True)
    assert len(results_of(round_)) == 1
    assert db.session.scalar(sa.select(sa.func.count(IdempotencyKey.id))) == 2


def test_the_database_keeps_one_result_per_checkpoint_and_one_round_per_time(app, prop, route, make):
    user = make.user("c1", {prop: [Role.CONCIERGE]})
    round_ = make_round(prop, route)
    at = datetime.now(timezone.utc)
    for _ in range(2):
        db.session.add(PatrolResult(property_id=prop.id, round=round_, checkpoint=route.checkpoints[0],
                                    outcome=Outcome.OK, done_at=at, recorded_by=user))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(PatrolRound(property_id=prop.id, number="X-1", route=route, scheduled_for=round_.scheduled_for,
                               due_by=round_.due_by))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(PatrolResult(property_id=prop.id, round=round_, checkpoint=route.checkpoints[0],
                                outcome=Outcome.SKIPPED, done_at=at, recorded_by=user))
    with pytest.raises(sa.exc.IntegrityError):  # a skip without a reason
        db.session.commit()
    db.session.rollback()


def test_a_round_of_another_property_is_404_and_roles_are_enforced(client, make, prop, route, login_as):
    other = make.property("HD", "恒宇大厦")
    foreign = make_round(other, make_route(other, name="大厦巡查", codes=("Z9",)))
    own = make_round(prop, route)
    login_as(Role.LOBBY)
    assert client.get(f"/patrols/rounds/{own.id}").status_code == 200  # lobby staff may look
    assert post_result(client, own, route.checkpoints[0]).status_code == 403  # but not walk
    assert client.get(f"/patrols/routes/{route.id}/checkpoints").status_code == 403
    assert client.get("/patrols/supervision").status_code == 403
    client.post_form("/logout")
    login_as(Role.CONCIERGE, username="floor")
    assert client.get(f"/patrols/rounds/{foreign.id}").status_code == 404
    assert client.get(f"/patrols/rounds/{foreign.id}/record.pdf").status_code == 404
    assert post_result(client, foreign, foreign.route.checkpoints[0]).status_code == 404
    # A checkpoint of another route, in this round's URL: 404 too.
    assert client.post_form(f"/patrols/rounds/{own.id}/checkpoints/{foreign.route.checkpoints[0].id}",
                            {}).status_code == 404
    assert client.get("/patrols/routes").status_code == 403
    assert client.get(f"/patrols/routes/{route.id}/labels.pdf").status_code == 403


def test_one_round_of_a_route_at_a_time_unless_the_supervisor_allows_it(client, prop, route, login_as):
    login_as(Role.CONCIERGE)
    first, second = make_round(prop, route, hours_ago=1), make_round(prop, route, hours_ago=0)
    assert client.post_form(f"/patrols/rounds/{first.id}/start").status_code in (302, 303)
    refused = client.post_form(f"/patrols/rounds/{second.id}/start")
    assert refused.status_code == 422
    assert f"本路线的巡查 {first.number} 正在进行" in refused.get_data(as_text=True)
    db.session.refresh(second)
    assert second.status is RoundStatus.DUE
    route.concurrent_allowed = True
    db.session.commit()
    assert client.post_form(f"/patrols/rounds/{second.id}/start").status_code in (302, 303)


def test_a_round_left_unfinished_no_longer_keeps_the_next_from_starting(client, prop, route, login_as):
    walker = login_as(Role.CONCIERGE)
    left, next_ = make_round(prop, route, hours_ago=6), make_round(prop, route, hours_ago=0)
    left.status, left.started_by, left.started_at = RoundStatus.IN_PROGRESS, walker, left.scheduled_for
    db.session.add(PatrolResult(property_id=prop.id, round=left, checkpoint=route.checkpoints[0], outcome=Outcome.OK,
                                done_at=datetime.now(timezone.utc) - timedelta(minutes=90), recorded_by=walker))
    db.session.commit()
    # Its last checkpoint an hour and a half ago: still being walked.
    assert f"本路线的巡查 {left.number} 正在进行" in client.post_form(f"/patrols/rounds/{next_.id}/start").get_data(as_text=True)
    assert "可能已中断" not in client.get(f"/patrols/rounds/{left.id}").get_data(as_text=True)
    left.results[0].done_at = datetime.now(timezone.utc) - timedelta(minutes=150)
    db.session.commit()
    # Nothing recorded for two and a half hours: it was left, its page says so, and the next round starts.
    assert "可能已中断" in client.get(f"/patrols/rounds/{left.id}").get_data(as_text=True)
    assert client.post_form(f"/patrols/rounds/{next_.id}/start").status_code in (302, 303)
    db.session.refresh(next_)
    db.session.refresh(left)
    assert next_.status is RoundStatus.IN_PROGRESS and left.status is RoundStatus.IN_PROGRESS  # for anyone to finish


def test_a_round_started_before_its_window_is_warned_and_flagged(client, prop, route, login_as):
    login_as(Role.CONCIERGE)
    later = make_round(prop, route, hours_ago=-5)  # its window opens in five hours
    page = client.get(f"/patrols/rounds/{later.id}").get_data(as_text=True)
    assert "现在还没到本次巡查的时段" in page
    client.post_form(f"/patrols/rounds/{later.id}/start")
    db.session.refresh(later)
    assert later.started_early
    client.post_form("/logout")
    login_as(Role.SUPERVISOR, username="boss")
    day = later.scheduled_for.astimezone(SHANGHAI).date().isoformat()
    assert "提前巡查" in client.get(f"/patrols/supervision?start={day}&end={day}").get_data(as_text=True)
