"""The header's menu: the modules' entries a role may use, the 前台 and 楼层 entries as one menu each."""
import re

from models import Role


def menu(page: str) -> list[str]:
    nav = page.split('<nav class="mainnav"')[1].split("</nav>")[0]
    return [label.strip() for label in re.findall(r"<(?:a|summary)[^>]*>([^<]+)<", nav)]


def test_the_lobby_sees_its_modules_with_the_desks_in_one_menu(client, login_as):
    login_as(Role.LOBBY)
    assert menu(client.get("/dashboard").get_data(as_text=True)) == [
        "工作台", "报事", "前台", "值班", "访客", "包裹", "失物", "借用", "钥匙", "楼层", "巡查", "装修", "会议室", "业户档案"]


def test_a_group_with_one_entry_for_the_role_is_that_entry(client, login_as):
    login_as(Role.DEPARTMENT)
    assert menu(client.get("/dashboard").get_data(as_text=True)) == ["工作台", "报事"]
    client.post_form("/logout")
    login_as(Role.CONCIERGE, username="floor")
    page = client.get("/patrols/").get_data(as_text=True)
    assert menu(page)[:4] == ["工作台", "报事", "前台", "值班"]
    assert '<summary aria-current="page">楼层</summary>' in page
