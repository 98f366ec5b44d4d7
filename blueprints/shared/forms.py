"""Form pieces every module shares: Chinese validation messages and checks for phones and IDs."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError
from wtforms import ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, Optional

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def required():
    return DataRequired(message=_l("请填写此项"))


def choose():
    return InputRequired(message=_l("请选择"))


def optional():
    return Optional()


def max_length(n: int):
    return Length(max=n, message=_l("不能超过 %(max)d 个字", max=n))


def normalise_phone(value: str | None) -> str:
    return re.sub(r"[\s()（）]", "", value or "").replace("+86", "")


def phone(form, field) -> None:
    """A mainland mobile (11 digits) or a landline with area code (0551-6123456)."""
    if not field.data:
        return
    field.data = normalise_phone(field.data)
    if not (MOBILE.match(field.data) or LANDLINE.match(field.data)):
        raise ValidationError(_l("请输入正确的电话号码：11 位手机号，或带区号的座机号"))


def id_number_problem(number: str) -> str | None:
    """Why `number` is not a mainland 18-digit resident ID, or None.

    Format, check digit and birth date are checked; the region code is not, since people keep the
    code of a district that has since been renamed.
    """
    if len(number) != 18 or not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
        return _l("身份证号码应为 18 位，末位可以是 X")
    if number[-1] != ric.calc_check_digit(number):
        return _l("身份证号码不正确：校验码不符，请逐位核对")
    try:
        ric.get_birth_date(number)
    except StdnumError:
        return _l("身份证号码不正确：出生日期无效")
    return None


def id_number(form, field) -> None:
    if not field.data:
        return
    field.data = ric.compact(field.data).upper()
    if problem := id_number_problem(field.data):
        raise ValidationError(problem)


class EmptyForm(FlaskForm):
    """For POST-only buttons: carries the CSRF token and nothing else."""
