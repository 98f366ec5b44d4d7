from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, RadioField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from models.lending import Condition, LendableKind, Tracking

from ..shared.forms import UnitField, choose, max_length, optional, phone, required, stripped
from ..shared.photos import PhotosField
from ..shared.signatures import SignatureField

DUE_PRESETS = [SelectChoice("2h", _l("2 小时后")), SelectChoice("tonight", _l("今晚 22:00")),
               SelectChoice("tomorrow", _l("明天 12:00")), SelectChoice("3d", _l("3 天后")),
               SelectChoice("custom", _l("指定时间"))]


def money(form, field) -> None:
    """A deposit in yuan: a number, not negative, at most two decimals; empty is none."""
    raw = (field.data or "").strip().replace("元", "").replace("¥", "").replace("￥", "")
    if not raw:
        field.amount = Decimal("0")
        return
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(_l("押金请填写数字金额，如 50 或 50.00")) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount > 100000:
        raise ValidationError(_l("押金请填写 0 至 100000 之间的金额，最多两位小数"))
    field.amount = amount


class LendForm(FlaskForm):
    unit = UnitField(_l("房号"), validators=[max_length(40)], description=_l("业户借用填房号，如 3-1502"))
    item = RadioField(_l("借用物品"), coerce=int, choices=[], validators=[choose()], validate_choice=False)
    piece = SelectField(_l("编号"), coerce=int, choices=[], validate_choice=False,
                        description=_l("逐件编号的物品：不选则自动取一件在库的"))
    due = RadioField(_l("归还时间"), choices=DUE_PRESETS, default="2h", validators=[choose()])
    due_at = DateTimeLocalField(_l("指定归还时间"), format="%Y-%m-%dT%H:%M", validators=[optional()])
    borrower_name = StringField(_l("借用人"), validators=[max_length(50)], filters=[stripped],
                                description=_l("非业户或需写明借用人时填写"))
    borrower_phone = StringField(_l("联系电话"), validators=[optional(), phone])
    deposit = StringField(_l("押金（元）"), validators=[money], default="")
    deposit_receipt = StringField(_l("押金收据号"), validators=[max_length(30)], filters=[stripped])
    signature = SignatureField(_l("借用人签名"))

    def validate_borrower_name(self, field):
        if not self.unit.data and not field.data:
            raise ValidationError(_l("请填写房号或借用人姓名"))
        if not self.unit.data and not self.borrower_phone.data:
            # Checked here: the phone's own checks stop at an empty field.
            raise ValidationError(_l("非业户借用请留联系电话"))

    def validate_due_at(self, field):
        if self.due.data == "custom" and not field.data:
            raise ValidationError(_l("请选择归还时间"))

    def validate_deposit_receipt(self, field):
        if getattr(self.deposit, "amount", 0) and not field.data:
            raise ValidationError(_l("收取押金请填写收据号"))


class ReturnForm(FlaskForm):
    condition = RadioField(_l("归还状况"), choices=Condition.choices(), default=Condition.GOOD.value, validators=[choose()])
    note = StringField(_l("说明"), validators=[max_length(300)], filters=[stripped], description=_l("损坏或丢失请写明情况"))
    photos = PhotosField()
    deposit_outcome = RadioField(_l("押金"), choices=[SelectChoice("refunded", _l("退还")), SelectChoice("kept", _l("扣留"))], default="refunded")
    deposit_kept_reason = StringField(_l("扣留原因"), validators=[max_length(200)], filters=[stripped])

    def validate_note(self, field):
        if self.condition.data in (Condition.DAMAGED.value, Condition.LOST.value) and not field.data:
            raise ValidationError(_l("损坏或丢失请写明情况"))

    def validate_deposit_kept_reason(self, field):
        if self.deposit_outcome.data == "kept" and not field.data:
            raise ValidationError(_l("扣留押金请写明原因"))


class ItemForm(FlaskForm):
    name = StringField(_l("名称"), validators=[required(), max_length(50)], filters=[stripped])
    kind = SelectField(_l("类别"), choices=LendableKind.choices())
    tracking = RadioField(_l("管理方式"), choices=Tracking.choices(), default=Tracking.COUNTED.value, validators=[choose()])
    stock = IntegerField(_l("数量"), default=0, validators=[
        InputRequired(message=_l("请填写数量")), NumberRange(min=0, max=999, message=_l("数量应为 0 至 999"))])
    pieces = TextAreaField(_l("编号"), validators=[max_length(500)],
                           description=_l("逐件编号的物品，每行或用逗号分隔一个编号，如 T-01, T-02"))
    deposit = StringField(_l("建议押金（元）"), validators=[money], default="")
