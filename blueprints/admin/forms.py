import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Regexp, ValidationError

from models import Building, Department, DepartmentKind, ResidentRelation, Role, User, UserRole, db

from ..shared.forms import MultiCheckboxField, choose, id_number, max_length, optional, phone, required
from ..shared.permissions import current_property, scoped


class PropertyForm(FlaskForm):
    code = StringField(
        _l("项目代号"),
        validators=[required(), Regexp(r"^[A-Z]{2,6}$", message=_l("请用 2–6 个大写英文字母，如 HY"))],
        description=_l("用于档案号和单据编号，如 HY-3-1502"),
    )
    name = StringField(_l("项目名称"), validators=[required(), max_length(100)])
    address = StringField(_l("地址"), validators=[optional(), max_length(200)])
    phone = StringField(_l("客服电话"), validators=[optional(), phone])
    work_starts_at = TimeField(_l("上班时间"), validators=[required()])
    work_ends_at = TimeField(_l("下班时间"), validators=[required()])

    def validate_work_ends_at(self, field):
        if self.work_starts_at.data and field.data and field.data <= self.work_starts_at.data:
            raise ValidationError(_l("下班时间必须晚于上班时间"))


class BuildingForm(FlaskForm):
    code = StringField(
        _l("楼栋代号"),
        validators=[required(), Regexp(r"^[A-Za-z0-9]{1,10}$", message=_l("请用数字或英文字母，如 3 或 A"))],
    )
    name = StringField(_l("楼栋名称"), validators=[required(), max_length(50)])
    floors = IntegerField(
        _l("层数"), validators=[optional(), NumberRange(1, 200, message=_l("层数应在 1–200 之间"))]
    )


class UnitForm(FlaskForm):
    building_id = SelectField(_l("楼栋"), coerce=int, validators=[choose()])
    room = StringField(
        _l("房号"),
        validators=[required(), Regexp(r"^[A-Za-z0-9-]{1,20}$", message=_l("房号只能包含数字、字母和 -"))],
    )
    floor = IntegerField(_l("楼层"), validators=[optional(), NumberRange(-10, 200, message=_l("楼层不正确"))])
    area = DecimalField(
        _l("建筑面积(㎡)"), places=2, validators=[optional(), NumberRange(0, 100000, message=_l("面积不正确"))]
    )
    in_arrears = BooleanField(_l("欠费（放行需主管批准）"))
    note = TextAreaField(_l("备注"), validators=[optional(), max_length(2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.building_id.choices = [
            SelectChoice(b.id, b.name) for b in db.session.scalars(scoped(Building).order_by(Building.code))
        ]


class ResidentForm(FlaskForm):
    unit_archive_no = StringField(_l("房屋档案号"), validators=[required()], description=_l("如 HY-3-1502"))
    name = StringField(_l("姓名"), validators=[required(), max_length(50)])
    relation = SelectField(_l("身份"), choices=ResidentRelation.choices(), validators=[choose()])
    phone = StringField(_l("手机/电话"), validators=[optional(), phone])
    id_number = StringField(_l("身份证号"), validators=[optional(), id_number])
    moved_in_on = DateField(_l("入住日期"), validators=[optional()])
    note = TextAreaField(_l("备注"), validators=[optional(), max_length(2000)])


class DepartmentForm(FlaskForm):
    kind = SelectField(_l("类别"), choices=DepartmentKind.choices(), validators=[choose()])
    name = StringField(_l("部门名称"), validators=[required(), max_length(50)])
    lead_id = SelectField(_l("负责人"), coerce=lambda v: int(v) if v else None, validators=[optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(u.id, u.display_name) for u in users_of_current_property()
        ]


def users_of_current_property() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.property_id == current_property().id)))
            .order_by(User.username).options(selectinload(User.roles))
        )
    )


class UserForm(FlaskForm):
    username = StringField(
        _l("用户名"),
        validators=[required(), Regexp(r"^[a-z0-9_.-]{2,40}$", message=_l("请用 2–40 位小写字母、数字或 _ . -"))],
    )
    display_name = StringField(_l("姓名"), validators=[required(), max_length(50)])
    phone = StringField(_l("手机"), validators=[optional(), phone])
    # No optional(): it would stop validate_password, which requires a password for a new user.
    password = PasswordField(_l("密码"), description=_l("至少 8 位；编辑时留空表示不修改"))
    active = BooleanField(_l("启用"), default=True)
    roles = MultiCheckboxField(_l("本项目中的角色"), choices=Role.choices())
    # No optional(): it would stop validate_department_id when no department is chosen.
    department_id = SelectField(_l("所属部门（部门人员）"), coerce=lambda v: int(v) if v else None)

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        self.department_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(d.id, d.name) for d in db.session.scalars(scoped(Department).order_by(Department.id))
        ]

    def validate_password(self, field):
        if self.creating and not field.data:
            raise ValidationError(_l("请设置密码"))
        if field.data and len(field.data) < 8:
            raise ValidationError(_l("密码至少 8 位"))

    def validate_department_id(self, field):
        if Role.DEPARTMENT.value in (self.roles.data or []) and not field.data:
            raise ValidationError(_l("部门人员必须选择所属部门"))


class CalendarDayForm(FlaskForm):
    day = DateField(_l("日期"), validators=[required()])
    is_workday = SelectField(
        _l("类型"),
        choices=[SelectChoice("0", _l("休息日（节假日）")), SelectChoice("1", _l("工作日（调休上班）"))],
        validators=[choose()],
    )
    name = StringField(_l("说明"), validators=[optional(), max_length(50)], description=_l("如 国庆节、国庆调休"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("Excel 或 CSV 文件"),
        validators=[
            FileRequired(message=_l("请选择文件")),
            FileAllowed(["xlsx", "csv"], message=_l("只支持 .xlsx 或 .csv 文件")),
        ],
    )
