"""One rule for the pages a tablet keeps for offline use (issue 19): a page is kept because it renders an
offline-capable form (or is a menu page, or the outbox) — no second list to forget."""
import pytest
import sqlalchemy as sa

from models import db
from models.journal import Post, Shift, ShiftStatus

from ..walk import USERS, get_paths

OFFLINE_FORM = "data-offline-title="  # what the offline_form macro writes into every such form



@pytest.mark.one_database
@pytest.mark.parametrize("username", USERS)
def test_every_page_with_an_offline_form_is_kept_for_offline_use(app, client, demo, username):
    client.login(username, "frontdesk")
    menu = {item.endpoint for item in app.extensions["platform"].nav}
    with_forms, unmarked = [], []
    for path in get_paths(app):
        response = client.get(path)
        if response.status_code != 200 or not response.mimetype == "text/html":
            assert "X-Offline-Page" not in response.headers, path
            continue
        endpoint = app.url_map.bind("localhost").match(path)[0]
        expected = OFFLINE_FORM in response.get_data(as_text=True) or endpoint in menu or path == "/outbox"
        with_forms += [path] if OFFLINE_FORM in response.get_data(as_text=True) else []
        if expected != (response.headers.get("X-Offline-Page") == "1"):
            unmarked.append(path)
    assert unmarked == []
    if username == "lobby":
        assert {"/visitors/new", "/parcels/new", "/journal/passes/new"} <= set(with_forms)
        # The shift under way at the lobby is theirs: its page has the journal-event form, and is kept.
        shift = db.session.scalar(sa.select(Shift).where(Shift.post == Post.LOBBY, Shift.status == ShiftStatus.OPEN))
        page = client.get(f"/journal/shifts/{shift.id}")
        assert OFFLINE_FORM in page.get_data(as_text=True) and page.headers.get("X-Offline-Page") == "1"
