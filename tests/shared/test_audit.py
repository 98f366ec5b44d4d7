import pytest
import sqlalchemy as sa

from models import AuditAction, AuditEntry, ResidentRelation, Role, Unit, db


def _entries(table, record_id):
    return db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.table_name == table, AuditEntry.record_id == str(record_id))
        .order_by(AuditEntry.id)
    ).all()


def test_create_update_delete_are_logged_with_what_changed(make, prop):
    unit = make.unit(prop, "3", "1502", area=120)
    unit.note = "漏水已修"
    unit.in_arrears = True
    db.session.commit()
    unit_id = unit.id
    db.session.delete(unit)
    db.session.commit()
    create, update, delete = _entries("units", unit_id)
    assert create.action is AuditAction.CREATE and create.changes["room"] == "1502"
    assert create.property_id == prop.id
    assert update.action is AuditAction.UPDATE
    assert update.changes == {"note": ["", "漏水已修"], "in_arrears": [False, True]}
    assert delete.action is AuditAction.DELETE and delete.changes["archive_no"] == "HY-3-1502"


def test_the_acting_user_is_recorded(client, login_as, make, prop):
    user = login_as(Role.ADMIN)
    unit = make.unit(prop, "3", "1502")
    response = client.post_form(
        f"/admin/units/{unit.id}",
        {"building_id": unit.building_id, "room": "1502", "floor": "15", "area": "", "note": "东南角"},
    )
    assert response.status_code == 302
    update = _entries("units", unit.id)[-1]
    assert update.user_id == user.id
    assert update.changes["note"] == ["", "东南角"]


def test_personal_data_is_logged_masked_and_secrets_not_at_all(make, prop):
    unit = make.unit(prop)
    resident = make.resident(unit, phone="13812345678", id_number="34010419900101123X")
    changes = _entries("residents", resident.id)[0].changes
    assert "13812345678" not in str(changes) and "34010419900101123X" not in str(changes)
    assert changes["phone"].endswith("5678")
    user = make.user("wang", {prop: [Role.LOBBY]})
    user_changes = _entries("users", user.id)[0].changes
    assert user_changes["password_hash"] == "***"


def test_the_audit_log_is_append_only(make, prop):
    make.unit(prop)
    entry_id = db.session.scalar(sa.select(AuditEntry.id))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == entry_id).values(table_name="x"))
    db.session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.delete(AuditEntry))
    db.session.rollback()


def test_supervisor_reads_a_records_history_lobby_may_not(client, make, prop, login_as):
    unit = make.unit(prop)
    unit.note = "改过"
    db.session.commit()
    login_as(Role.SUPERVISOR, username="chen")
    page = client.get(f"/audit/units/{unit.id}").get_data(as_text=True)
    assert "新建" in page and "修改" in page and "改过" in page
    client.post_form("/logout")
    login_as(Role.LOBBY, username="wang")
    assert client.get(f"/audit/units/{unit.id}").status_code == 403


def test_history_of_another_propertys_record_shows_nothing(client, make, prop, login_as):
    other = make.property("HD", "恒宇大厦")
    foreign = make.unit(other, "1", "101")
    login_as(Role.SUPERVISOR)
    page = client.get(f"/audit/units/{foreign.id}").get_data(as_text=True)
    assert "HD-1-101" not in page and "暂无修改记录" in page


def test_unchanged_flush_writes_nothing(make, prop):
    unit = make.unit(prop)
    before = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    unit.note = unit.note  # no change
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == before
    assert db.session.get(Unit, unit.id) is not None


def test_the_history_fragment_renders_for_htmx(client, make, prop, login_as):
    unit = make.unit(prop)
    unit.in_arrears = True
    db.session.commit()
    login_as(Role.SUPERVISOR)
    response = client.get(f"/audit/units/{unit.id}", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<ol class="timeline"') and "欠费：否 → 是" in body


def test_the_history_shows_enum_values_by_their_labels(client, make, prop, login_as):
    resident = make.resident(make.unit(prop), relation=ResidentRelation.OWNER)
    resident.relation = ResidentRelation.TENANT
    db.session.commit()
    login_as(Role.SUPERVISOR)
    body = client.get(f"/audit/residents/{resident.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "身份：业主 → 租户" in body and "owner" not in body


def test_a_reveal_on_a_page_is_logged_though_another_request_wrote_since_the_page_began(app, prop):
    """A page (GET) that shows personal data whole logs it in its transaction, which has been reading. On
    SQLite, once another request has written since, that transaction may not start writing (no wait helps):
    the log is written in a new one."""
    from models import Building
    from models.audit import log_reveal

    db.session.commit()
    with app.test_request_context("/", method="GET"):
        assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 0  # the page has read
        with db.engine.begin() as other_request:
            other_request.execute(sa.insert(Building.__table__).values(property_id=prop.id, code="9", name="9号楼"))
        log_reveal(prop, ["name"])
        db.session.commit()
    reveals = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.REVEAL)).all()
    assert [(r.table_name, r.changes) for r in reveals] == [("properties", {"fields": ["name"]})]
