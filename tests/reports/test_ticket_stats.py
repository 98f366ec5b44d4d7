"""The 客户信息统计表 of a month, quarter, half-year and year: counts, 环比/同比, return visits, Excel and PDF."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from blueprints.reports.periods import Period
from blueprints.reports.stats import ticket_report
from models import Role, db
from models.tickets import Satisfaction, Ticket, TicketCategory, TicketVisit

from ..conftest import TEST_NOW
from ..pdf import assert_cjk_font_embedded_as_subset, pdf_fonts, pdf_text
from ..sql import recorded_statements
from ..xlsx import xlsx_rows

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _ticket(prop, user, number, category, received, **fields):
    ticket = Ticket(property_id=prop.id, number=number, source="phone", category=category, description="x",
                    first_contact_id=user.id, received_at=received, status="received", **fields)
    db.session.add(ticket)
    return ticket


def _visit(prop, user, ticket, satisfaction, at):
    db.session.add(TicketVisit(property_id=prop.id, ticket_id=ticket.id, method="phone",
                               satisfaction=satisfaction, visited_at=at, visitor_id=user.id))


@pytest.fixture
def lobby_user(make, prop):
    return make.user("lobby", {prop: [Role.LOBBY]})


@pytest.fixture
def history(prop, lobby_user):
    """November 2026: 4 repairs (3 resolved on time), a complaint and a suggestion; October: 2 repairs;
    November 2025: 1 repair. Return visits: the first repair (满意), the suggestion (不满意); the
    complaint's is still due."""
    user = lobby_user
    nov = datetime(2026, 11, 10, 2, tzinfo=timezone.utc)
    oct_ = datetime(2026, 10, 10, 2, tzinfo=timezone.utc)
    last_year = datetime(2025, 11, 10, 2, tzinfo=timezone.utc)
    repairs = [
        _ticket(prop, user, f"HY-TK-20261110-{n:04d}", "repair", nov, reply_due_at=nov, replied_at=nov,
                resolve_due_at=nov, resolved_at=nov if n < 3 else nov.replace(day=20), visit_required=n == 0)
        for n in range(4)
    ]
    _ticket(prop, user, "HY-TK-20261110-0099", "complaint", nov, severity="minor", visit_required=True)
    suggestion = _ticket(prop, user, "HY-TK-20261110-0098", "suggestion", nov, visit_required=True)
    _ticket(prop, user, "HY-TK-20261010-0001", "repair", oct_)
    _ticket(prop, user, "HY-TK-20261010-0002", "repair", oct_)
    _ticket(prop, user, "HY-TK-20251110-0001", "repair", last_year)
    db.session.flush()
    _visit(prop, user, repairs[0], Satisfaction.SATISFIED, nov)
    _visit(prop, user, suggestion, Satisfaction.UNSATISFIED, nov)
    db.session.commit()


@pytest.fixture
def boundaries(prop, lobby_user):
    """Tickets a minute either side of the local midnights that start quarters, halves and years: in UTC
    (8 hours behind) each of the later ones is still on the day before."""
    at = [
        ("A", "help", datetime(2026, 9, 30, 23, 59, tzinfo=SHANGHAI)),
        ("B", "enquiry", datetime(2026, 10, 1, 0, 0, tzinfo=SHANGHAI)),
        ("C", "complaint", datetime(2026, 6, 30, 23, 59, 59, tzinfo=SHANGHAI)),
        ("D", "praise", datetime(2026, 7, 1, 0, 30, tzinfo=SHANGHAI)),
        ("E", "other", datetime(2025, 12, 31, 23, 59, tzinfo=SHANGHAI)),
        ("F", "other", datetime(2026, 1, 1, 0, 0, tzinfo=SHANGHAI)),
        ("G", "repair", datetime(2026, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)),
        ("H", "repair", datetime(2027, 1, 1, 0, 0, tzinfo=SHANGHAI)),
    ]
    for name, category, received in at:
        _ticket(prop, lobby_user, f"HY-TK-{name}", category, received,
                severity="minor" if category == "complaint" else None)
    db.session.commit()


