
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Regexp, ValidationError

from models.patrols import Outcome, RouteKind, STANDARD_CHECKS, WEEKDAY_LABELS
from models.tickets import TicketCategory

from ..shared.forms import MultiCheckboxField, choose, compact, max_length, optional, required, stripped
from ..shared.photos import PhotosField


def optional_id(value) -> int | None:
    return int(value) if value not in (None, "") else None


class RouteForm(FlaskForm):
    name = StringField(_l("路线名称"), validators=[required(), max_length(50)], filters=[stripped],
                       description=_l("如 公共区域日常巡查、地下车库巡查"))
    kind = RadioField(_l("类别"), choices=RouteKind.choices(), default=RouteKind.DAILY.value, validators=[choose()])
    active = BooleanField(_l("启用"), default=True)
    concurrent_allowed = BooleanField(_l("允许同时进行多次巡查"),
                                      description=_l("如两人分头巡查同一路线；否则一次巡查完成后才能开始下一次"))


class CheckpointForm(FlaskForm):
    building_id = SelectField(_l("楼栋"), coerce=optional_id, validators=[optional()])
    floor = StringField(_l("楼层"), validators=[max_length(10)], filters=[stripped], description=_l("如 1、B1、屋面"))
    place = StringField(_l("位置"), validators=[required(), max_length(100)], filters=[stripped],
                        description=_l("如 大堂、电梯厅、消防通道、中心花园"))
    code = StringField(_l("标签编码"), filters=[compact], validators=[
        optional(), Regexp(r"^[A-Z0-9]{2,12}$", message=_l("请用 2–12 位字母或数字")),
    ], description=_l("留空由系统生成；打印在二维码下方，供手工输入"))
    typed_allowed = BooleanField(_l("允许手输编码计为到场"),
                                 description=_l("标签无法扫码的位置（损坏、玻璃后、光线暗）才勾选；其余检查点手输编码只记录、不计到场"))
    checks = MultiCheckboxField(_l("检查内容"), choices=[SelectChoice(str(c), c) for c in STANDARD_CHECKS])
    other_checks = TextAreaField(_l("其他检查内容"), validators=[max_length(500)], description=_l("每行一项"))

    def validate_other_checks(self, field):
        if not self.checks.data and not (field.data or "").strip():
            raise ValidationError(_l("请至少选择或填写一项检查内容"))

    def checklist(self) -> list[str]:
        lines = [*self.checks.data, *(line.strip() for line in (self.other_checks.data or "").splitlines())]
        return list(dict.fromkeys(line[:60] for line in lines if line))


class ScheduleForm(FlaskForm):
    at = TimeField(_l("巡查时间"), validators=[InputRequired(message=_l("请填写巡查时间，如 09:00"))])
    weekdays = MultiCheckboxField(_l("巡查日"), choices=[SelectChoice(str(n), label) for n, label in enumerate(WEEKDAY_LABELS, 1)],
                                  default=[str(n) for n in range(1, 8)])
    window_minutes = IntegerField(_l("开始时限（分钟）"), default=120, validators=[
        InputRequired(message=_l("请填写时限")),
        NumberRange(15, 720, message=_l("时限应为 15–720 分钟")),
    ], description=_l("超过此时限仍未开始的巡查记为漏巡"))
    assignee_id = SelectField(_l("负责人"), coerce=optional_id, validators=[optional()])

    def validate_weekdays(self, field):
        if not field.data:
            raise ValidationError(_l("请至少选择一天"))


# A finding is sent to the department that fixes it, as a repair or as another kind of ticket.
FINDING_CATEGORIES = [TicketCategory.REPAIR, TicketCategory.OTHER]


class ResultForm(FlaskForm):
    """One checkpoint of a round; each checkpoint's form has its own prefix (cp<id>-) on the page."""

    code = StringField(_l("检查点编码"), filters=[compact], validators=[max_length(30)])
    outcome = RadioField(_l("结果"), choices=Outcome.choices(), validators=[choose()])
    note = TextAreaField(_l("异常情况"), filters=[stripped], validators=[max_length(500)])
    photos = PhotosField()
    department = RadioField(_l("派往"), coerce=optional_id, validate_choice=False)
    category = RadioField(_l("报事类别"), choices=[SelectChoice(c.value, c.label) for c in FINDING_CATEGORIES],
                          default=TicketCategory.REPAIR.value, validate_choice=False)
    reason = StringField(_l("跳过原因"), filters=[stripped], validators=[max_length(200)])

    def validate_note(self, field):
        if self.outcome.data == Outcome.ABNORMAL.value and not field.data:
            raise ValidationError(_l("请写明异常情况，如 灯不亮、地面有积水"))

    def validate_department(self, field):
        if self.outcome.data == Outcome.ABNORMAL.value and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("请选择派往的部门"))

    def validate_category(self, field):
        if self.outcome.data == Outcome.ABNORMAL.value and field.data not in {c.value for c in FINDING_CATEGORIES}:
            raise ValidationError(_l("请选择报事类别"))

    def validate_reason(self, field):
        if self.outcome.data == Outcome.SKIPPED.value and not field.data:
            raise ValidationError(_l("跳过检查点必须写明原因，如 区域封闭施工、门锁无法进入"))


class AdHocRoundForm(FlaskForm):
    route_id = SelectField(_l("路线"), coerce=int, validators=[choose()])


class FinishForm(FlaskForm):
    note = TextAreaField(_l("巡查情况说明"), filters=[stripped], validators=[max_length(500)])
