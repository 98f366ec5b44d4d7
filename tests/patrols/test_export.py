"""The Excel export of patrol rounds: the rounds of the day the list shows, this property's only."""
from models import Role

from ..xlsx import xlsx_records
from .helpers import SHANGHAI, make_round, make_route, post_result


def test_the_export_holds_the_rounds_of_the_day_shown(client, make, prop, login_as):
    route = make_route(prop, times=())
    walker = login_as(Role.CONCIERGE)
    walked = make_round(prop, route, hours_ago=0.5)
    client.post_form(f"/patrols/rounds/{walked.id}/start")
    post_result(client, walked, route.checkpoints[0])
    earlier = make_round(prop, route, hours_ago=24 * 2)
    other = make.property("HD", "恒宇大厦")
    make_round(other, make_route(other, name="别处的巡查", times=()), hours_ago=0.5)
    day = walked.scheduled_for.astimezone(SHANGHAI).date()
    [record] = xlsx_records(client.get("/patrols/rounds.xlsx", query_string={"date": day.isoformat()}))
    assert record["编号"] == walked.number and record["路线"] == "公共区域日常巡查" and record["状态"] == "巡查中"
    assert record["巡查人"] == walker.display_name and record["已记录检查点"] == 1
    assert record["计划时间"] == walked.scheduled_for.astimezone(SHANGHAI).replace(tzinfo=None)
    earlier_day = earlier.scheduled_for.astimezone(SHANGHAI).date()
    [record] = xlsx_records(client.get("/patrols/rounds.xlsx", query_string={"date": earlier_day.isoformat()}))
    # never started and past its window: missed, as the list says, before cron has marked it
    assert record["编号"] == earlier.number and record["状态"] == "漏巡" and record["巡查人"] is None
