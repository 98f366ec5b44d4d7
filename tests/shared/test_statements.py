"""No page loads its rows' relations one by one: on the demo's data, no page sends one statement three
times or more (a lazy load per row sends the same SELECT for each)."""
import re
from collections import Counter

import pytest

from models import db

from ..sql import recorded_statements

# Pages that ask the same question of several periods or lists on purpose.
SAME_QUESTION_AGAIN = {
    "/reports/tickets",  # one grouped pass per month compared
}


@pytest.fixture
def demo(app):
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0


def pages(app) -> list[str]:
    return sorted({rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and not rule.arguments and rule.rule not in SAME_QUESTION_AGAIN
                   and not re.search(r"^/static|\.(pdf|xlsx|js|json)$|logout", rule.rule)})


@pytest.mark.parametrize("username", ["admin", "supervisor", "lobby", "concierge", "engineer"])
def test_no_page_sends_the_same_statement_for_each_row(app, client, demo, username):
    client.login(username, "frontdesk")
    repeated = {}
    for url in pages(app):
        with recorded_statements() as statements:
            status = client.get(url).status_code
        again = {sql[:120]: n for sql, n in Counter(statements).items() if n >= 3}
        if status == 200 and again:
            repeated[url] = again
    assert repeated == {}, "\n".join(f"{url}: {n}× {sql}" for url, again in repeated.items() for sql, n in again.items())
