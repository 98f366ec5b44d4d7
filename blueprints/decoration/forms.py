from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice

from models.decoration import DEFAULT_WORK_HOURS, OWNER_BUILT, DecorationStatus, ViolationKind

from ..shared.forms import UnitField, choose, compact, max_length, optional, phone, required, stripped
from ..shared.localtime import today
from ..shared.offline import client_time
from ..shared.permissions import current_property
from ..shared.photos import PhotosField
from .services import open_decoration

# 限期整改: the days given to put a violation right, unless the inspector picks another date.
DEADLINE_DAYS = 3


class DecorationForm(FlaskForm):
    unit = UnitField(_l("房号"), validators=[required(), max_length(40)], description=_l("楼栋-房号，如 3-1502"))
    owner_name = StringField(_l("业主"), validators=[required(), max_length(50)], filters=[stripped])
    owner_phone = StringField(_l("业主电话"), validators=[optional(), phone], filters=[stripped])
    contractor = StringField(_l("施工单位"), validators=[required(), max_length(100)], filters=[stripped],
                             description=_l("装修公司名称；业主自行施工的写「%(name)s」", name=OWNER_BUILT))
    contractor_contact = StringField(_l("施工负责人"), validators=[required(), max_length(50)], filters=[stripped])
    contractor_phone = StringField(_l("负责人电话"), validators=[required(), phone], filters=[stripped])
    permit_no = StringField(_l("装修许可证号"), validators=[max_length(30)], filters=[compact],
                            description=_l("未办手续擅自施工的先留空登记，再记录违章"))
    works = TextAreaField(_l("装修内容"), validators=[required(), max_length(2000)], filters=[stripped],
                          description=_l("如 全屋翻新：水电改造、铺地砖、吊顶"))
    work_hours = StringField(_l("允许施工时间"), validators=[required(), max_length(200)], filters=[stripped],
                             default=DEFAULT_WORK_HOURS, description=_l("按《装修时间表》填写，超出即为超时施工"))
    starts_on = DateField(_l("开工日期"), validators=[required()])
    ends_on = DateField(_l("计划完工日期"), validators=[required()])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("计划完工日期不能早于开工日期"))


class EditDecorationForm(DecorationForm):
    status = RadioField(_l("状态"), choices=DecorationStatus.choices(), validators=[choose()])


def _default_deadline():
    return today() + timedelta(days=DEADLINE_DAYS)


class ViolationForm(FlaskForm):
    unit = UnitField(_l("房号"), validators=[required(), max_length(40)], description=_l("楼栋-房号，如 3-1502"))
    kind = RadioField(_l("违章类型"), choices=ViolationKind.choices(), validators=[choose()])
    note = TextAreaField(_l("现场情况"), validators=[max_length(2000)], filters=[stripped],
                         description=_l("看到了什么、在哪里，如 楼道堆放水泥 10 袋"))
    photos = PhotosField()
    deadline = DateField(_l("整改期限"), validators=[required()], default=_default_deadline,
                         description=_l("默认 %(n)d 天；期满次日复验", n=DEADLINE_DAYS))

    decoration = None  # the unit's decoration under way, found while validating

    def validate_unit(self, field):
        if field.unit is not None:
            self.decoration = open_decoration(field.unit)
            if self.decoration is None:
                raise ValidationError(_l("该户没有在施工的装修登记：擅自装修的，请先由前台登记（许可证号留空）再记录"))

    def validate_note(self, field):
        if self.kind.data == ViolationKind.OTHER.value and not field.data:
            raise ValidationError(_l("选择「其他」时请写明违章情况"))

    def validate_deadline(self, field):
        # Counted from the day it was found: a form sent later from the outbox keeps the date it was given.
        found_on = current_property().local_day(client_time())
        if field.data and field.data < found_on:
            raise ValidationError(_("整改期限不能是过去的日期，最早为 %(d)s", d=found_on.isoformat()))


class ReinspectForm(FlaskForm):
    # The round this result is for: a second tap, or a second tablet, cannot record it twice.
    round = HiddenField()
    result = RadioField(_l("复验结果"), choices=[SelectChoice("rectified", _l("已整改")), SelectChoice("not_rectified", _l("未整改"))],
                        validators=[choose()])
    note = TextAreaField(_l("情况说明"), validators=[max_length(2000)], filters=[stripped],
                         description=_l("未整改的写明现场情况和处理意见，如 已通知施工负责人，上报主管暂停施工"))
    new_deadline = DateField(_l("再次限期整改至"), validators=[optional()],
                             description=_l("给予新的期限时填写；不填则只上报主管处理"))

    @property
    def rectified(self) -> bool:
        return self.result.data == "rectified"

    def validate_note(self, field):
        if self.result.data == "not_rectified" and not field.data:
            raise ValidationError(_l("未整改请写明情况及处理意见"))

    def validate_new_deadline(self, field):
        if self.result.data == "not_rectified" and field.data and field.data < today():
            raise ValidationError(_l("新的整改期限不能是过去的日期"))
