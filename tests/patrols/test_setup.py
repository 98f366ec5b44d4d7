"""Routes, checkpoints and schedules set up through the pages (issue 7 items 1, 2)."""
import re

import sqlalchemy as sa

from models import Building, Role, db
from models.patrols import PatrolCheckpoint, PatrolRoute, PatrolSchedule, RouteKind

from .helpers import make_round, make_route, post_result


def test_a_supervisor_sets_up_a_route_with_checkpoints_and_times(client, make, prop, login_as):
    make.building(prop, "3")
    login_as(Role.SUPERVISOR)
    walker = make.user("floor", {prop: [Role.CONCIERGE]}, display_name="李客服")
    assert client.post_form("/patrols/routes/new", {"name": "公共区域日常巡查", "kind": "daily", "active": "y"}).status_code == 302
    clash = client.post_form("/patrols/routes/new", {"name": "公共区域日常巡查", "kind": "fire", "active": "y"})
    assert clash.status_code == 422 and "已有同名路线" in clash.get_data(as_text=True)
    route = db.session.scalar(sa.select(PatrolRoute))
    assert route.kind is RouteKind.DAILY and route.active

    building = db.session.scalar(sa.select(Building))
    url = f"/patrols/routes/{route.id}/checkpoints"
    added = client.post_form(url, {"building_id": str(building.id), "floor": "1", "place": "大堂",
                                   "checks": ["公共设施完好", "清洁卫生"], "other_checks": "香薰机工作正常\n"})
    assert added.status_code == 302
    client.post_form(url, {"building_id": "", "floor": "", "place": "中心花园", "code": "garden 1", "checks": ["绿化养护"]})
    empty = client.post_form(url, {"place": "", "checks": []})
    assert empty.status_code == 422
    assert {"请填写此项", "请至少选择或填写一项检查内容"} <= set(re.findall(r'class="error"[^>]*>([^<]+)<', empty.get_data(as_text=True)))
    taken = client.post_form(url, {"place": "东门", "code": "GARDEN1", "checks": ["清洁卫生"]})
    assert taken.status_code == 422 and "本项目已有这个编码的检查点" in taken.get_data(as_text=True)

    lobby, garden = db.session.scalars(sa.select(PatrolCheckpoint).order_by(PatrolCheckpoint.position)).all()
    assert lobby.name == "3号楼 1层 大堂" and re.fullmatch(r"[2-9A-HJ-NP-Z]{4}", lobby.code)
    assert lobby.checklist == ["公共设施完好", "清洁卫生", "香薰机工作正常"]
    assert garden.name == "中心花园" and garden.code == "GARDEN1"

    client.post_form(f"/patrols/checkpoints/{garden.id}/move", {"direction": "up"})
    db.session.expire_all()
    assert [c.place for c in route.checkpoints] == ["中心花园", "大堂"]
    edit = client.get(f"/patrols/checkpoints/{lobby.id}/edit").get_data(as_text=True)
    assert "香薰机工作正常" in edit

    schedules = f"/patrols/routes/{route.id}/schedules"
    assert client.post_form(schedules, {"at": "09:00", "weekdays": ["1", "2", "3", "4", "5"], "window_minutes": "90",
                                        "assignee_id": str(walker.id)}).status_code == 302
    again = client.post_form(schedules, {"at": "09:00", "weekdays": ["6"], "window_minutes": "90"})
    assert again.status_code == 422 and "这条路线已有 09:00 的巡查" in again.get_data(as_text=True)
    bad = client.post_form(schedules, {"at": "", "weekdays": [], "window_minutes": "5"})
    assert bad.status_code == 422
    for message in ("请填写巡查时间", "请至少选择一天", "时限应为 15–720 分钟"):
        assert message in bad.get_data(as_text=True)
    schedule = db.session.scalar(sa.select(PatrolSchedule))
    assert (schedule.weekdays, schedule.window_minutes, schedule.assignee_id) == ("12345", 90, walker.id)
    page = client.get(url).get_data(as_text=True)
    assert "周一至周五" in page and "李客服" in page and f"HY-{lobby.code}" in page


def test_a_checkpoint_with_history_is_stopped_not_deleted(client, prop, login_as):
    login_as(Role.SUPERVISOR)
    route = make_route(prop)
    first = route.checkpoints[0]
    post_result(client, make_round(prop, route), first)
    response = client.post_form(f"/patrols/checkpoints/{first.id}/delete", follow_redirects=True)
    assert "不能删除" in response.get_data(as_text=True)
    client.post_form(f"/patrols/checkpoints/{first.id}/toggle")
    db.session.refresh(first)
    assert not first.active
    assert [c.code for c in route.active_checkpoints] == ["B2", "C3"]
    client.post_form(f"/patrols/checkpoints/{route.checkpoints[2].id}/delete")
    db.session.expire_all()
    assert [c.code for c in route.checkpoints] == ["A1", "B2"]
    blocked = client.post_form(f"/patrols/routes/{route.id}/delete", follow_redirects=True)
    assert "该路线已有巡查记录，不能删除" in blocked.get_data(as_text=True)
