import sqlalchemy as sa

from models import AuditAction, AuditEntry, Role, db


def _setup(make, prop):
    a = make.unit(prop, "3", "1502")
    make.resident(a, "张三", phone="13812345678", id_number="34010419900101123X")
    b = make.unit(prop, "5", "0801")
    make.resident(b, "李四", phone="13900001111")
    return a, b


def _archive_numbers(page: str) -> set[str]:
    return {n for n in ("HY-3-1502", "HY-5-0801") if n in page}


def test_search_by_name_initials_phone_tail_and_archive_number(client, make, prop, login_as):
    _setup(make, prop)
    login_as(Role.LOBBY)
    for query, expected in [
        ("张三", {"HY-3-1502"}),
        ("ls", {"HY-5-0801"}),
        ("1111", {"HY-5-0801"}),
        ("5678", {"HY-3-1502"}),
        ("hy-5", {"HY-5-0801"}),
        ("", {"HY-3-1502", "HY-5-0801"}),
    ]:
        page = client.get("/archive/", query_string={"q": query}).get_data(as_text=True)
        assert _archive_numbers(page) == expected, query


def test_htmx_search_returns_only_the_results_fragment(client, make, prop, login_as):
    _setup(make, prop)
    login_as(Role.LOBBY)
    response = client.get("/archive/?q=张三", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="results">')
    assert "<html" not in body
    assert "HX-Request" in response.headers["Vary"]
    restore = client.get("/archive/?q=张三", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_personal_data_is_masked_until_revealed_and_the_reveal_is_logged(client, make, prop, login_as):
    unit, _ = _setup(make, prop)
    resident = unit.residents[0]
    user = login_as(Role.SUPERVISOR)
    page = client.get(f"/archive/units/{unit.id}").get_data(as_text=True)
    assert "138****5678" in page and "13812345678" not in page
    assert "34010419900101123X" not in page
    response = client.post(
        f"/archive/residents/{resident.id}/reveal",
        headers={"HX-Request": "true", "X-CSRFToken": client.csrf_token()},
    )
    body = response.get_data(as_text=True)
    assert "13812345678" in body and "34010419900101123X" in body
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.REVEAL))
    assert (entry.user_id, entry.table_name, entry.record_id) == (user.id, "residents", str(resident.id))


def test_lobby_staff_cannot_reveal(client, make, prop, login_as):
    unit, _ = _setup(make, prop)
    login_as(Role.LOBBY)
    response = client.post_form(f"/archive/residents/{unit.residents[0].id}/reveal")
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == AuditAction.REVEAL)) == 0


def test_departments_do_not_see_the_archive(client, make, prop, login_as):
    unit, _ = _setup(make, prop)
    login_as(Role.DEPARTMENT)
    assert client.get(f"/archive/units/{unit.id}").status_code == 403


def test_a_reveal_without_htmx_shows_the_unit_with_that_resident_only_in_full(client, make, prop, login_as):
    unit, _ = _setup(make, prop)
    other = make.resident(unit, "张小三", phone="13700007777")
    login_as(Role.SUPERVISOR)
    page = client.post_form(f"/archive/residents/{unit.residents[0].id}/reveal").get_data(as_text=True)
    assert "13812345678" in page and "HY-3-1502" in page
    assert "13700007777" not in page and other.phone_masked in page
