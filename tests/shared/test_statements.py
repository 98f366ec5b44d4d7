"""No page loads its rows' relations one by one: on the demo's data, no page sends one statement three
times or more (a lazy load per row sends the same SELECT for each)."""
from collections import Counter

import pytest

from ..sql import recorded_statements
from ..walk import USERS, get_paths

# Pages that ask the same question of several periods on purpose: one grouped pass per month compared.
SAME_QUESTION_AGAIN = {"/reports/tickets", "/reports/tickets.pdf", "/reports/tickets.xlsx"}



@pytest.mark.one_database
@pytest.mark.parametrize("username", USERS)
def test_no_page_sends_the_same_statement_for_each_row(app, client, demo, username):
    client.login(username, "frontdesk")
    repeated = {}
    for path in get_paths(app):
        if path in SAME_QUESTION_AGAIN or path == "/logout":
            continue
        with recorded_statements() as statements:
            status = client.get(path).status_code
        again = {sql[:120]: n for sql, n in Counter(statements).items() if n >= 3}
        if status == 200 and again:
            repeated[path] = again
    assert repeated == {}, "\n".join(f"{path}: {n}× {sql}" for path, again in repeated.items() for sql, n in again.items())
