"""Today's rounds, the concierge's dashboard, ad hoc rounds, supervision and the shift handover."""
import re
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from models import Role, db
from models.patrols import PatrolResult, PatrolRound, Presence, RoundStatus

from .helpers import SHANGHAI, make_round, make_route, post_result
from .test_findings import report_lamp


def test_the_concierge_dashboard_lists_todays_rounds(client, prop, login_as):
    make_route(prop)
    login_as(Role.CONCIERGE)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "今日巡查" in page and "09:00 公共区域日常巡查" in page and "15:00 公共区域日常巡查" in page
    assert db.session.scalar(sa.select(sa.func.count(PatrolRound.id))) == 0  # shown from the schedules, not made


def test_an_ad_hoc_round_opens_once_per_minute(client, prop, login_as):
    route = make_route(prop, times=())
    user = login_as(Role.CONCIERGE)
    for _ in range(2):
        response = client.post_form("/patrols/rounds", {"route_id": str(route.id)})
        assert response.status_code == 302
    (round_,) = db.session.scalars(sa.select(PatrolRound)).all()
    assert response.headers["Location"] == f"/patrols/rounds/{round_.id}"
    assert round_.assignee_id == user.id and round_.schedule_id is None and round_.status is RoundStatus.DUE
    assert round_.due_by - round_.scheduled_for == timedelta(hours=2)


def test_supervision_counts_completion_per_route_and_person(client, make, prop, login_as):
    route = make_route(prop, times=())
    walker = make.user("floor", {prop: [Role.CONCIERGE]}, display_name="李客服")
    done = make_round(prop, route, hours_ago=3)
    missed = make_round(prop, route, hours_ago=5)
    missed.status = RoundStatus.MISSED
    db.session.commit()
    client.login("floor")
    for checkpoint in route.checkpoints:
        post_result(client, done, checkpoint, code="" if checkpoint.code == "C3" else None)
    client.post_form(f"/patrols/rounds/{done.id}/finish", {"note": ""})
    client.post_form("/logout")
    login_as(Role.SUPERVISOR)
    page = client.get("/patrols/supervision").get_data(as_text=True)
    assert "应巡 2 次：完成 1，漏巡 1，迟巡 1" in page  # started three hours late: its window was two
    assert walker.display_name in page and "67%" in page  # two of three checkpoints scanned
    history = client.get(f"/patrols/checkpoints/{route.checkpoints[2].id}/history").get_data(as_text=True)
    assert done.number in history and "未核验" in history and missed.number in history


def test_the_shift_handover_lists_rounds_not_walked_and_open_findings(client, make, prop, login_as):
    route = make_route(prop, times=())
    make_round(prop, route)
    walked = make_round(prop, route, hours_ago=1)
    login_as(Role.CONCIERGE)
    report_lamp(client, walked, route.checkpoints[0], prop)
    opened = client.post_form("/journal/shifts", {"post": "floor"})
    shift_page = client.get(opened.headers["Location"]).get_data(as_text=True)
    assert "未完成的巡查" in shift_page and "公共区域日常巡查（待巡查）" in shift_page
    assert "公共区域日常巡查（巡查中）" in shift_page
    assert "待整改的巡查发现" in shift_page and "1层 大堂：楼道灯不亮" in shift_page


def test_a_night_shift_after_midnight_hands_over_the_round_left_before_it(client, prop, login_as, clock):
    clock.move_to(datetime(2026, 11, 19, 0, 10, tzinfo=SHANGHAI))
    route = make_route(prop, times=())
    late = make_round(prop, route, hours_ago=0.75)  # 23:25 yesterday
    make_round(prop, route, hours_ago=25)  # a day old: the supervisor's missed list, not the handover
    login_as(Role.CONCIERGE)
    opened = client.post_form("/journal/shifts", {"post": "floor"})
    shift_page = client.get(opened.headers["Location"]).get_data(as_text=True)
    assert "未完成的巡查" in shift_page and shift_page.count("公共区域日常巡查（待巡查）") == 1
    assert late.scheduled_for.astimezone(SHANGHAI).strftime("%H:%M") == "23:25"
    assert "23:25 公共区域日常巡查（待巡查）" in shift_page


