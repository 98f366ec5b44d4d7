from flask import request
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from models.tickets import Nature, Satisfaction, Severity, TicketCategory, TicketStatus

from ..shared.htmx import render
from ..shared.lists import xlsx_response
from ..shared.localtime import today
from ..shared.permissions import current_property, require
from ..shared.printing import render_pdf
from . import bp
from .charts import bar_chart, column_chart
from .periods import Period, PeriodKind
from .stats import SEED_CLASSES, TicketReport, change, format_change, ticket_report

# How many periods of each kind the picker offers, newest first.
RECENT = {PeriodKind.MONTH: 24, PeriodKind.QUARTER: 12, PeriodKind.HALF: 6, PeriodKind.YEAR: 5}


def _requested_period() -> Period:
    """?period=2026-11 | 2026-Q4 | 2026-H2 | 2026 (?month= as before); this month when it names none."""
    key = request.args.get("period") or request.args.get("month") or ""
    return Period.parse(key) or Period.containing(PeriodKind.MONTH, today())


def _report(period: Period) -> dict:
    report = ticket_report(current_property(), period)
    current, previous, last_year = report.current, report.previous, report.last_year
    rows = [
        (c.label, current.by_category[c], previous.by_category[c], last_year.by_category[c]) for c in TicketCategory
    ]
    return {
        "period": period,
        "report": report,
        "current": current,
        "previous": previous,
        "last_year": last_year,
        "rows": rows,
        "class_rows": _class_rows(report),
        # Seed 003 §3.6: complaints on the rise call for the supervisor's attention.
        "complaints": (current.by_category[TicketCategory.COMPLAINT], previous.by_category[TicketCategory.COMPLAINT]),
        "visit_rows": [current.visit_row(c) for c in TicketCategory] + [current.visit_total()],
        "change": format_change,
        "chart": bar_chart([(label, n) for label, n, _p, _y in rows]),
        "trend": column_chart([(_("%(m)d月", m=m.month), s.total) for m, s in report.months])
        if len(report.months) > 1 else None,
        "TicketCategory": TicketCategory, "Severity": Severity, "Nature": Nature,
        "TicketStatus": TicketStatus, "Satisfaction": Satisfaction,
        "kinds": [(kind, period.of_kind(kind)) for kind in PeriodKind],
        "choices": period.of_kind(period.kind).recent(RECENT[period.kind]),
    }


def _class_rows(report: TicketReport) -> list[tuple[str, list[int], int, bool]]:
    """The 年客户信息统计表: each seed class, its months and its total, then the totals (marked), important
    information (重要信息), resolved, and the return visits."""
    months = [stats for _month, stats in report.months]

    def row(label, count, total_row=False):
        values = [count(stats) for stats in months]
        return label, values, sum(values), total_row

    rows = [
        row(f"{label}（{'、'.join(str(c.label) for c in categories)}）" if len(categories) > 1 else label,
            lambda s, categories=categories: s.in_class(categories))
        for label, categories in SEED_CLASSES
    ]
    rows.append(row(_("合计"), lambda s: s.total, total_row=True))
    rows.append(row(_("其中重要信息"), lambda s: s.important))
    rows.append(row(_("已办结"), lambda s: s.resolved))
    rows.append(row(_("已回访"), lambda s: s.visits_done))
    rows.append(row(_("回访满意（含基本满意）"),
                    lambda s: s.satisfaction[Satisfaction.SATISFIED] + s.satisfaction[Satisfaction.FAIRLY]))
    return rows


def _title(period: Period) -> str:
    return _("年客户信息统计表") if period.kind is PeriodKind.YEAR else _("客户信息统计表")


@bp.get("/")
@require("reports.view")
def index():
    return render("reports/index.html", this_year=Period.containing(PeriodKind.YEAR, today()))


@bp.get("/tickets")
@require("reports.view")
def tickets():
    return render("reports/tickets.html", **_report(_requested_period()))


@bp.get("/tickets.pdf")
@require("reports.view")
def tickets_pdf():
    period = _requested_period()
    return render_pdf("print/reports/tickets.html", filename=f"{_title(period)}-{period.key}",
                      title=_title(period), number=period.key, **_report(period))


@bp.get("/tickets.xlsx")
@require("reports.view")
def tickets_xlsx():
    period = _requested_period()
    report = _report(period)
    current, previous, last_year = report["current"], report["previous"], report["last_year"]
    book = Workbook()
    sheet = book.active
    sheet.title = period.key
    sheet.append([_title(period), current_property().name, period.label])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    if period.previous_is_last_year:
        sheet.append([_("类别"), _("本期"), _("上年"), _("同比")])
    else:
        sheet.append([_("类别"), _("本期"), _("上期"), _("环比"), _("去年同期"), _("同比")])
    for label, n, p, y in report["rows"] + [(_("合计"), current.total, previous.total, last_year.total)]:
        values = [n, y, change(n, y)] if period.previous_is_last_year else [n, p, change(n, p), y, change(n, y)]
        sheet.append([str(label)] + ["—" if v is None else v for v in values])
        for cell in sheet[sheet.max_row][3::2]:
            cell.number_format = "+0.0%;\u22120.0%;0.0%"
    if len(report["report"].months) > 1:
        sheet.append([])
        sheet.append([_("按月")] + [_("%(m)d月", m=m.month) for m, _s in report["report"].months] + [_("合计")])
        for label, values, total, _total_row in report["class_rows"]:
            sheet.append([str(label)] + values + [total])
    sheet.append([])
    sheet.append([_("回访统计"), _("应回访"), _("已回访"), _("回访率")] + [str(s.label) for s in Satisfaction]
                 + [_("满意率")])
    for row in report["visit_rows"]:
        sheet.append([str(row.label), row.due, row.done, row.coverage] + [row.satisfaction[s] for s in Satisfaction]
                     + [row.satisfied_rate])
        for cell in (sheet.cell(sheet.max_row, 4), sheet.cell(sheet.max_row, 5 + len(Satisfaction))):
            cell.number_format = "0.0%"
    sheet.append([])
    sheet.append([_("投诉程度")] + [str(s.label) for s in Severity])
    sheet.append([""] + [current.by_severity[s] for s in Severity])
    sheet.append([_("性质")] + [str(n.label) for n in Nature])
    sheet.append([""] + [current.by_nature[n] for n in Nature])
    sheet.append([_("状态")] + [str(s.label) for s in TicketStatus])
    sheet.append([""] + [current.by_status[s] for s in TicketStatus])
    sheet.append([_("部门")] + list(current.by_department))
    sheet.append([""] + list(current.by_department.values()))
    sheet.append([])
    for label, value in [
        (_("答复及时率"), current.reply_rate), (_("办结及时率"), current.resolve_rate),
        (_("回访完成率"), current.visit_coverage), (_("满意率（含基本满意）"), current.satisfied_rate),
    ]:
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 2).number_format = "0.0%"
    sheet.column_dimensions["A"].width = 28
    for column in "BCDEFGHIJKLMN":
        sheet.column_dimensions[column].width = 10
    return xlsx_response(book, f"{_title(period)}-{period.key}.xlsx")
