"""会议室使用统计 of a month: on screen, in Excel and on paper."""
from datetime import date

from flask import request
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from models import clock
from models.rooms import ServiceItem

from ..shared.htmx import render
from ..shared.lists import as_text, xlsx_response
from ..shared.localtime import today
from ..shared.permissions import current_property, require
from ..shared.printing import render_pdf
from . import bp
from .stats import month_report, shift_month


def _requested_month() -> date:
    try:
        year, month = map(int, request.args.get("month", "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today().replace(day=1)


def _report() -> dict:
    month = _requested_month()
    return {"report": month_report(current_property(), month, clock.now()), "month": month, "items": list(ServiceItem),
            "prev_month": shift_month(month, -1), "next_month": shift_month(month, 1)}


@bp.get("/report")
@require("rooms.view")
def report():
    return render("rooms/report.html", **_report())


@bp.get("/report.pdf")
@require("rooms.view")
def report_pdf():
    data = _report()
    label = data["month"].strftime("%Y-%m")
    return render_pdf("print/rooms/report.html", filename=_("会议室使用统计-%(m)s", m=label), title=_("会议室使用统计"),
                      number=label, **data)


@bp.get("/report.xlsx")
@require("rooms.view")
def report_xlsx():
    data = _report()
    report, label = data["report"], data["month"].strftime("%Y-%m")
    book = Workbook()
    sheet = book.active
    sheet.title = label
    sheet.append([_("会议室使用统计"), current_property().name, label])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    header = [_("会议室"), _("预订场次"), _("使用场次"), _("使用小时"), _("使用率"), _("未签到释放"), _("取消"),
              *(str(item.label) for item in ServiceItem), _("器皿未收回")]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for line in [*report.rows, report.total]:
        sheet.append([as_text(line.room.name) if line.room else _("合计"), line.booked, line.held, round(line.hours, 1),
                      line.use_rate, line.no_shows, line.cancelled,
                      *(line.served.get(item, 0) for item in ServiceItem), line.crockery_missing])
        sheet.cell(sheet.max_row, 5).number_format = "0.0%"
    for column in "ABCDEFGHIJKL":
        sheet.column_dimensions[column].width = 14
    sheet.column_dimensions["A"].width = 20
    return xlsx_response(book, f"{_('会议室使用统计')}-{label}.xlsx")
