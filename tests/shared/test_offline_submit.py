"""The server side of offline forms: one record per idempotency key, whatever the replays."""
import io
import threading
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from werkzeug.test import EnvironBuilder

from models import IdempotencyKey, Role, db
from models.tickets import Ticket

KEY = "a" * 32


def _post(client, data, key=KEY, **headers):
    return client.post(
        "/tickets/new",
        data=data,
        headers={"X-Idempotency-Key": key, "X-Offline-Submit": "1", "X-CSRFToken": client.csrf_token(), **headers},
    )


def _multipart(client, data, headers):
    """A large multipart post, as offline.js sends: the server stops reading at its limit, so the test
    closes the spooled body itself."""
    environ = EnvironBuilder(path="/tickets/new", method="POST", data=data, content_type="multipart/form-data",
                             headers=headers).get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()


def _data(description="楼道灯不亮"):
    return {"category": "repair", "location": "3号楼12层", "description": description, "source": "phone", "nature": "normal"}


def _tickets():
    db.session.commit()
    return db.session.scalar(sa.select(sa.func.count(Ticket.id)))


def test_a_replay_returns_the_first_result_and_creates_nothing(client, prop, login_as):
    login_as(Role.CONCIERGE)
    first = _post(client, _data())
    assert first.status_code == 201 and first.json["replayed"] is False
    again = _post(client, _data())
    assert again.status_code == 201
    assert again.json == {"location": first.json["location"], "replayed": True}
    assert _tickets() == 1


def test_the_same_key_with_another_body_is_409(client, prop, login_as):
    login_as(Role.CONCIERGE)
    _post(client, _data())
    response = _post(client, _data("别的内容"))
    assert response.status_code == 409
    assert "内容不同" in response.json["error"]
    assert _tickets() == 1


def test_a_validation_error_stores_no_key_so_the_corrected_form_goes_through(client, prop, login_as):
    login_as(Role.CONCIERGE)
    bad = _post(client, {**_data(), "description": ""})
    assert bad.status_code == 422 and "请填写此项" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(IdempotencyKey.id))) == 0
    assert _post(client, _data()).status_code == 201
    assert _tickets() == 1


def test_client_time_is_kept_beside_the_arrival_time(client, prop, login_as):
    login_as(Role.CONCIERGE)
    done = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=3)
    _post(client, _data(), **{"X-Client-Time": done.isoformat()})
    ticket = db.session.scalar(sa.select(Ticket))
    assert ticket.received_at == done
    assert ticket.created_at - ticket.received_at > timedelta(hours=2)
    assert ticket.events[0].at == done


def test_a_client_time_in_the_future_is_taken_as_now(client, prop, login_as):
    login_as(Role.CONCIERGE)
    _post(client, _data(), **{"X-Client-Time": (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()})
    ticket = db.session.scalar(sa.select(Ticket))
    assert ticket.received_at <= datetime.now(timezone.utc)
    assert db.session.scalar(sa.select(IdempotencyKey)).refused_client_time


def test_a_device_time_years_back_is_not_believed_and_kept_raw(client, prop, login_as):
    """A tablet whose clock says 2020 must not make HY-TK-20200101-0001 with 2020 deadlines."""
    login_as(Role.CONCIERGE)
    _post(client, _data(), **{"X-Client-Time": "2020-01-01T09:00:00+08:00"})
    ticket = db.session.scalar(sa.select(Ticket))
    assert abs(ticket.received_at - datetime.now(timezone.utc)) < timedelta(minutes=1)
    assert "-2020" not in ticket.number
    key = db.session.scalar(sa.select(IdempotencyKey))
    assert key.refused_client_time == "2020-01-01T09:00:00+08:00"


def test_a_tablet_offline_for_two_days_keeps_its_times(client, prop, login_as):
    login_as(Role.CONCIERGE)
    done = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=2)
    _post(client, _data(), **{"X-Client-Time": done.isoformat()})
    assert db.session.scalar(sa.select(Ticket)).received_at == done
    assert db.session.scalar(sa.select(IdempotencyKey)).refused_client_time == ""


def test_a_text_too_long_for_any_form_is_refused_saying_so_in_chinese(client, prop, login_as):
    """offline.js sends multipart: Werkzeug refuses a field over MAX_FORM_MEMORY_SIZE before the form's own
    limits (which answer a urlencoded post beside the field)."""
    login_as(Role.CONCIERGE)
    token = client.csrf_token()
    long_text = _data("漏" * 200_000)  # 600 kB
    response = _multipart(client, long_text, {"X-Idempotency-Key": KEY, "X-Offline-Submit": "1", "X-CSRFToken": token})
    assert response.status_code == 413
    assert "有一项文字太长（超过 500 KB）" in response.json["error"]
    page = _multipart(client, long_text, {"X-CSRFToken": token})
    assert page.status_code == 413 and "有一项文字太长" in page.get_data(as_text=True)
    assert _tickets() == 0


