from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric
from wtforms import Form, StringField

from blueprints.shared.forms import id_number, phone
from models import Role, db
from models.org import mask_id_number, mask_phone, name_initials


def test_phone_is_masked_in_the_middle():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_a_masked_mobile_keeps_only_prefix_and_last_four(number):
    masked = mask_phone(number)
    assert len(masked) == len(number)
    assert masked[:3] == number[:3] and masked[-4:] == number[-4:]
    assert set(masked[3:-4]) == {"*"}


def test_id_number_is_masked():
    assert mask_id_number("34010419900101123X") == "3401**********123X"


def test_pinyin_initials():
    assert name_initials("张三") == "zs"
    assert name_initials("吕布") == "lb"


class _Form(Form):
    tel = StringField(validators=[phone])
    idno = StringField(validators=[id_number])


@pytest.mark.parametrize("value", ["13812345678", "138 1234 5678", "+86 13812345678", "0551-65551234", "055165551234"])
def test_valid_phones(value):
    form = _Form(data={"tel": value})
    assert form.validate(), form.errors


@pytest.mark.parametrize("value", ["12345", "23812345678", "1381234567", "abc", "0551-12"])
def test_invalid_phones_get_a_chinese_message(value):
    form = _Form(data={"tel": value})
    assert not form.validate()
    assert "电话号码" in str(form.errors["tel"][0])


@given(st.dates(date(1900, 1, 1), date(2025, 12, 31)).map(lambda d: d.strftime("%Y%m%d")), st.integers(0, 999))
def test_ids_with_a_correct_check_digit_pass_and_a_wrong_one_fails(birth, seq):
    body = f"340104{birth}{seq:03d}"
    good = body + ric.calc_check_digit(body + "?")
    bad = body + ("0" if good[-1] != "0" else "1")
    assert _Form(data={"idno": good}).validate()
    form = _Form(data={"idno": bad})
    assert not form.validate()
    assert "校验码不符" in str(form.errors["idno"][0])


@pytest.mark.parametrize(
    ("value", "message"),
    [("3401041990010112", "18 位"), ("340104199013011236", "出生日期"), ("34010419900101123A", "18 位")],
)
def test_malformed_ids_say_what_is_wrong(value, message):
    form = _Form(data={"idno": value})
    assert not form.validate()
    assert message in str(form.errors["idno"][0])


def test_a_nul_from_a_scanner_is_taken_out_of_forms_and_searches_alike_on_both_databases(client, prop, login_as):
    """PostgreSQL refuses a NUL in text (a 500, and an outbox item retried forever); SQLite keeps it."""
    from models.tickets import Ticket

    login_as(Role.CONCIERGE)
    response = client.post_form("/tickets/new", {
        "category": "repair", "location": "3号楼\x00大堂", "description": "灯不亮\x00\x1b", "source": "phone",
        "nature": "normal"})
    assert response.status_code == 302
    ticket = db.session.scalar(sa.select(Ticket))
    assert (ticket.location, ticket.description) == ("3号楼大堂", "灯不亮")
    assert client.get("/tickets/", query_string={"q": "灯\x00不亮"}).status_code == 200
    assert client.get("/visitors/", query_string={"q": "\x00"}).status_code == 200


def test_line_breaks_and_tabs_are_kept():
    from blueprints.shared.request import without_controls

    assert without_controls("第一行\r\n第二行\t完") == "第一行\r\n第二行\t完"