def test_rounds_still_to_come_are_not_handed_over(client, prop, login_as, clock):
    clock.move_to(datetime(2026, 11, 19, 3, 50, tzinfo=SHANGHAI))
    make_route(prop, times=(time(2), time(15), time(22)))  # planned from the schedules, cron has not run
    login_as(Role.CONCIERGE)
    opened = client.post_form("/journal/shifts", {"post": "floor"})
    shift_page = client.get(opened.headers["Location"]).get_data(as_text=True)
    # yesterday's 15:00 and 22:00 (windows passed) and today's 02:00 are handed over; today's 15:00 and
    # 22:00 are still to come
    assert [shift_page.count(f"{t} 公共区域日常巡查（待巡查）") for t in ("02:00", "15:00", "22:00")] == [1, 1, 1]


def test_supervision_counts_a_round_started_before_its_time(client, make, prop, login_as):
    route = make_route(prop, times=())
    make.user("floor", {prop: [Role.CONCIERGE]}, display_name="李客服")
    early = make_round(prop, route, hours_ago=-5)  # due in five hours, walked now
    client.login("floor")
    client.post_form(f"/patrols/rounds/{early.id}/start")
    client.post_form("/logout")
    login_as(Role.SUPERVISOR)
    day = early.scheduled_for.astimezone(SHANGHAI).date().isoformat()  # tomorrow, late in the evening
    page = client.get(f"/patrols/supervision?start={day}&end={day}").get_data(as_text=True)
    assert "应巡 1 次：完成 0，漏巡 0，迟巡 0，未完成 1" in page
    assert "李客服" in page and "这段时间没有人巡查" not in page


def test_typed_codes_are_shown_apart_and_count_as_presence_only_where_allowed(client, make, prop, login_as):
    route = make_route(prop, times=())
    lobby, lifts, garden = route.checkpoints
    garden.typed_allowed = True  # its label sits behind glass
    db.session.commit()
    make.user("floor", {prop: [Role.CONCIERGE]}, display_name="李客服")
    round_ = make_round(prop, route, hours_ago=1)
    client.login("floor")
    post_result(client, round_, lobby)  # scanned
    post_result(client, round_, lifts, code=lifts.code)  # typed from the label
    post_result(client, round_, garden, code=garden.code)  # typed, allowed here
    db.session.commit()
    proves = {r.checkpoint_id: (r.presence, r.proves_presence) for r in db.session.scalars(sa.select(PatrolResult))}
    assert proves == {lobby.id: (Presence.SCANNED, True), lifts.id: (Presence.TYPED, False),
                      garden.id: (Presence.TYPED, True)}
    page = client.get(f"/patrols/rounds/{round_.id}").get_data(as_text=True)
    assert "手输编码（不计到场）" in page
    client.post_form("/logout")
    login_as(Role.SUPERVISOR)
    supervision = client.get("/patrols/supervision").get_data(as_text=True)
    assert "33%" in supervision  # one of three scanned: typing is no longer counted as scanning
    walker_row = supervision.split("李客服")[1].split("</tr>")[0]
    assert re.findall(r'<td class="num">(\d+%?)</td>', walker_row)[5:7] == ["33%", "2"]


def test_the_supervisor_lets_a_checkpoint_count_typed_codes(client, prop, login_as):
    route = make_route(prop, times=())
    checkpoint = route.checkpoints[0]
    login_as(Role.SUPERVISOR)
    form = {"building_id": "", "floor": "1", "place": checkpoint.place, "code": checkpoint.code, "checks": "公共设施完好",
            "typed_allowed": "y"}
    response = client.post_form(f"/patrols/checkpoints/{checkpoint.id}/edit", form)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    db.session.refresh(checkpoint)
    assert checkpoint.typed_allowed
