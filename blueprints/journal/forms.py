from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField, TextAreaField, ValidationError
from wtforms.validators import Length

from models.journal import Authorisation, CheckResult, EventKind, Post

from ..shared.forms import UnitField, choose, max_length, optional, phone, required, stripped
from ..shared.photos import PhotosField


class OpenShiftForm(FlaskForm):
    post = RadioField(_l("岗位"), choices=Post.choices(), default=Post.LOBBY.value, validators=[choose()])


class CheckForm(FlaskForm):
    result = RadioField(_l("结果"), choices=CheckResult.choices(), validators=[choose()])
    note = StringField(_l("情况说明"), validators=[max_length(500)])


class EventKindField(RadioField):
    """The kinds a journal event is recorded as today. 代为保管 is no longer one (older events keep it):
    an item held for an owner is registered as such, with its photo, place and the collector's signature."""

    def pre_validate(self, form):
        if self.data == EventKind.HELD_ITEM.value:
            raise ValidationError(_l("代为保管物品请在「代为保管登记」中登记（拍照、记录存放位置，领取时签名）"))
        super().pre_validate(form)


class EventForm(FlaskForm):
    kind = EventKindField(_l("类型"), choices=[c for c in EventKind.choices() if c.value != EventKind.HELD_ITEM.value],
                          default=EventKind.GENERAL.value, validators=[choose()])
    text = TextAreaField(_l("内容"), validators=[required(), max_length(2000)])
    unit = UnitField(_l("房号"), validators=[max_length(40)], description=_l("涉及某户时填写，如 3-1502"))
    photos = PhotosField()


class ReviseEventForm(FlaskForm):
    text = TextAreaField(_l("修改为"), validators=[required(), max_length(2000)])


class HandOverForm(FlaskForm):
    notes = TextAreaField(_l("交班说明"), validators=[max_length(3000)],
                          description=_l("需要下一班继续跟进的事项、口头交代的事情"))


class ConfirmForm(FlaskForm):
    username = StringField(_l("接班人用户名"), validators=[required()])
    password = PasswordField(_l("接班人密码"), validators=[required()])


class PassForm(FlaskForm):
    unit = UnitField(_l("房号"), validators=[required(), max_length(40)])
    items = TextAreaField(_l("放行物品"), validators=[required(), max_length(2000)], description=_l("品名、数量，如 冰箱 1 台、纸箱 5 个"))
    carrier_name = StringField(_l("搬运人"), validators=[required(), max_length(50)])
    carrier_phone = StringField(_l("搬运人电话"), validators=[optional(), phone])
    plate = StringField(_l("车牌"), validators=[max_length(20)])
    authorisation = RadioField(_l("业主授权方式"), choices=Authorisation.choices(), validators=[choose()])
    authorised_by = StringField(_l("授权业主"), validators=[required(), max_length(50)])
    authorisation_note = StringField(_l("授权说明"), validators=[max_length(300)],
                                     description=_l("电话确认时记下号码和时间；书面授权注明留存"))
    override_reason = StringField(_l("欠费放行理由"), validators=[max_length(300)], filters=[stripped],
                                  description=_l("该户欠费时必填，如 业主已承诺本周缴清；提交客服主管审批后方可放行"))

    def validate_override_reason(self, field):
        if self.unit.unit is not None and self.unit.unit.in_arrears and not field.data:
            raise ValidationError(_l("该户欠费：请填写需要放行的理由，提交客服主管审批"))

    def validate_authorisation_note(self, field):
        if self.authorisation.data == Authorisation.PHONE.value and not (field.data or "").strip():
            raise ValidationError(_l("电话确认请记录确认的号码和时间"))


class UsePassForm(FlaskForm):
    number = StringField(_l("放行条编号"), validators=[required(), Length(max=30)])
