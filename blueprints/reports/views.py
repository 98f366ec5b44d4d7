from datetime import date

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
from .charts import bar_chart
from .stats import change, month_stats, shift_month


def _requested_month() -> date:
    try:
        year, month = map(int, request.args.get("month", "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today().replace(day=1)


def _report(month: date) -> dict:
    prop = current_property()
    current = month_stats(prop, month)
    previous = month_stats(prop, shift_month(month, -1))
    last_year = month_stats(prop, shift_month(month, -12))
    rows = [
        (c.label, current.by_category.get(c, 0), previous.by_category.get(c, 0), last_year.by_category.get(c, 0))
        for c in TicketCategory
    ]
    return {
        "month": month,
        "current": current,
        "previous": previous,
        "last_year": last_year,
        "rows": rows,
        "change": change,
        "chart": bar_chart([(label, n) for label, n, _p, _y in rows]),
        "TicketCategory": TicketCategory, "Severity": Severity, "Nature": Nature,
        "TicketStatus": TicketStatus, "Satisfaction": Satisfaction,
        "prev_month": shift_month(month, -1), "next_month": shift_month(month, 1),
    }


@bp.get("/")
@require("reports.view")
def index():
    return render("reports/index.html")


@bp.get("/tickets")
@require("reports.view")
def tickets():
    return render("reports/tickets.html", **_report(_requested_month()))


@bp.get("/tickets.pdf")
@require("reports.view")
def tickets_pdf():
    month = _requested_month()
    return render_pdf("print/reports/tickets.html", filename=_("客户信息统计表-%(m)s", m=month.strftime("%Y-%m")),
                      title=_("客户信息统计表"), number=month.strftime("%Y-%m"), **_report(month))


@bp.get("/tickets.xlsx")
@require("reports.view")
def tickets_xlsx():
    month = _requested_month()
    report = _report(month)
    current, previous, last_year = report["current"], report["previous"], report["last_year"]
    book = Workbook()
    sheet = book.active
    sheet.title = month.strftime("%Y-%m")
    sheet.append([_("客户信息统计表"), current_property().name, month.strftime("%Y-%m")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append([_("类别"), _("本月"), _("上月"), _("环比"), _("去年同月"), _("同比")])
    for label, n, p, y in report["rows"] + [(_("合计"), current.total, previous.total, last_year.total)]:
        sheet.append([str(label), n, p, change(n, p), y, change(n, y)])
        for cell in sheet[sheet.max_row][3::2]:
            cell.number_format = "0.0%"
    sheet.append([])
    sheet.append([_("投诉程度")] + [str(s.label) for s in Severity])
    sheet.append([""] + [current.by_severity.get(s, 0) for s in Severity])
    sheet.append([_("性质")] + [str(n.label) for n in Nature])
    sheet.append([""] + [current.by_nature.get(n, 0) for n in Nature])
    sheet.append([_("状态")] + [str(s.label) for s in TicketStatus])
    sheet.append([""] + [current.by_status.get(s, 0) for s in TicketStatus])
    sheet.append([_("部门")] + list(current.by_department))
    sheet.append([""] + list(current.by_department.values()))
    sheet.append([])
    for label, value in [
        (_("答复及时率"), current.reply_rate), (_("办结及时率"), current.resolve_rate),
        (_("回访完成率"), current.visit_coverage), (_("满意率（含基本满意）"), current.satisfied_rate),
    ]:
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 2).number_format = "0.0%"
    for column in "ABCDEF":
        sheet.column_dimensions[column].width = 16
    return xlsx_response(book, f"{_('客户信息统计表')}-{month.strftime('%Y-%m')}.xlsx")
