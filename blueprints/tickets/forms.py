
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange

from models import Department, DepartmentKind, Resident, User, UserRole, db
from models.tickets import Nature, Satisfaction, Severity, Ticket, TicketCategory, TicketSource, VisitMethod

from ..shared.duplicates import WarnsOfDuplicates, similar
from ..shared.forms import UnitField, choose, max_length, optional, phone, required
from ..shared.localtime import today
from ..shared.offline import client_time
from ..shared.permissions import current_property, scoped
from ..shared.photos import PhotosField


class TicketForm(WarnsOfDuplicates, FlaskForm):
    category = RadioField(_l("类别"), choices=TicketCategory.choices(), validators=[choose()])
    severity = RadioField(_l("投诉程度"), choices=Severity.choices(), validate_choice=False)
    source = SelectField(_l("来源"), choices=TicketSource.choices(), default=TicketSource.PHONE.value)
    nature = RadioField(_l("性质"), choices=Nature.choices(), default=Nature.NORMAL.value)
    unit = UnitField(_l("房号"), validators=[max_length(40)], description=_l("楼栋-房号，如 3-1502"))
    location = StringField(_l("公共区域"), validators=[optional(), max_length(100)], description=_l("不涉及某户时填写，如 3 号楼电梯厅"))
    resident_id = HiddenField()
    caller_name = StringField(_l("联系人"), validators=[optional(), max_length(50)])
    caller_phone = StringField(_l("联系电话"), validators=[optional(), phone])
    description = TextAreaField(_l("内容"), validators=[required(), max_length(2000)])
    answer = TextAreaField(_l("当场答复"), validators=[optional(), max_length(2000)],
                           description=_l("咨询类当场答复后填写，登记即关闭"))
    photos = PhotosField()
    # 「是同一件事」: the id of the likely duplicate this call is added to, instead of a new ticket.
    add_to = HiddenField()

    resident_obj: Resident | None = None
    duplicate_message = _l("这件事可能已经登记过：请核对下方的报事。是同一件事就记到那张单上，不是再登记新单。")

    def validate_severity(self, field):
        if self.category.data != TicketCategory.COMPLAINT.value:
            field.data = None
        elif field.data not in Severity._value2member_map_:
            raise ValidationError(_l("投诉请选择程度：重大、重要或轻微"))

    def validate_unit(self, field):
        if not field.data and not self.location.data:
            raise ValidationError(_l("请填写房号，或在“公共区域”中写明地点"))

    def validate_resident_id(self, field):
        if field.data:
            resident = db.session.get(Resident, int(field.data)) if field.data.isdigit() else None
            if resident is None or resident.property_id != current_property().id or (
                self.unit.unit and resident.unit_id != self.unit.unit.id
            ):
                field.data = ""
            else:
                self.resident_obj = resident

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # The department must be able to call the household about its repair or complaint (the contact
        # fields are optional one by one, so this is checked once all fields have been).
        concerns_household = self.unit.unit is not None and self.category.data in (
            TicketCategory.REPAIR.value, TicketCategory.COMPLAINT.value)
        typed = self.caller_phone.data and (self.caller_name.data or "").strip()
        if concerns_household and not self.resident_obj and not typed and not self.caller_phone.errors:
            self.caller_phone.errors.append(_l("报修和投诉请选择住户，或填写联系人和联系电话，以便处理人员联系"))
            return False
        return valid and (bool(self.add_to.data) or self.no_likely_duplicates())

    def find_duplicates(self) -> list[Ticket]:
        """The same unit (or public place) and category, received within a few hours, with a similar text."""
        hours = timedelta(hours=current_app.config["TICKETS_DUPLICATE_HOURS"])
        at = client_time()
        unit = self.unit.unit
        stmt = scoped(Ticket).where(
            Ticket.category == self.category.data,
            Ticket.unit_id == unit.id if unit else Ticket.unit_id.is_(None),
            Ticket.received_at.between(at - hours, at + hours),
        ).order_by(Ticket.received_at.desc()).limit(20)
        return [
            t for t in db.session.scalars(stmt)
            if similar(t.description, self.description.data) and (unit or similar(t.location, self.location.data))
        ][:3]

    @property
    def caller(self) -> tuple[str, str]:
        """Who called and their number: as typed, else the resident picked."""
        resident = self.resident_obj
        return (self.caller_name.data or (resident.name if resident else ""),
                self.caller_phone.data or (resident.phone if resident else ""))

    def validate_add_to(self, field):
        field.data = int(field.data) if (field.data or "").isdigit() else None

    def validate_answer(self, field):
        if field.data and self.category.data != TicketCategory.ENQUIRY.value:
            raise ValidationError(_l("只有咨询可以当场答复并关闭；其他类别请登记后派工"))


