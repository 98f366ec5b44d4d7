"""A likely duplicate is shown before it is saved: the same repair registered twice a minute apart."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from blueprints.shared.duplicates import similar
from models import Notification, Role, db
from models.tickets import Ticket, TicketEventKind, TicketStatus

from .test_register import _repair


def tickets():
    db.session.commit()
    return db.session.scalars(sa.select(Ticket).order_by(Ticket.id)).all()


@pytest.fixture
def unit(make, prop):
    return make.unit(prop, "3", "1502")


@pytest.mark.parametrize("a, b, alike", [
    ("厨房水龙头漏水", "厨房水龙头漏水了，很急", True),
    ("漏水", "厨房漏水", True),
    ("卫生间地漏堵塞", "卫生间地漏堵了", True),
    ("厨房水龙头漏水", "空调不制冷", False),
    ("", "漏水", False),
])
def test_similar_texts(a, b, alike):
    assert similar(a, b) is alike


def test_the_same_repair_twice_is_held_with_the_first_shown_and_nothing_saved(client, unit, login_as):
    login_as(Role.LOBBY)
    assert client.post_form("/tickets/new", _repair()).status_code == 302
    [first] = tickets()
    again = client.post_form("/tickets/new", _repair(description="厨房水龙头漏水了，很急", caller_name="李四"))
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "这件事可能已经登记过" in page and first.number in page
    assert f'name="add_to" value="{first.id}"' in page and 'name="save_anyway"' in page
    assert "厨房水龙头漏水了，很急" in page and 'value="李四"' in page  # what was typed is kept
    assert len(tickets()) == 1


def test_saving_anyway_registers_a_second_ticket(client, unit, login_as):
    login_as(Role.LOBBY)
    client.post_form("/tickets/new", _repair())
    assert client.post_form("/tickets/new", _repair(save_anyway="y")).status_code == 302
    assert len(tickets()) == 2


def test_adding_to_the_first_puts_the_call_on_its_timeline_and_tells_the_worker(client, make, prop, unit, login_as):
    worker = make.user("eng", {prop: [Role.DEPARTMENT]})
    desk = login_as(Role.LOBBY)
    client.post_form("/tickets/new", _repair())
    [first] = tickets()
    first.assignee_id, first.status = worker.id, TicketStatus.DISPATCHED
    db.session.commit()
    response = client.post_form("/tickets/new", _repair(description="水龙头还在漏", caller_name="李四",
                                                        caller_phone="13900001111", add_to=str(first.id)))
    assert response.status_code == 302 and response.headers["Location"] == f"/tickets/{first.id}"
    [ticket] = tickets()
    event = ticket.events[-1]
    assert event.kind is TicketEventKind.CALL_AGAIN and event.user_id == desk.id
    assert "李四" in event.note and "水龙头还在漏" in event.note and "13900001111" not in event.note
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == worker.id))
    assert note is not None and first.number in note.text
    page = client.get(f"/tickets/{first.id}").get_data(as_text=True)
    assert "再次来电" in page and "已记到" in page


@pytest.mark.parametrize("change", [
    {"category": "complaint", "severity": "minor"},  # another category
    {"description": "空调不制冷"},  # about something else
    {"unit": "3-1503"},  # another unit
])
def test_other_calls_are_not_taken_for_duplicates(client, make, prop, unit, login_as, change):
    make.unit(prop, "3", "1503")
    login_as(Role.LOBBY)
    client.post_form("/tickets/new", _repair())
    assert client.post_form("/tickets/new", _repair(**change)).status_code == 302
    assert len(tickets()) == 2


def test_a_call_hours_later_is_a_new_matter(client, unit, login_as, clock):
    login_as(Role.LOBBY)
    client.post_form("/tickets/new", _repair())
    clock.shift(timedelta(hours=4, minutes=5))
    assert client.post_form("/tickets/new", _repair()).status_code == 302


def test_public_areas_compare_the_place(client, prop, login_as):
    login_as(Role.LOBBY)
    lobby = {"unit": "", "location": "3号楼大堂", "description": "大堂灯不亮"}
    client.post_form("/tickets/new", _repair(**lobby))
    assert client.post_form("/tickets/new", _repair(**dict(lobby, location="3号楼 大堂"))).status_code == 422
    assert client.post_form("/tickets/new", _repair(**dict(lobby, location="5号楼地下车库"))).status_code == 302


def test_another_propertys_tickets_are_neither_shown_nor_reachable(client, make, prop, login_as):
    other = make.property("QT", "其他小区")
    other_unit = make.unit(other, "3", "1502")
    make.unit(prop, "3", "1502")
    login_as(Role.LOBBY, properties=[other])
    client.post_form("/tickets/new", _repair())
    [theirs] = tickets()
    assert theirs.unit_id == other_unit.id
    client.post_form("/logout")
    login_as(Role.LOBBY, username="ours")
    assert client.post_form("/tickets/new", _repair()).status_code == 302  # not a duplicate of theirs
    assert client.post_form("/tickets/new", _repair(description="门禁坏了", add_to=str(theirs.id))).status_code == 404
    assert [e.kind for e in tickets()[0].events] == [TicketEventKind.REGISTERED]


def test_an_offline_submission_gets_the_list_to_show_in_the_form(client, unit, login_as):
    login_as(Role.LOBBY)
    client.post_form("/tickets/new", _repair())
    response = client.post_form("/tickets/new", _repair(), headers={
        "X-Offline-Submit": "1", "X-Idempotency-Key": "k" * 32})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="duplicates" data-server-fragment' in page and "是同一件事" in page
