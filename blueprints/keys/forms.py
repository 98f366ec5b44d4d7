from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField, TimeField, ValidationError,
)
from wtforms.validators import InputRequired, NumberRange

from models import Building, clock, db
from models.keys import BorrowerKind, KeyClass, KeyStatus

from ..shared.forms import (
    IdNumberField, IdTypeField, UnitField, check_id_document, choose, compact, max_length, optional, phone, required,
    stripped,
)
from ..shared.permissions import current_property, scoped
from ..shared.photos import PhotosField
from ..shared.signatures import SignatureField


def optional_id(value):
    return int(value) if value not in (None, "", "None", "0") else None


class KeyForm(FlaskForm):
    tag = StringField(_l("钥匙牌号"), validators=[required(), max_length(20)], filters=[compact],
                      description=_l("钥匙牌上的编号，如 P-01"))
    key_class = RadioField(_l("类别"), choices=KeyClass.choices(), validators=[choose()])
    opens = StringField(_l("开启部位"), validators=[required(), max_length(100)], filters=[stripped],
                        description=_l("如 B2 水泵房、3 号楼天台门"))
    building_id = SelectField(_l("楼栋"), coerce=optional_id, choices=[], validators=[optional()])
    floor = StringField(_l("楼层"), validators=[max_length(20)], filters=[stripped])
    unit = UnitField(_l("房号"), validators=[max_length(40)], description=_l("业主委托钥匙必填，楼栋-房号，如 3-1502"))
    cabinet = StringField(_l("钥匙柜"), validators=[max_length(20)], filters=[compact])
    hook = StringField(_l("挂钩位"), validators=[max_length(20)], filters=[compact])
    copies = IntegerField(_l("把数"), default=1, validators=[
        InputRequired(message=_l("请填写把数")), NumberRange(min=1, max=99, message=_l("把数应为 1 至 99"))])
    status = RadioField(_l("状态"), choices=KeyStatus.choices(), default=KeyStatus.ACTIVE.value, validators=[choose()])
    note = StringField(_l("备注"), validators=[max_length(200)], filters=[stripped])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.building_id.choices = [(0, _l("（不限）"))] + [
            (b.id, b.name) for b in db.session.scalars(scoped(Building).order_by(Building.code))]

    def validate_unit(self, field):
        if self.key_class.data == KeyClass.ENTRUSTED.value and not field.data:
            raise ValidationError(_l("业主委托钥匙请填写房号"))


class LoanForm(FlaskForm):
    """Issue a key (or, for a class that needs approval, ask for it): who takes it, why, until when."""

    tag = StringField(_l("钥匙牌号"), validators=[required(), max_length(60)], filters=[compact],
                      description=_l("扫描钥匙牌二维码，或输入牌号"))
    request_id = HiddenField()
    borrower_kind = RadioField(_l("领用人"), choices=BorrowerKind.choices(), default=BorrowerKind.STAFF.value,
                               validators=[choose()])
    borrower_name = StringField(_l("姓名"), validators=[required(), max_length(50)], filters=[stripped])
    company = StringField(_l("单位/部门"), validators=[max_length(100)], filters=[stripped])
    id_type, id_number = IdTypeField(), IdNumberField()
    phone = StringField(_l("电话"), validators=[max_length(20), phone], filters=[stripped])
    purpose = StringField(_l("用途"), validators=[required(), max_length(200)], filters=[stripped],
                          description=_l("如 水泵例行保养、更换灯具"))
    return_day = DateField(_l("预计归还日期"), validators=[required()])
    return_time = TimeField(_l("预计归还时间"), validators=[required()])
    shift_end = TimeField(_l("领用人下班时间"), validators=[optional()],
                          description=_l("本公司员工填写：到下班时间未还也算超时"))
    signature = SignatureField(_l("领用人签名"))

    def validate_id_number(self, field):
        check_id_document(self.id_type, field)
        if self.borrower_kind.data == BorrowerKind.CONTRACTOR.value and not field.data:
            raise ValidationError(_l("外来人员请登记证件号码"))

    def validate_phone(self, field):
        if self.borrower_kind.data == BorrowerKind.CONTRACTOR.value and not field.data:
            raise ValidationError(_l("外来人员请登记联系电话"))

    def set_defaults(self, now: datetime) -> None:
        """An empty form: back in two hours."""
        back = (now + timedelta(hours=2)).astimezone(current_property().zone)
        self.return_day.data = self.return_day.data or back.date()
        self.return_time.data = self.return_time.data or back.time().replace(second=0, microsecond=0)

    def expected_return_at(self) -> datetime:
        return datetime.combine(self.return_day.data, self.return_time.data, current_property().zone)

    def shift_ends_at(self, at: datetime) -> datetime | None:
        """The next time the borrower's shift ends after `at`."""
        if not self.shift_end.data:
            return None
        zone = current_property().zone
        local = at.astimezone(zone)
        end = datetime.combine(local.date(), self.shift_end.data, zone)
        return end if end > local else end + timedelta(days=1)

    def validate_return_time(self, field):
        if self.return_day.data and field.data and self.expected_return_at() <= clock.now() - timedelta(minutes=5):
            raise ValidationError(_l("预计归还时间应晚于现在"))


class ReturnForm(FlaskForm):
    tag = StringField(_l("钥匙牌号"), validators=[required(), max_length(60)], filters=[compact],
                      description=_l("扫描钥匙牌二维码，或输入牌号"))
    returned_by = StringField(_l("归还人"), validators=[max_length(50)], filters=[stripped],
                              description=_l("不填即为领用人本人"))
    signature = SignatureField(_l("归还人签名"))


class AuthorisationForm(FlaskForm):
    owner_name = StringField(_l("委托业主"), validators=[required(), max_length(50)], filters=[stripped])
    persons = TextAreaField(_l("可领用人"), validators=[required(), max_length(300)], filters=[stripped],
                            description=_l("业主授权可领取钥匙的人的姓名，多人用顿号或换行分开"))
    purpose = StringField(_l("用途"), validators=[required(), max_length(200)], filters=[stripped],
                          description=_l("如 保洁入户、装修期间开门、代收家具"))
    valid_until = DateField(_l("授权截止日期"), validators=[required()])
    signature = SignatureField(_l("业主签名"), required=False, description=_l("业主在场时当面签名；不在场请拍摄签字的委托书"))
    photos = PhotosField(_l("委托书照片"))

    def validate_valid_until(self, field):
        if field.data and field.data < current_property().local_day(clock.now()):
            raise ValidationError(_l("授权截止日期不能早于今天"))

    def validate_photos(self, field):
        uploads = [f for f in (field.data or []) if getattr(f, "filename", "")]
        if not uploads and not self.signature.data:
            raise ValidationError(_l("请业主当面签名，或拍摄业主签字的委托书"))


class TickForm(FlaskForm):
    tag = StringField(_l("钥匙牌号"), validators=[required(), max_length(60)], filters=[compact])
    hook = StringField(_l("所在挂钩"), validators=[max_length(20)], filters=[compact],
                       description=_l("不在自己的挂钩上时填写实际位置"))