@pytest.mark.parametrize("key, current, previous, last_year", [
    ("2026-09", 1, 0, 0),  # A
    ("2026-10", 1, 1, 0),  # B; September: A
    ("2026-Q3", 2, 1, 0),  # A, D; Q2: C
    ("2026-Q4", 2, 2, 1),  # B, G; Q3: A, D; 2025-Q4: E
    ("2027-Q1", 1, 2, 1),  # H; Q4: B, G; a year before: F
    ("2026-H1", 2, 1, 0),  # C, F; 2025-H2: E
    ("2026-H2", 4, 2, 1),  # A, B, D, G; H1: C, F; 2025-H2: E
    ("2026", 6, 1, 1),  # A, B, C, D, F, G; 2025: E
])
def test_each_kind_of_period_counts_the_tickets_received_in_its_local_days(prop, boundaries, key, current,
                                                                            previous, last_year):
    report = ticket_report(prop, Period.parse(key))
    assert (report.current.total, report.previous.total, report.last_year.total) == (current, previous, last_year)


def test_a_year_counts_by_category_and_month(prop, boundaries):
    report = ticket_report(prop, Period.parse("2026"))
    assert dict(report.current.by_category) == {
        TicketCategory.HELP: 1, TicketCategory.ENQUIRY: 1, TicketCategory.COMPLAINT: 1, TicketCategory.PRAISE: 1,
        TicketCategory.OTHER: 1, TicketCategory.REPAIR: 1,
    }
    by_month = {month.month: stats.total for month, stats in report.months}
    assert by_month == {1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 6: 1, 7: 1, 8: 0, 9: 1, 10: 1, 11: 0, 12: 1}


@pytest.mark.parametrize("key, months", [
    ("2026-11", 3),  # November, October, November 2025: not the ten months between
    ("2026-Q4", 9),
    ("2026-H2", 18),
    ("2026", 24),
])
def test_a_report_reads_each_month_it_compares_in_one_grouped_pass_and_the_visits_in_another(prop, history, key,
                                                                                           months):
    prop.zone  # the property loaded and the connection open before counting
    with recorded_statements() as statements:
        report = ticket_report(prop, Period.parse(key))
    assert len(statements) == months + 1, statements
    assert report.current.by_category[TicketCategory.REPAIR] == 4 + (2 if key != "2026-11" else 0)


@pytest.fixture
def month_ends(prop, lobby_user):
    """Tickets at the last second of a local month and at the first of the next: in UTC both are on the
    last day of the earlier month (16:00 is midnight in Shanghai). Each of the first two has a visit."""
    at = [
        ("A", "repair", datetime(2026, 10, 31, 23, 59, 59, tzinfo=SHANGHAI)),
        ("B", "complaint", datetime(2026, 11, 1, 0, 0, tzinfo=SHANGHAI)),
        ("C", "enquiry", datetime(2026, 11, 30, 23, 59, 59, tzinfo=SHANGHAI)),
        ("D", "repair", datetime(2026, 12, 1, 0, 0, tzinfo=SHANGHAI)),
        ("E", "help", datetime(2025, 11, 1, 0, 0, tzinfo=SHANGHAI)),
        ("F", "help", datetime(2025, 10, 31, 23, 59, 59, tzinfo=SHANGHAI)),
    ]
    tickets = {
        name: _ticket(prop, lobby_user, f"HY-TK-{name}", category, received, visit_required=name in "AB",
                      severity="minor" if category == "complaint" else None)
        for name, category, received in at
    }
    db.session.flush()
    _visit(prop, lobby_user, tickets["A"], Satisfaction.SATISFIED, tickets["A"].received_at)
    _visit(prop, lobby_user, tickets["B"], Satisfaction.UNSATISFIED, tickets["B"].received_at)
    db.session.commit()


