from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField, TextAreaField, ValidationError
from wtforms.validators import Length

from models.journal import Authorisation, CheckResult, EventKind, Post

from ..shared.forms import choose, max_length, optional, phone, required
from ..shared.photos import PhotosField
from ..tickets.forms import find_unit


class OpenShiftForm(FlaskForm):
    post = RadioField(_l("岗位"), choices=Post.choices(), default=Post.LOBBY.value, validators=[choose()])


class CheckForm(FlaskForm):
    result = RadioField(_l("结果"), choices=CheckResult.choices(), validators=[choose()])
    note = StringField(_l("情况说明"), validators=[max_length(500)])


class UnitField(StringField):
    """A unit typed as 楼栋-房号 (3-1502); `unit` holds the unit found, or None when left empty."""

    unit = None

    def pre_validate(self, form):
        self.unit = None
        if self.data:
            self.unit = find_unit(self.data)
            if self.unit is None:
                raise ValidationError(_l("本项目没有这个房号，请按 楼栋-房号 输入，如 3-1502"))


class EventForm(FlaskForm):
    kind = RadioField(_l("类型"), choices=EventKind.choices(), default=EventKind.GENERAL.value, validators=[choose()])
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
    override_reason = StringField(_l("欠费放行理由（主管）"), validators=[max_length(300)])

    def validate_authorisation_note(self, field):
        if self.authorisation.data == Authorisation.PHONE.value and not (field.data or "").strip():
            raise ValidationError(_l("电话确认请记录确认的号码和时间"))


class UsePassForm(FlaskForm):
    number = StringField(_l("放行条编号"), validators=[required(), Length(max=30)])
