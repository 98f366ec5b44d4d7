"""Forms of the rooms module: the booking request, the concierge's steps, the tea sheet, closing, rooms."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField, TimeField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from models import Building, db
from models.room_service import Vessel
from models.rooms import WEEKDAY_LABELS, Equipment, Layout, OrganiserKind, Repeat, ServiceItem

from ..shared.forms import MultiCheckboxField, UnitField, choose, max_length, optional, phone, required, stripped
from ..shared.permissions import scoped

DATE_SEPARATORS = re.compile(r"[\s,，、;；]+")
DATE_FORMS = [
    re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$"),
    re.compile(r"^(?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$"),
]


def parse_dates(text: str, first: date) -> list[date]:
    """Dates as the desk types them — 2026-12-02, 12-02, 12/2, 12月2日 — separated by commas, 、 or
    spaces; a date without a year is the next one on or after `first`. ValueError names the bad one."""
    found = []
    for token in filter(None, DATE_SEPARATORS.split(text.strip())):
        match = next((m for form in DATE_FORMS if (m := form.match(token))), None)
        if match is None:
            raise ValueError(token)
        parts = match.groupdict()
        try:
            if parts.get("y"):
                day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
            else:
                day = date(first.year, int(parts["m"]), int(parts["d"]))
                if day < first:
                    day = date(first.year + 1, day.month, day.day)
        except ValueError:
            raise ValueError(token) from None
        found.append(day)
    return sorted(set(found))


def optional_id(value):
    return int(value) if value not in (None, "", "None", "0") else None


def positive(label_required, lowest=1, highest=2000):
    return [InputRequired(message=label_required),
            NumberRange(lowest, highest, message=_l("应为 %(min)d 至 %(max)d", min=lowest, max=highest))]


class BookingForm(FlaskForm):
    """会议室使用申请单."""

    room_id = RadioField(_l("会议室"), coerce=int, validators=[choose()])
    day = DateField(_l("日期"), validators=[InputRequired(message=_l("请填写日期"))])
    start = TimeField(_l("开始"), validators=[InputRequired(message=_l("请填写开始时间，如 09:00"))])
    end = TimeField(_l("结束"), validators=[InputRequired(message=_l("请填写结束时间，如 11:00"))])
    repeat = RadioField(_l("重复"), choices=Repeat.choices(), default=Repeat.NONE.value, validators=[choose()])
    repeat_until = DateField(_l("重复截止日期"), validators=[optional()])
    exceptions = StringField(_l("除外日期"), validators=[max_length(500)], filters=[stripped],
                             description=_l("重复中不预订的日期，如 12-02、12-09"))
    skip_conflicts = BooleanField(_l("跳过与已有预订冲突的日期，其余照常预订"))
    organiser_kind = RadioField(_l("申请方"), choices=OrganiserKind.choices(), default=OrganiserKind.COMPANY.value,
                                validators=[choose()])
    unit = UnitField(_l("房号"), validators=[max_length(40)], description=_l("业户单位或住户的 楼栋-房号，如 1-201"))
    company = StringField(_l("单位名称"), validators=[max_length(100)], filters=[stripped])
    resident_id = HiddenField()
    staff_id = SelectField(_l("内部申请人"), coerce=optional_id)
    contact_name = StringField(_l("联系人"), validators=[max_length(50)], filters=[stripped])
    contact_phone = StringField(_l("联系电话"), validators=[optional(), phone])
    title = StringField(_l("会议主题"), validators=[required(), max_length(100)], filters=[stripped])
    attendees = IntegerField(_l("参会人数"), validators=positive(_l("请填写参会人数")))
    capacity_reason = StringField(_l("超员说明"), validators=[max_length(200)], filters=[stripped],
                                  description=_l("人数超过会议室容量时填写理由"))
    layout = RadioField(_l("会场布置"), choices=Layout.choices(), default=Layout.BOARDROOM.value, validators=[choose()])
    equipment = MultiCheckboxField(_l("设备"), choices=Equipment.choices())
    services = MultiCheckboxField(_l("服务项目"), choices=ServiceItem.choices(),
                                  default=[ServiceItem.TEA.value, ServiceItem.WATER.value])
    notes = TextAreaField(_l("备注"), validators=[max_length(1000)], filters=[stripped],
                          description=_l("来宾、抵达时间、特别要求等"))

    exception_dates: list[date] = []

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("结束时间应晚于开始时间"))

    def validate_exceptions(self, field):
        self.exception_dates = []
        if not field.data or self.repeat.data == Repeat.NONE.value or not self.day.data:
            return
        try:
            self.exception_dates = parse_dates(field.data, self.day.data)
        except ValueError as error:
            raise ValidationError(_l("看不懂日期“%(d)s”，请写成 12-02 或 2026-12-02", d=str(error))) from None

    def validate_unit(self, field):
        if self.organiser_kind.data in (OrganiserKind.COMPANY.value, OrganiserKind.RESIDENT.value) and not field.data:
            raise ValidationError(_l("请填写申请单位或住户的房号"))

    def validate_company(self, field):
        if self.organiser_kind.data == OrganiserKind.COMPANY.value and not field.data:
            raise ValidationError(_l("请填写单位名称"))

    def validate_staff_id(self, field):
        if self.organiser_kind.data == OrganiserKind.STAFF.value and not field.data:
            raise ValidationError(_l("请选择内部申请人"))

    def validate_contact_name(self, field):
        if self.organiser_kind.data != OrganiserKind.STAFF.value and not field.data:
            raise ValidationError(_l("请填写联系人"))


class ReasonForm(FlaskForm):
    reason = StringField(_l("取消原因"), validators=[required(), max_length(200)], filters=[stripped])


class RoundForm(FlaskForm):
    note = StringField(_l("服务内容"), validators=[max_length(200)], filters=[stripped],
                       description=_l("如 加茶水、换烟灰缸；可不填"))


class TeaSheetForm(FlaskForm):
    """茶水出单统计表: a count per item served, and per vessel how many went in and came back."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for vessel in Vessel:
            issued, returned = self[f"issued_{vessel.value}"], self[f"returned_{vessel.value}"]
            if (returned.data or 0) > (issued.data or 0):
                returned.errors.append(_l("收回数不能多于拿出数（%(n)d）", n=issued.data or 0))
                valid = False
        return valid

    def counts(self):
        served = {item: self[f"served_{item.value}"].data or 0 for item in ServiceItem}
        crockery = {v: (self[f"issued_{v.value}"].data or 0, self[f"returned_{v.value}"].data or 0) for v in Vessel}
        return served, crockery