def test_a_submission_over_the_request_limit_names_its_size(client, app, prop, login_as):
    login_as(Role.CONCIERGE)
    app.config["MAX_CONTENT_LENGTH"] = 2**18  # 0.25 MB here (25 MB as shipped); the body stays in memory
    data = {**_data(), "photos": [(io.BytesIO(b"\xff" * 400_000), "big.jpg")]}
    response = _post(client, data)
    assert response.status_code == 413
    assert "提交的内容共 0.4 MB，超过了 0.25 MB 的上限" in response.json["error"]


def test_an_expired_login_is_401_not_a_redirect(client, prop):
    response = client.post("/tickets/new", data=_data(), headers={"X-Idempotency-Key": KEY, "X-Offline-Submit": "1"})
    assert response.status_code in (400, 401)  # no session: no CSRF token either
    assert _tickets() == 0


def test_a_key_of_another_user_is_not_replayed_to_them(client, make, prop, login_as):
    login_as(Role.CONCIERGE, username="one")
    _post(client, _data())
    client.post_form("/logout")
    login_as(Role.CONCIERGE, username="two")
    assert _post(client, _data()).status_code == 409
    assert _tickets() == 1


def test_without_javascript_the_rendered_key_still_stops_a_double_submit(client, prop, login_as):
    login_as(Role.CONCIERGE)
    form = {**_data(), "_idempotency_key": "b" * 32}
    first = client.post_form("/tickets/new", form)
    second = client.post_form("/tickets/new", form)
    assert first.status_code == 303 and second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _tickets() == 1


def test_twenty_concurrent_posts_of_one_key_create_one_record(app, client, prop, login_as):
    login_as(Role.CONCIERGE)
    token = client.csrf_token()
    cookie = client.get_cookie("frontdesk_session")
    statuses, start = [], threading.Barrier(20)

    def post():
        other = app.test_client()
        other.set_cookie("frontdesk_session", cookie.value)
        start.wait()
        response = other.post(
            "/tickets/new", data=_data(),
            headers={"X-Idempotency-Key": KEY, "X-Offline-Submit": "1", "X-CSRFToken": token},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=post) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [201] * 20
    assert _tickets() == 1
    assert db.session.scalar(sa.select(sa.func.count(IdempotencyKey.id))) == 1


def test_a_key_stored_while_the_view_ran_answers_instead_of_the_views_refusal(client, prop, login_as, monkeypatch):
    """The race behind the test above: a request checks the key before its twin commits, then its
    duplicate check sees the twin's ticket. It answers as the twin did, not with the duplicate warning."""
    from blueprints.shared import offline

    login_as(Role.CONCIERGE)
    assert _post(client, _data()).status_code == 201
    checks, stored = [], offline._stored

    def not_yet_committed_at_first(key):
        checks.append(key)
        return stored(key) if len(checks) > 1 else None

    monkeypatch.setattr(offline, "_stored", not_yet_committed_at_first)
    response = _post(client, _data())
    assert len(checks) == 2
    assert response.status_code == 201 and response.json["replayed"] is True
    assert _tickets() == 1


def test_a_background_replay_leaves_no_message_for_the_next_page(client, make, prop, login_as):
    make.unit(prop, "3", "1502")
    login_as(Role.LOBBY)
    parcel = {"unit": "3-1502", "carrier": "sf", "kind": "parcel", "count": "1", "shelf": "A-1"}
    assert client.post("/parcels/new", data={**parcel, "tracking_no": "SF1"}, headers={
        "X-Idempotency-Key": "r" * 32, "X-Offline-Submit": "1", "X-Offline-Replay": "1",
        "X-CSRFToken": client.csrf_token()}).status_code == 201
    assert "已登记" not in client.get("/dashboard").get_data(as_text=True)
    assert client.post("/parcels/new", data={**parcel, "tracking_no": "SF2"}, headers={
        "X-Idempotency-Key": "s" * 32, "X-Offline-Submit": "1", "X-CSRFToken": client.csrf_token()}).status_code == 201
    assert "已登记" in client.get("/parcels/new").get_data(as_text=True)  # sent while the user waits: told
