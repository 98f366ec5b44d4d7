"""Checks on Excel exports as workbooks: the response's bytes read back with openpyxl."""
from __future__ import annotations

import io

from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_rows(response) -> list[tuple]:
    """The rows of an export's sheet, the header first, after checking that it is an Excel download."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == XLSX
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def xlsx_records(response) -> list[dict]:
    """The rows of an export as {header: value}."""
    header, *rows = xlsx_rows(response)
    return [dict(zip(header, row)) for row in rows]
