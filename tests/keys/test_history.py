"""History: every movement of a key, searchable by key, person, unit and date, exported, and the printed
钥匙借用登记表 of a day and of a month, with the signatures."""
import io

from pypdf import PdfReader

from models import clock

from ..pdf import assert_cjk_font_embedded_as_subset, pdf_text
from ..xlsx import xlsx_records
from .conftest import loan_form, loans, return_form


def test_search_the_movements_by_key_person_and_date(client, staff, cabinet, prop):
    client.login("desk")
    client.post_form("/keys/issue", loan_form("G-01"))
    client.post_form("/keys/return", return_form("G-01"))
    client.post_form("/keys/issue", loan_form("G-01", borrower_name="吴师傅", company="恒安电梯"))
    today = prop.local_day(clock.now()).isoformat()
    def found(query: str) -> str:
        page = client.get(f"/keys/loans?{query}").get_data(as_text=True)
        return page.split('id="results"', 1)[1]

    assert "恒安电梯 吴师傅" in found("q=吴师傅") and "周师傅" not in found("q=吴师傅")
    assert "周师傅" in found("q=g-01") and "吴师傅" in found("q=g-01")
    assert "周师傅" in found(f"from={today}&to={today}")
    assert "周师傅" not in found("to=2020-01-01")
    assert "周师傅" not in found("state=out") and "吴师傅" in found("state=out")
    rows = xlsx_records(client.get("/keys/loans/export.xlsx"))
    assert len(rows) == 2 and all("002X" in row["证件号"] and "1949" not in row["证件号"] for row in rows)


def test_the_register_prints_the_day_and_the_month_with_signatures(client, staff, cabinet, prop, tmp_path):
    client.login("desk")
    client.post_form("/keys/issue", loan_form("G-01"))
    client.post_form("/keys/return", return_form("G-01"))
    [loan] = loans()
    day = prop.local_day(loan.issued_at)
    pdf = client.get(f"/keys/register.pdf?date={day.isoformat()}").data
    text = pdf_text(pdf)
    for expected in ("钥匙借用登记表", "恒宇花园", loan.number, "3 号楼天台门", "周师傅", "王前台"):
        assert expected in text, expected
    assert_cjk_font_embedded_as_subset(pdf, tmp_path)
    assert len([i for page in PdfReader(io.BytesIO(pdf)).pages for i in page.images]) == 2  # out and back
    month = pdf_text(client.get(f"/keys/register.pdf?month={day:%Y-%m}").data)
    assert f"{day.year} 年 {day.month} 月" in month and loan.number in month