def test_a_ticket_counts_in_the_local_month_it_was_received_in_to_the_second(prop, month_ends):
    report = ticket_report(prop, Period.parse("2026-11"))
    assert dict(report.current.by_category) == {TicketCategory.COMPLAINT: 1, TicketCategory.ENQUIRY: 1}  # B, C
    assert dict(report.previous.by_category) == {TicketCategory.REPAIR: 1}  # A
    assert dict(report.last_year.by_category) == {TicketCategory.HELP: 1}  # E, not F
    assert (report.current.visits_due, report.current.visits_done) == (1, 1)
    assert +report.current.satisfaction == {Satisfaction.UNSATISFIED: 1}
    assert (report.previous.visits_due, report.previous.visits_done) == (1, 1)
    assert +report.previous.satisfaction == {Satisfaction.SATISFIED: 1}

    quarter = ticket_report(prop, Period.parse("2026-Q4"))
    assert [(month.month, stats.total, stats.visits_done) for month, stats in quarter.months] == [
        (10, 1, 1), (11, 2, 1), (12, 1, 0),  # A; B, C; D
    ]
    assert (quarter.previous.total, quarter.last_year.total) == (0, 2)  # 2025-Q4: E, F


def test_monthly_statistics_with_rates_and_trends(client, login_as, history):
    login_as(Role.SUPERVISOR)
    page = client.get("/reports/tickets?period=2026-11").get_data(as_text=True)
    assert "客户信息统计 · 2026年11月" in page
    assert "+100.0%" in page  # repairs 4 against 2 in October
    assert "+300.0%" in page  # and against 1 a year before
    assert "75.0%" in page  # resolved on time 3 of 4
    assert "66.7%" in page  # visits done 2 of 3
    assert "<svg" in page and 'font-family="\'Noto Sans CJK SC\'' in page
    assert "分月统计" not in page  # one month has no months to split into


def test_rising_complaints_are_called_to_attention(client, login_as, history):
    login_as(Role.SUPERVISOR)
    page = client.get("/reports/tickets?period=2026-11").get_data(as_text=True)
    assert "投诉类信息较上期上升：0 → 1。" in page  # one complaint in November, none in October
    assert "投诉类信息较上期上升" not in client.get("/reports/tickets?period=2026-12").get_data(as_text=True)


def test_the_old_month_link_still_opens_its_month(client, login_as, history):
    login_as(Role.SUPERVISOR)
    assert "客户信息统计 · 2026年11月" in client.get("/reports/tickets?month=2026-11").get_data(as_text=True)


@pytest.mark.parametrize("key", ["2026-Q5", "abc", "2026-13", ""])
def test_a_period_that_does_not_exist_shows_this_month(client, login_as, history, key):
    login_as(Role.SUPERVISOR)
    response = client.get(f"/reports/tickets?period={key}")
    assert response.status_code == 200
    today = TEST_NOW.astimezone(SHANGHAI)  # this month where the property is
    assert f"客户信息统计 · {today.year}年{today.month}月" in response.get_data(as_text=True)


def test_the_quarter_compares_with_the_last_quarter_and_splits_into_months(client, login_as, history):
    login_as(Role.SUPERVISOR)
    page = client.get("/reports/tickets?period=2026-Q4").get_data(as_text=True)
    assert "客户信息统计 · 2026年第4季度" in page
    assert "2026年第3季度" in page and "2025年第4季度" in page
    assert "+700.0%" in page  # 8 tickets against 1 in 2025-Q4
    assert "分月统计" in page and "10月" in page and "12月" in page and "反映问题类（求助、建议）" in page
    # the picker: every kind, the current one marked
    assert 'href="/reports/tickets?period=2026-H2"' in page and 'href="/reports/tickets?period=2026"' in page
    assert 'aria-current="page">季度<' in page


def test_the_year_is_the_annual_statistics_table(client, login_as, history):
    login_as(Role.SUPERVISOR)
    page = client.get("/reports/tickets?period=2026").get_data(as_text=True)
    assert "客户信息统计 · 2026年" in page
    assert "环比" not in page  # a year's previous period is last year: only 同比
    assert "1月" in page and "12月" in page and "每月报事数量" in page


