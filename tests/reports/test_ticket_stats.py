import io
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from models import Role, db
from models.tickets import Satisfaction, Ticket, TicketVisit

from ..pdf import assert_cjk_font_embedded_as_subset, pdf_text


def _ticket(prop, user, number, category, received, **fields):
    ticket = Ticket(property_id=prop.id, number=number, source="phone", category=category, description="x",
                    first_contact_id=user.id, received_at=received, status="received", **fields)
    db.session.add(ticket)
    return ticket


@pytest.fixture
def history(make, prop):
    user = make.user("lobby", {prop: [Role.LOBBY]})
    nov = datetime(2026, 11, 10, 2, tzinfo=timezone.utc)
    oct_ = datetime(2026, 10, 10, 2, tzinfo=timezone.utc)
    last_year = datetime(2025, 11, 10, 2, tzinfo=timezone.utc)
    for n in range(4):
        _ticket(prop, user, f"HY-TK-20261110-{n:04d}", "repair", nov, reply_due_at=nov, replied_at=nov, resolve_due_at=nov,
                resolved_at=nov if n < 3 else nov.replace(day=20), visit_required=n == 0)
    _ticket(prop, user, "HY-TK-20261110-0099", "complaint", nov, severity="minor", visit_required=True)
    _ticket(prop, user, "HY-TK-20261010-0001", "repair", oct_)
    _ticket(prop, user, "HY-TK-20261010-0002", "repair", oct_)
    _ticket(prop, user, "HY-TK-20251110-0001", "repair", last_year)
    db.session.flush()
    first = db.session.scalar(db.select(Ticket).filter_by(number="HY-TK-20261110-0000"))
    db.session.add(TicketVisit(property_id=prop.id, ticket_id=first.id, method="phone",
                               satisfaction=Satisfaction.SATISFIED, visited_at=nov, visitor_id=user.id))
    db.session.commit()


def test_monthly_statistics_with_rates_and_trends(client, login_as, history):
    login_as(Role.SUPERVISOR)
    page = client.get("/reports/tickets?month=2026-11").get_data(as_text=True)
    assert "客户信息统计" in page
    assert "↑100.0%" in page  # repairs 4 against 2 in October
    assert "↑300.0%" in page  # and against 1 a year before
    assert "75.0%" in page  # resolved on time 3 of 4
    assert "50.0%" in page  # visits done 1 of 2
    assert "<svg" in page


def test_statistics_export_to_excel(client, login_as, history):
    login_as(Role.SUPERVISOR)
    response = client.get("/reports/tickets.xlsx?month=2026-11")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["报修"][1:4] == (4, 2, 1.0)
    assert rows["合计"][1] == 5
    assert rows["办结及时率"][1] == pytest.approx(0.75)


def test_statistics_print_in_chinese(client, login_as, history, tmp_path):
    login_as(Role.SUPERVISOR)
    response = client.get("/reports/tickets.pdf?month=2026-11")
    text = pdf_text(response.data)
    assert "客户信息统计表" in text and "答复及时率" in text and "2026-11" in text
    assert_cjk_font_embedded_as_subset(response.data, tmp_path)


def test_lobby_staff_do_not_see_statistics(client, login_as, prop):
    login_as(Role.LOBBY)
    assert client.get("/reports/tickets").status_code == 403
