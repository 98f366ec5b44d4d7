"""The list kit (blueprints/shared/lists.py, templates/_list.html): filters read from the query string,
numbers in number order, sortable headers, the htmx search bar, and the Excel exports of the seven
registers — guarded by their list's permission, in Chinese, with formulas neutralised."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from werkzeug.datastructures import MultiDict

from flask import url_for

from blueprints.shared.lists import ListFilter, row_url
from app import create_app
from models import Role, db
from models.visitors import Visitor

from ..admin.helpers import text
from ..xlsx import xlsx_records, xlsx_rows

# Each register's export, its list page, and the permission both need.
EXPORTS = {
    "/tickets/export.xlsx": ("tickets.index", "tickets.view"),
    "/visitors/export.xlsx": ("visitors.index", "visitors.view"),
    "/parcels/export.xlsx": ("parcels.index", "parcels.view"),
    "/journal/passes.xlsx": ("journal.passes", "passes.view"),
    "/admin/residents.xlsx": ("admin.list_resident", "admin.manage"),
    "/decoration/violations.xlsx": ("decoration.index", "decoration.view"),
    "/patrols/rounds.xlsx": ("patrols.index", "patrols.view"),
}
CJK = re.compile(r"[\u4e00-\u9fff]")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _declared_permissions() -> dict[str, frozenset[Role]]:
    """The roles holding each permission, as the modules declare them (read once, for parametrize)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "SCHEMA_CHECK": False})
    with app.app_context():
        db.engine.dispose()
    return {name: permission.roles for name, permission in app.extensions["platform"].permissions.items()}


PERMISSIONS = _declared_permissions()


def allowed_role(permission: str) -> Role:
    return Role.SUPERVISOR if Role.SUPERVISOR in PERMISSIONS[permission] else Role.ADMIN


@pytest.mark.parametrize("url", EXPORTS)
def test_an_export_needs_the_permission_of_its_list(app, url):
    list_endpoint, permission = EXPORTS[url]
    endpoint, _ = app.url_map.bind("localhost").match(url)
    assert app.view_functions[endpoint].permission == app.view_functions[list_endpoint].permission == permission


@pytest.mark.parametrize("url", EXPORTS)
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("url, role", [
    (url, role) for url, (_, permission) in EXPORTS.items() for role in Role if role not in PERMISSIONS[permission]
])
def test_a_role_without_the_lists_permission_gets_403(client, login_as, url, role):
    login_as(role)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", EXPORTS)
def test_an_empty_export_is_a_workbook_with_a_chinese_header_named_for_today(client, login_as, url):
    login_as(allowed_role(EXPORTS[url][1]))
    response = client.get(url)
    [header] = xlsx_rows(response)
    assert header and all(CJK.search(label) for label in header)
    disposition = response.headers["Content-Disposition"]
    today = datetime.now(SHANGHAI).date().isoformat()
    assert re.search(rf"filename\*=UTF-8''%[0-9A-F]{{2}}.*-{today}\.xlsx$", disposition), disposition


def visitor(prop, desk, name, **fields) -> Visitor:
    fields.setdefault("signed_in_at", datetime.now(timezone.utc))
    visit = Visitor(property_id=prop.id, name=name, signed_in_by=desk, **fields)
    db.session.add(visit)
    db.session.commit()
    return visit


def test_cells_that_would_be_formulas_are_exported_as_text(client, prop, login_as):
    desk = login_as(Role.LOBBY)
    names = ['=HYPERLINK("http://evil.example","点我")', "+86 138", "-1+1", "@SUM(A1)", "\t=1", "张三"]
    for name in names:
        visitor(prop, desk, name, party_size=2)
    records = xlsx_records(client.get("/visitors/export.xlsx"))
    exported = {r["访客"] for r in records}
    assert exported == {f"'{name}" for name in names[:-1]} | {"张三"}
    assert {r["人数"] for r in records} == {2}  # numbers stay numbers


def test_times_are_exported_as_dates_in_the_propertys_time_zone(client, prop, login_as):
    desk = login_as(Role.LOBBY)
    visitor(prop, desk, "刘备", signed_in_at=datetime(2026, 11, 18, 1, 30, tzinfo=timezone.utc))
    [record] = xlsx_records(client.get("/visitors/export.xlsx"))
    assert record["进入时间"] == datetime(2026, 11, 18, 9, 30) and record["离开时间"] is None