def _section(rows, first_cell):
    """The rows of an export from the one starting with `first_cell` to the next blank row."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_cell)
    section = []
    for row in rows[start:]:
        if not any(cell is not None for cell in row):
            break
        section.append(row)
    return section


def test_statistics_export_to_excel(client, login_as, history):
    login_as(Role.SUPERVISOR)
    rows = xlsx_rows(client.get("/reports/tickets.xlsx?period=2026-11"))
    table = {row[0]: row for row in _section(rows, "类别")}
    assert table["类别"][:6] == ("类别", "本期", "上期", "环比", "去年同期", "同比")
    assert table["报修"][1:6] == (4, 2, 1.0, 1, 3.0)
    assert table["投诉"][1:4] == (1, 0, "—")  # no base: no percentage
    assert table["合计"][1] == 6
    visits = {row[0]: row for row in _section(rows, "回访统计")}
    assert visits["回访统计"][1:8] == ("应回访", "已回访", "回访率", "满意", "基本满意", "不满意", "满意率")
    assert visits["报修"][1:8] == (1, 1, 1.0, 1, 0, 0, 1.0)
    assert visits["投诉"][1:4] == (1, 0, 0.0)
    assert visits["建议"][1:8] == (1, 1, 1.0, 0, 0, 1, 0.0)
    assert visits["合计"][1:4] == (3, 2, pytest.approx(2 / 3))
    rates = {row[0]: row for row in rows if row and row[0]}
    assert rates["办结及时率"][1] == pytest.approx(0.75)


def test_the_annual_export_has_a_column_per_month(client, login_as, history):
    login_as(Role.SUPERVISOR)
    response = client.get("/reports/tickets.xlsx?period=2026")
    assert "2026.xlsx" in response.headers["Content-Disposition"]
    rows = xlsx_rows(response)
    assert rows[0][0] == "年客户信息统计表"
    table = {row[0]: row for row in _section(rows, "类别")}
    assert table["类别"][:4] == ("类别", "本期", "上年", "同比")
    assert table["报修"][1:4] == (6, 1, 5.0)
    months = {row[0]: row for row in _section(rows, "按月")}
    assert months["按月"][1:14] == tuple(f"{m}月" for m in range(1, 13)) + ("合计",)
    assert months["维修类"][10:12] == (2, 4) and months["维修类"][13] == 6
    assert months["反映问题类（求助、建议）"][11] == 1
    assert months["合计"][13] == 8


@pytest.mark.parametrize("key, title, heading", [
    ("2026-11", "客户信息统计表", "2026年11月"),
    ("2026-Q4", "客户信息统计表", "2026年第4季度"),
    ("2026-H2", "客户信息统计表", "2026年下半年"),
    ("2026", "年客户信息统计表", "2026年"),
])
def test_statistics_print_in_chinese(client, login_as, history, tmp_path, key, title, heading):
    login_as(Role.SUPERVISOR)
    response = client.get(f"/reports/tickets.pdf?period={key}")
    text = pdf_text(response.data)
    assert title in text and "答复及时率" in text and "回访统计" in text and heading in text
    assert_cjk_font_embedded_as_subset(response.data, tmp_path)


def test_the_printed_charts_use_the_simplified_chinese_face_for_labels_and_numbers(client, login_as, history,
                                                                                    tmp_path):
    login_as(Role.SUPERVISOR)
    fonts = [f["name"] for f in pdf_fonts(client.get("/reports/tickets.pdf?period=2026").data, tmp_path)]
    assert any("Noto-Sans-CJK-SC" in name for name in fonts), fonts
    assert not any("JP" in name for name in fonts), fonts  # Japanese glyph shapes for 投诉, 报修…
    assert not any("DejaVu" in name for name in fonts), fonts  # the numbers in another face


def test_lobby_staff_do_not_see_statistics(client, login_as, prop):
    login_as(Role.LOBBY)
    assert client.get("/reports/tickets").status_code == 403
    assert client.get("/reports/tickets.xlsx?period=2026").status_code == 403
    assert client.get("/reports/tickets.pdf?period=2026-Q4").status_code == 403


def test_the_reports_page_leads_to_this_years_annual_table(client, login_as, prop):
    login_as(Role.SUPERVISOR)
    page = client.get("/reports/").get_data(as_text=True)
    assert f'href="/reports/tickets?period={TEST_NOW.astimezone(SHANGHAI).year}"' in page and "年客户信息统计表" in page