def _count_field(label):
    return IntegerField(label, default=0, validators=[optional(), NumberRange(0, 9999, message=_l("应为 0 至 9999"))])


for _item in ServiceItem:
    setattr(TeaSheetForm, f"served_{_item.value}", _count_field(_item.label))
for _vessel in Vessel:
    setattr(TeaSheetForm, f"issued_{_vessel.value}", _count_field(_l("%(v)s拿出", v=_vessel.label)))
    setattr(TeaSheetForm, f"returned_{_vessel.value}", _count_field(_l("%(v)s收回", v=_vessel.label)))


class CloseForm(FlaskForm):
    """The service record (服务记录) that closes the work order."""

    damage = TextAreaField(_l("损坏或遗失"), validators=[max_length(500)], filters=[stripped],
                           description=_l("器皿、设备、家具有损坏或未收回时写明"))
    cleaned_after = BooleanField(_l("会后保洁已完成"), default=True)
    record = TextAreaField(_l("服务记录"), validators=[max_length(2000)], filters=[stripped],
                           description=_l("接待工作的体会与不足，以便改进"))


class RoomForm(FlaskForm):
    name = StringField(_l("名称"), validators=[required(), max_length(50)], filters=[stripped])
    building_id = SelectField(_l("楼栋"), coerce=optional_id, validators=[optional()])
    floor = StringField(_l("楼层"), validators=[max_length(10)], filters=[stripped], description=_l("如 2、B1"))
    capacity = IntegerField(_l("容纳人数"), validators=positive(_l("请填写容纳人数")))
    equipment = MultiCheckboxField(_l("设备"), choices=Equipment.choices())
    opens_at = TimeField(_l("开放时间"), validators=[InputRequired(message=_l("请填写开放时间，如 08:30"))])
    closes_at = TimeField(_l("关闭时间"), validators=[InputRequired(message=_l("请填写关闭时间，如 18:00"))])
    open_days = MultiCheckboxField(_l("开放日"), choices=[SelectChoice(str(n), label) for n, label in enumerate(WEEKDAY_LABELS, 1)],
                                  default=[str(n) for n in range(1, 6)])
    bookers = MultiCheckboxField(_l("可预订"), choices=OrganiserKind.choices(),
                                 default=[k.value for k in OrganiserKind])
    needs_approval = BooleanField(_l("预订需主管审批"))
    setup_minutes = IntegerField(_l("会前准备（分钟）"), default=30, validators=positive(_l("请填写分钟数"), 0, 240),
                                 description=_l("开门、保洁、布置，此段时间不接受其他预订"))
    cleanup_minutes = IntegerField(_l("会后清场（分钟）"), default=15, validators=positive(_l("请填写分钟数"), 0, 240))
    active = BooleanField(_l("可预订（未停用）"), default=True)
    note = StringField(_l("备注"), validators=[max_length(200)], filters=[stripped])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.building_id.choices = [SelectChoice("", _l("（不在楼栋内，如会所）"))] + [
            SelectChoice(b.id, b.name) for b in db.session.scalars(scoped(Building).order_by(Building.code))
        ]

    def validate_closes_at(self, field):
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("关闭时间应晚于开放时间"))

    def validate_open_days(self, field):
        if not field.data:
            raise ValidationError(_l("请至少选择一天"))

    def validate_bookers(self, field):
        if not field.data:
            raise ValidationError(_l("请至少选择一类"))