class ActionForm(FlaskForm):
    """Every step on a ticket carries the version the user saw, so no one overwrites a change unseen."""

    version = HiddenField()

    def seen_version(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None


class DispatchForm(ActionForm):
    department_id = SelectField(_l("派给部门"), coerce=int, validators=[choose()])
    assignee_id = SelectField(_l("处理人"), coerce=lambda v: int(v) if v else None, validate_choice=False)
    note = TextAreaField(_l("派工说明"), validators=[optional(), max_length(1000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = db.session.scalars(
            scoped(Department).where(Department.kind != DepartmentKind.MANAGEMENT).order_by(Department.id)
        ).all()
        self.department_id.choices = [SelectChoice(d.id, d.name) for d in departments]
        staff = db.session.execute(
            sa.select(User.id, User.display_name, Department.name)
            .join(UserRole, UserRole.user_id == User.id)
            .join(Department, Department.id == UserRole.department_id)
            .where(UserRole.property_id == current_property().id, User.active)
            .order_by(Department.id, User.display_name)
        ).all()
        self.assignee_id.choices = [SelectChoice("", _l("（部门内自行接单）"))] + [
            SelectChoice(user_id, f"{name}（{department}）") for user_id, name, department in staff
        ]

    def validate_assignee_id(self, field):
        if field.data is None:
            return
        role = db.session.scalar(
            sa.select(UserRole).where(
                UserRole.user_id == field.data,
                UserRole.property_id == current_property().id,
                UserRole.department_id == self.department_id.data,
            )
        )
        if role is None:
            raise ValidationError(_l("处理人不属于所选部门"))


class NoteForm(ActionForm):
    note = TextAreaField(_l("说明"), validators=[required(), max_length(2000)])


class WorkNoteForm(NoteForm):
    """Progress and completion notes from the department, with photos of the work."""

    photos = PhotosField()


class VisitForm(ActionForm):
    method = RadioField(_l("回访方式"), choices=VisitMethod.choices(), default=VisitMethod.PHONE.value)
    satisfaction = RadioField(_l("客户评价"), choices=Satisfaction.choices(), validators=[choose()])
    remarks = TextAreaField(_l("客户意见"), validators=[max_length(2000)])

    def validate_remarks(self, field):
        if self.satisfaction.data == Satisfaction.UNSATISFIED.value and not (field.data or "").strip():
            raise ValidationError(_l("客户不满意时请记录具体意见，以便返工"))


class CapaForm(ActionForm):
    cause = TextAreaField(_l("原因分析"), validators=[optional(), max_length(3000)])
    measures = TextAreaField(_l("纠正与预防措施"), validators=[optional(), max_length(3000)])
    owner_id = SelectField(_l("责任人"), coerce=lambda v: int(v) if v else None, validate_choice=False)
    due_on = DateField(_l("完成期限"), validators=[optional()])
    verification = TextAreaField(_l("验证结果"), validators=[optional(), max_length(3000)])
    verified = BooleanField(_l("措施已落实并验证有效"))

    def validate_due_on(self, field):
        if field.data and field.data < today() and field.object_data != field.data:
            raise ValidationError(_l("完成期限不能早于今天"))

    def validate_verified(self, field):
        if field.data and not (self.verification.data or "").strip():
            raise ValidationError(_l("请先填写验证结果"))


class SettingsForm(FlaskForm):
    major_reply_hours = IntegerField(_l("重大投诉：答复时限（工作小时）"), validators=[NumberRange(1, 72)])
    major_resolve_days = IntegerField(_l("重大投诉：办结时限（工作日）"), validators=[NumberRange(1, 60)])
    important_reply_days = IntegerField(_l("重要投诉：答复时限（工作日）"), validators=[NumberRange(1, 30)])
    important_resolve_days = IntegerField(_l("重要投诉：办结时限（工作日）"), validators=[NumberRange(1, 60)])
    minor_reply_days = IntegerField(_l("轻微投诉：答复时限（工作日）"), validators=[NumberRange(1, 30)])
    minor_resolve_days = IntegerField(_l("轻微投诉：办结时限（工作日）"), validators=[NumberRange(1, 60)])
    other_reply_days = IntegerField(_l("其他报事：答复时限（工作日）"), validators=[NumberRange(1, 30)])
    other_resolve_days = IntegerField(_l("其他报事：办结时限（工作日）"), validators=[NumberRange(1, 60)])
    repair_visit_percent = IntegerField(_l("报修回访比例（%）"), validators=[NumberRange(30, 80, message=_l("报修回访比例应在 %(min)d%%–%(max)d%% 之间"))])
    other_visit_percent = IntegerField(_l("其他报事回访比例（%）"), validators=[NumberRange(0, 100)])
    visit_within_days = IntegerField(_l("回访期限（工作日）"), validators=[NumberRange(1, 30)])
    repeat_window_days = IntegerField(_l("重复投诉/报修统计期（天）"), validators=[NumberRange(7, 365)])
    rework_hours = IntegerField(_l("返工时限（小时）"), validators=[NumberRange(1, 168)])
