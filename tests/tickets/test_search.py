"""Finding people by the pinyin initials of their names, wherever people are searched."""
from models import Role

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
