"""Form pieces every module shares: Chinese validation messages, checks for phones and IDs, input
filters, the unit field and a list of checkboxes."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError
from wtforms import SelectField, SelectMultipleField, StringField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from models import IdType

from .units import find_unit

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


def compact(value: str | None) -> str:
    """A code as printed (tracking number, shelf, label code, ID ending): full-width characters made
    plain, no spaces, capitals; scanners, pinyin keyboards and hands differ."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()


def stripped(value: str | None) -> str:
    return (value or "").strip()


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


def IdTypeField(label=_l("证件类型")):  # noqa: N802 - a field factory, used like a field class
    return SelectField(label, choices=IdType.choices(), default=IdType.RESIDENT_ID.value)


def IdNumberField(label=_l("证件号码")):  # noqa: N802
    return StringField(label, validators=[max_length(40)], filters=[stripped])


def check_id_document(type_field, number_field) -> None:
    """For a form's `validate_<number>`: a resident ID number must pass its checksum; others are kept as typed."""
    number_field.data = (number_field.data or "").upper()
    if type_field.data == IdType.RESIDENT_ID.value and number_field.data:
        number_field.data = ric.compact(number_field.data).upper()
        if problem := id_number_problem(number_field.data):
            raise ValidationError(problem)


class EmptyForm(FlaskForm):
    """For POST-only buttons: carries the CSRF token and nothing else."""


class UnitField(StringField):
    """A unit typed as 楼栋-房号 (3-1502); `unit` holds the unit found, or None when left empty."""

    unit = None

    def pre_validate(self, form):
        self.unit = None
        if self.data:
            self.unit = find_unit(self.data)
            if self.unit is None:
                raise ValidationError(_l("本项目没有这个房号，请按 楼栋-房号 输入，如 3-1502"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        offered = {str(choice.value) for choice in self.choices}
        if any(str(value) not in offered for value in self.data or []):
            raise ValidationError(_l("请从列表中选择"))
