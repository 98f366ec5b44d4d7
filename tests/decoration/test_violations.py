import io
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from PIL import Image

from blueprints.shared.handover import compile_handover
from models import Attachment, IdempotencyKey, Notification, Role, Unit, db
from models.decoration import DecorationStatus, Reinspection, Violation, ViolationKind, ViolationStatus
from models.journal import Shift

from ..pdf import assert_cjk_font_embedded_as_subset, chinese_date, pdf_text
from .conftest import today


def unit(room="1502") -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.room == room))


@pytest.fixture
def site(decorate):
    """3-1502 under decoration."""
    return decorate(unit("1502"))


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (180, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def violation_data(**fields):
    data = {"unit": "3-1502", "kind": "blocked_passage", "note": "15 楼楼道堆放水泥 10 袋",
            "deadline": (today() + timedelta(days=3)).isoformat()}
    data.update(fields)
    return data


def record(client, key="k" * 32, client_time=None, **fields):
    """Send the form as static/js/offline.js does: idempotency key, device time, script headers."""
    headers = {"X-Idempotency-Key": key, "X-Offline-Submit": "1", "X-CSRFToken": client.csrf_token()}
    if client_time:
        headers["X-Client-Time"] = client_time
    return client.post("/decoration/violations/new", data=violation_data(**fields), headers=headers)


def violations() -> list[Violation]:
    db.session.commit()
    return db.session.scalars(sa.select(Violation).order_by(Violation.id)).all()


def test_the_form_opens_offline_ready_with_the_units_under_way_and_a_default_deadline(client, site):
    client.login("floor")
    response = client.get("/decoration/violations/new?unit=3-1502")
    assert response.status_code == 200 and response.headers["X-Offline-Page"] == "1"
    page = response.get_data(as_text=True)
    assert "data-offline" in page and "HY-3-1502" in page and "堵塞公共通道" in page
    assert f'value="{(today() + timedelta(days=3)).isoformat()}"' in page
    assert 'value="3-1502"' in page


def test_a_violation_is_recorded_with_device_time_a_number_and_a_photo(client, site):
    client.login("floor")
    response = client.post_form("/decoration/violations/new", {
        **violation_data(), "photos": (io.BytesIO(jpeg()), "corridor.jpg"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    [violation] = violations()
    assert violation.number.startswith("HY-WZ-") and violation.decoration_id == site.id
    assert violation.found_by.username == "floor" and violation.found_on == today()
    assert violation.deadline == today() + timedelta(days=3) and violation.reinspect_on == today() + timedelta(days=4)
    assert violation.status is ViolationStatus.OPEN
    photo = db.session.scalar(sa.select(Attachment))
    assert (photo.owner_table, photo.owner_id) == ("decoration_violations", violation.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert violation.number in page and "15 楼楼道堆放水泥" in page and "请打印违章通知书" in page


def test_validation_errors_are_in_chinese_and_keep_what_was_typed(client, site):
    client.login("floor")
    past = client.post_form("/decoration/violations/new", violation_data(deadline=(today() - timedelta(days=1)).isoformat()))
    assert past.status_code == 422
    page = past.get_data(as_text=True)
    assert "整改期限不能是过去的日期" in page and "15 楼楼道堆放水泥 10 袋" in page

    unknown = client.post_form("/decoration/violations/new", violation_data(unit="9-9999"))
    assert unknown.status_code == 422
    page = unknown.get_data(as_text=True)
    assert "本项目没有这个房号" in page and 'value="9-9999"' in page

    no_kind = client.post_form("/decoration/violations/new", violation_data(kind=""))
    assert no_kind.status_code == 422
    page = no_kind.get_data(as_text=True)
    assert 'id="field-kind"' in page and "请选择" in page and "15 楼楼道堆放水泥 10 袋" in page

    not_decorating = client.post_form("/decoration/violations/new", violation_data(unit="5-0801"))
    assert "该户没有在施工的装修登记" in not_decorating.get_data(as_text=True)
    other = client.post_form("/decoration/violations/new", violation_data(kind="other", note=""))
    assert "选择「其他」时请写明违章情况" in other.get_data(as_text=True)
    assert violations() == []


def test_an_offline_replay_creates_one_violation_with_one_number(client, site):
    client.login("floor")
    found = (datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)).isoformat()
    first = record(client, client_time=found)
    again = record(client, client_time=found)
    assert first.status_code == 201 and again.status_code == 201
    assert again.json == {"location": first.json["location"], "replayed": True}
    [violation] = violations()
    assert violation.found_at.isoformat() == found
    assert db.session.scalar(sa.select(sa.func.count(IdempotencyKey.id))) == 1
    assert record(client, key="n" * 32, client_time=found).status_code == 201  # a new action: a new violation
    numbers = [v.number for v in violations()]
    assert len(set(numbers)) == 2 and numbers[1].endswith("-0002")


def test_a_deadline_counts_from_the_day_it_was_found_not_the_day_it_synced(client, site):
    client.login("floor")
    yesterday = today() - timedelta(days=1)
    found = f"{yesterday.isoformat()}T04:00:00+00:00"  # noon in Shanghai
    response = record(client, client_time=found, deadline=yesterday.isoformat())
    assert response.status_code == 201
    [violation] = violations()
    assert violation.found_on == yesterday == violation.deadline


def test_the_deadline_constraint_holds_in_the_database(client, site):
    client.login("floor")
    record(client)
    [violation] = violations()
    violation.deadline = violation.found_on - timedelta(days=1)
    with pytest.raises(sa.exc.IntegrityError, match="deadline_not_before_finding"):
        db.session.commit()
    db.session.rollback()


def test_the_notice_prints_as_a_chinese_pdf(client, site, tmp_path):
    client.login("floor")
    client.post_form("/decoration/violations/new", {**violation_data(kind="outside_hours", note="晚上 21:30 仍在电锤打孔"),
                                                    "photos": (io.BytesIO(jpeg()), "night.jpg")},
                     content_type="multipart/form-data")
    [violation] = violations()
    response = client.get(f"/decoration/violations/{violation.id}/notice.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    for expected in ("违章通知书", violation.number, chinese_date(violation.deadline), "超时施工",
                     "晚上 21:30 仍在电锤打孔", "工作日 08:00–12:00", "恒宇花园", "HY-3-1502", "业主签收", "巡查人"):
        assert expected in text, expected
    assert_cjk_font_embedded_as_subset(response.data, tmp_path)
    assert b"/Subtype /Image" in response.data or b"/Subtype/Image" in response.data  # the photo


def test_a_rectified_reinspection_closes_the_violation(client, site):
    client.login("floor")
    record(client)
    [violation] = violations()
    ok = client.post_form(f"/decoration/violations/{violation.id}/reinspect", {"round": "1", "result": "rectified", "note": "水泥已清走"})
    assert ok.status_code == 302
    db.session.refresh(violation)
    assert violation.status is ViolationStatus.RECTIFIED and violation.rectified_at is not None
    assert violation.reinspect_on is None
    [step] = violation.reinspections
    assert step.rectified and step.inspector.username == "floor" and step.deadline_checked == violation.deadline
    again = client.post_form(f"/decoration/violations/{violation.id}/reinspect", {"round": "1", "result": "rectified"},
                             follow_redirects=True)
    assert "刚刚已由他人复验" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Reinspection.id))) == 1


def test_not_rectified_is_escalated_with_a_note_and_optionally_a_new_deadline(client, site, staff):
    client.login("floor")
    record(client)
    [violation] = violations()
    first_deadline = violation.deadline
    url = f"/decoration/violations/{violation.id}/reinspect"
    no_note = client.post_form(url, {"round": "1", "result": "not_rectified", "note": ""})
    assert no_note.status_code == 422 and "未整改请写明情况及处理意见" in no_note.get_data(as_text=True)
    earlier = client.post_form(url, {"round": "1", "result": "not_rectified", "note": "仍有 6 袋",
                                     "new_deadline": first_deadline.isoformat()})
    assert earlier.status_code == 422 and "新的整改期限应晚于原期限" in earlier.get_data(as_text=True)

    extended = client.post_form(url, {"round": "1", "result": "not_rectified", "note": "仍有 6 袋，已通知刘工",
                                      "new_deadline": (first_deadline + timedelta(days=2)).isoformat()})
    assert extended.status_code == 302
    db.session.refresh(violation)
    assert violation.status is ViolationStatus.ESCALATED
    assert violation.deadline == first_deadline + timedelta(days=2)
    assert violation.reinspect_on == first_deadline + timedelta(days=3)
    alerts = db.session.scalars(sa.select(Notification.user_id).where(Notification.text.contains("复验未整改"))).all()
    assert alerts == [staff["supervisor"].id]

    given_up = client.post_form(url, {"round": "2", "result": "not_rectified", "note": "拒不整改，上报主管，暂停施工"})
    assert given_up.status_code == 302
    db.session.refresh(violation)
    assert violation.status is ViolationStatus.ESCALATED and violation.reinspect_on is None
    assert [(r.round, r.rectified, r.deadline_checked) for r in violation.reinspections] == [
        (1, False, first_deadline), (2, False, first_deadline + timedelta(days=2))]
    # Escalated without a deadline, it can still be closed when the works are put right.
    assert client.post_form(url, {"round": "3", "result": "rectified"}).status_code == 302
    db.session.refresh(violation)
    assert violation.status is ViolationStatus.RECTIFIED
    page = client.get(f"/decoration/violations/{violation.id}").get_data(as_text=True)
    assert "拒不整改" in page and "第 3 次复验" in page


def test_repeated_violations_are_listed_per_unit(client, site, decorate, prop):
    earlier = decorate(unit("0801"), permit_no="ZX-OLD", status=DecorationStatus.ACCEPTED)
    current = decorate(unit("0801"), permit_no="ZX-NEW")
    client.login("floor")
    record(client, key="a" * 32)
    record(client, key="b" * 32, kind="noise", note="周日上午电钻")
    record(client, key="c" * 32, unit="5-0801", kind="debris")
    db.session.add(Violation(property_id=prop.id, number="HY-WZ-20250101-0001", decoration=earlier, kind=ViolationKind.DEBRIS,
                             found_at=current.created_at - timedelta(days=400), found_on=today() - timedelta(days=400),
                             found_by_id=current.registered_by_id, deadline=today() - timedelta(days=397),
                             reinspect_on=None, status=ViolationStatus.ESCALATED))
    db.session.commit()
    page = client.get("/decoration/repeats").get_data(as_text=True)
    assert "HY-3-1502" in page and "HY-5-0801" in page
    assert "同一次装修 2 次" in page  # 3-1502: twice in this decoration
    assert "跨 2 次装修" in page and "乱扔装修垃圾 ×2" in page  # 5-0801: once now, once before
    detail = client.get(f"/decoration/{current.id}").get_data(as_text=True)
    assert "此前的装修中另有 1 次违章" in detail
    listed = client.get("/decoration/").get_data(as_text=True)
    assert "多次" in listed


def test_reinspections_due_are_listed_and_handed_over(client, site, prop, staff):
    client.login("floor")
    record(client, key="a" * 32, deadline=today().isoformat())  # re-inspected tomorrow
    record(client, key="b" * 32, kind="noise")
    [due_tomorrow, later] = violations()
    due_tomorrow.reinspect_on = today()
    db.session.commit()
    page = client.get("/decoration/reinspections").get_data(as_text=True)
    assert "今日复验" in page and due_tomorrow.number in page and later.number in page  # later: within the week
    shift = Shift(property_id=prop.id, number="HY-BC-1", post="floor", staff=staff["concierge"])
    db.session.add(shift)
    db.session.commit()
    with client.application.test_request_context():
        items = [i for i in compile_handover(shift) if i["section"] == "待复验装修违章"]
    assert len(items) == 1 and due_tomorrow.number in items[0]["text"] and "今日复验" in items[0]["text"]


def test_another_propertys_records_are_404(client, make, staff, site):
    other = make.property("HD", "恒宇大厦")
    client.login("floor")
    record(client)
    [violation] = violations()
    make.user("far", {other: [Role.SUPERVISOR]})
    client.post_form("/logout")
    client.login("far")
    for path in (f"/decoration/{site.id}", f"/decoration/{site.id}/edit", f"/decoration/violations/{violation.id}",
                 f"/decoration/violations/{violation.id}/notice.pdf"):
        assert client.get(path).status_code == 404, path
    assert client.post_form(f"/decoration/violations/{violation.id}/reinspect", {"round": "1", "result": "rectified"}).status_code == 404
