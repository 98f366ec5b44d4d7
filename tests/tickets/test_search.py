"""Finding people by the pinyin initials of their names, wherever people are searched."""
import sqlalchemy as sa

from models import Role, db

from ..visitors.test_visitors import GOOD_ID


def test_callers_and_visitors_are_found_by_pinyin_initials(client, make, prop, login_as):
    login_as(Role.LOBBY)
    for name, description in (("杨华丽", "厨房漏水"), ("张飞", "门禁卡失灵")):
        assert client.post_form("/tickets/new", {"category": "enquiry", "location": "大堂", "description": description,
                                                 "source": "phone", "nature": "normal", "caller_name": name,
                                                 "caller_phone": "13912345678"}).status_code == 302
    found = client.get("/tickets/", query_string={"q": "yhl"}).get_data(as_text=True)
    assert "厨房漏水" in found and "门禁卡失灵" not in found
    make.unit(prop, "3", "1502")
    assert client.post_form("/visitors/new", {"name": "王小明", "unit": "3-1502", "purpose": "visit", "party_size": "1",
                                              "id_type": "resident_id", "id_number": GOOD_ID}).status_code in (302, 303)
    assert "王小明" in client.get("/visitors/", query_string={"q": "WXM"}).get_data(as_text=True)


def test_the_list_pages_without_counting_every_match(app, client, login_as):
    """Over a million tickets counting cost more than the page: one row past the page says there is a next."""
    login_as(Role.LOBBY)
    app.config["TICKETS_DUPLICATE_HOURS"] = 0  # 31 enquiries at the lobby within a minute: not one held as a repeat
    for n in range(31):
        assert client.post_form("/tickets/new", {"category": "enquiry", "location": "大堂", "description": f"咨询{n}号",
                                                 "source": "phone", "nature": "normal"}).status_code == 302
    statements = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    first = client.get("/tickets/").get_data(as_text=True)
    assert "第 1 页，可用上方条件缩小范围" in first and "下一页" in first and "上一页" not in first
    assert not [s for s in statements if "count(" in s.lower() and "tickets" in s]
    last = client.get("/tickets/?page=2").get_data(as_text=True)
    assert "咨询0号" in last and "第 2 页" in last and "上一页" in last and "下一页" not in last
    few = client.get("/tickets/?q=咨询30号").get_data(as_text=True)
    assert "共 1 条" in few and "下一页" not in few
