"""The ticket list's Excel export: the tickets the list shows as filtered, every page, this property's only."""
from datetime import datetime, timedelta, timezone

from models import Role, db
from models.tickets import Ticket, TicketCategory, TicketSource

from ..xlsx import xlsx_records
from .helpers import register_repair


def add_ticket(prop, user, number: int, category=TicketCategory.REPAIR, **fields) -> Ticket:
    ticket = Ticket(property_id=prop.id, number=f"{prop.code}-TK-20261118-{number:04d}", source=TicketSource.PHONE,
                    category=category, description=fields.pop("description", f"报修 {number}"), first_contact=user,
                    received_at=datetime.now(timezone.utc) - timedelta(minutes=number), **fields)
    db.session.add(ticket)
    db.session.commit()
    return ticket


def test_the_export_holds_every_page_of_the_filtered_tickets(client, make, prop, login_as):
    desk = login_as(Role.LOBBY)
    for number in range(1, 36):  # more than a page of the list (30)
        add_ticket(prop, desk, number)
    add_ticket(prop, desk, 90, TicketCategory.SUGGESTION, description="建议增加路灯")
    add_ticket(make.property("HD", "恒宇大厦"), desk, 91, description="别的项目的报修")
    records = xlsx_records(client.get("/tickets/export.xlsx", query_string={"category": "repair"}))
    assert [r["单号"] for r in records] == [f"HY-TK-20261118-{n:04d}" for n in range(1, 36)]  # newest first
    assert {r["类别"] for r in records} == {"报修"} and {r["首接人"] for r in records} == {desk.display_name}
    assert isinstance(records[0]["受理时间"], datetime)


def test_the_export_shows_what_the_form_registered(client, prop, login_as):
    login_as(Role.LOBBY)
    register_repair(client, description="=1+1 大堂灯不亮")
    [record] = xlsx_records(client.get("/tickets/export.xlsx", query_string={"q": "大堂灯"}))
    assert record["内容"] == "'=1+1 大堂灯不亮" and record["地点"] == "3号楼大堂" and record["状态"] == "已登记"