def test_rooms_are_listed_in_number_order(client, make, prop, login_as):
    for building, room in [("10", "101"), ("3", "1001"), ("3", "1002"), ("3", "101"), ("3", "201")]:
        make.unit(prop, building, room)
    expected = ["HY-3-101", "HY-3-201", "HY-3-1001", "HY-3-1002", "HY-10-101"]
    login_as(Role.ADMIN)
    admin_page = text(client.get("/admin/units"))
    assert sorted(expected, key=admin_page.index) == expected
    archive_page = text(client.get("/archive/"))
    assert sorted(expected, key=archive_page.index) == expected


def test_a_sortable_header_sorts_the_list_and_then_the_other_way(client, make, prop, login_as):
    make.unit(prop, "3", "101", area=120)
    make.unit(prop, "3", "102", area=80)
    make.unit(prop, "3", "103", area=95)
    login_as(Role.ADMIN)
    page = text(client.get("/admin/units?q=HY-3"))
    assert 'href="/admin/units?q=HY-3&sort=area"' in page
    by_area = text(client.get("/admin/units?q=HY-3&sort=area"))
    assert by_area.index("HY-3-102") < by_area.index("HY-3-103") < by_area.index("HY-3-101")
    assert 'aria-sort="ascending"' in by_area and 'href="/admin/units?q=HY-3&sort=-area"' in by_area
    largest_first = text(client.get("/admin/units?q=HY-3&sort=-area"))
    assert largest_first.index("HY-3-101") < largest_first.index("HY-3-103") < largest_first.index("HY-3-102")
    # The search bar keeps the order while searching; an order the list does not offer is ignored.
    assert '<input type="hidden" name="sort" value="-area">' in largest_first
    assert client.get("/admin/units?sort=nonsense").status_code == 200


def test_reversing_an_order_that_is_already_descending(client, prop, login_as):
    login_as(Role.SUPERVISOR)
    assert client.get("/patrols/routes?sort=-active").status_code == 200


@dataclass
class SampleFilter(ListFilter):
    count: int | None = None
    urgent: bool = False
    since: date | None = None

    params = {"since": "from"}


def test_filters_are_read_by_their_type_and_what_does_not_parse_is_ignored():
    read = SampleFilter.from_args(MultiDict({"q": " 张三 ", "count": "7", "urgent": "1", "from": "2026-11-18"}))
    assert read == SampleFilter(q="张三", count=7, urgent=True, since=date(2026, 11, 18))
    assert SampleFilter.from_args(MultiDict({"count": "seven", "urgent": "yes", "from": "2026-11-31"})) == SampleFilter()


# Each list page with a search bar, a search it answers, and what it finds.
SEARCHES = [
    ("/tickets/", Role.LOBBY), ("/visitors/", Role.LOBBY), ("/parcels/", Role.LOBBY),
    ("/journal/passes", Role.LOBBY), ("/decoration/", Role.LOBBY), ("/archive/", Role.LOBBY),
    ("/admin/units", Role.ADMIN), ("/patrols/routes", Role.SUPERVISOR),
]


@pytest.mark.parametrize("url, role", SEARCHES)
def test_the_search_bar_swaps_in_the_results_of_the_same_url(client, login_as, url, role):
    login_as(role)
    page = client.get(url).get_data(as_text=True)
    bar = re.search(r'<form class="searchbar filters"[^>]*>', page).group(0)
    assert f'hx-get="{url}"' in bar and 'hx-select="#results"' in bar and 'hx-push-url="true"' in bar
    fragment = client.get(url, query_string={"q": "1502"}, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="results">') and "<html" not in fragment


def test_the_export_link_carries_the_filters_in_force(client, login_as):
    login_as(Role.LOBBY)
    fragment = client.get("/tickets/?q=漏水&status=open&page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    link = re.search(r'href="(/tickets/export\.xlsx[^"]*)"', fragment).group(1)
    assert link == f"/tickets/export.xlsx?q={quote('漏水')}&amp;status=open"


def test_the_day_of_the_exported_rounds_is_the_day_shown(client, prop, login_as):
    login_as(Role.SUPERVISOR)
    yesterday = datetime.now(SHANGHAI).date() - timedelta(days=1)
    page = client.get(f"/patrols/?date={yesterday.isoformat()}").get_data(as_text=True)
    assert f'href="/patrols/rounds.xlsx?date={yesterday.isoformat()}"' in page


@pytest.mark.parametrize("endpoint, key, value", [
    ("tickets.detail", "ticket_id", 7), ("tickets.detail", "ticket_id", 2_147_483_646), ("visitors.detail", "visitor_id", 12),
])
def test_a_row_url_is_the_url_for_the_row(app, endpoint, key, value):
    with app.test_request_context():
        assert row_url(endpoint, key)(value) == url_for(endpoint, **{key: value})
