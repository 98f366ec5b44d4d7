
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, NumberRange, Regexp

from models.parcels import Carrier, ParcelKind
from models.resident_messages import NotifiedVia

from ..shared.forms import UnitField, choose, compact, max_length, optional, required, stripped
from ..shared.signatures import SignatureField


class IntakeForm(FlaskForm):
    tracking_no = StringField(_l("快递单号"), validators=[max_length(40)], filters=[compact],
                              description=_l("扫码枪扫描或手工输入；信件、报刊没有可不填"))
    unit = UnitField(_l("房号"), validators=[required(), max_length(40)], description=_l("楼栋-房号，如 3-1502"))
    recipient_name = StringField(_l("收件人"), validators=[max_length(50)], filters=[stripped])
    carrier = RadioField(_l("快递公司"), choices=Carrier.choices(), validators=[choose()])
    kind = RadioField(_l("类型"), choices=ParcelKind.choices(), default=ParcelKind.PARCEL.value, validators=[choose()])
    count = IntegerField(_l("件数"), default=1, validators=[
        InputRequired(message=_l("请填写件数")),
        NumberRange(min=1, max=99, message=_l("件数应为 1 至 99")),
    ])
    shelf = StringField(_l("货架位置"), validators=[max_length(20)], filters=[compact], description=_l("如 A-3，领取时按此找件"))


class PickUpForm(FlaskForm):
    collector_name = StringField(_l("领取人"), validators=[required(), max_length(50)], filters=[stripped])
    collector_id_hint = StringField(_l("证件号后四位"), filters=[compact], validators=[
        optional(), Regexp(r"^[0-9A-Z]{4}$", message=_l("请填写证件号码的最后 4 位")),
    ], description=_l("代领或不认识的领取人，核对证件后填写"))
    # The unit's other waiting parcels, handed out under the same signature: choices set by the view,
    # checkboxes drawn by the template with each parcel's details.
    together = SelectMultipleField(_l("同户其他待领，勾选的一并签收"), coerce=int, choices=[])
    signature = SignatureField(_l("领取人签名"))


class ReturnForm(FlaskForm):
    reason = StringField(_l("退回原因"), validators=[required(), max_length(200)], filters=[stripped],
                         description=_l("如 业主拒收、地址错误、超期无人领取"))


class DeskPickUpForm(FlaskForm):
    """The pick-up at the desk: a household found by one search, all its waiting parcels ticked."""

    unit_id = HiddenField()
    parcels = SelectMultipleField(_l("领取的包裹"), coerce=int, choices=[],
                                  validators=[InputRequired(message=_l("请至少勾选一件"))])
    collector_name = StringField(_l("领取人"), validators=[required(), max_length(50)], filters=[stripped])
    collector_id_hint = StringField(_l("证件号后四位（选填）"), filters=[compact], validators=[
        optional(), Regexp(r"^[0-9A-Z]{4}$", message=_l("请填写证件号码的最后 4 位")),
    ], description=_l("代领或不认识的领取人，核对证件后填写"))
    signature = SignatureField(_l("领取人签名"))


class NotifiedForm(FlaskForm):
    via = RadioField(_l("通知方式"), choices=NotifiedVia.choices()[:2], validators=[choose()])
