import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, RadioField, StringField, ValidationError
from wtforms.validators import NumberRange

from models import db
from models.visitors import Purpose, Visitor

from ..shared.duplicates import WarnsOfDuplicates
from ..shared.forms import IdNumberField, IdTypeField, UnitField, check_id_document, max_length, optional, phone, required
from ..shared.permissions import scoped


def _plate(value: str | None) -> str:
    return (value or "").replace(" ", "").upper()


class VisitorForm(WarnsOfDuplicates, FlaskForm):
    name = StringField(_l("访客姓名"), validators=[required(), max_length(50)])
    unit = UnitField(_l("到访房号"), validators=[max_length(40)], description=_l("如 3-1502；写字楼可只填公司"))
    purpose = RadioField(_l("事由"), choices=Purpose.choices(), default=Purpose.VISIT.value)
    id_type, id_number = IdTypeField(), IdNumberField()
    phone = StringField(_l("手机"), validators=[optional(), phone])
    company = StringField(_l("到访公司"), validators=[max_length(100)])
    host_name = StringField(_l("被访人"), validators=[max_length(50)])
    party_size = IntegerField(_l("人数"), default=1, validators=[NumberRange(1, 50, message=_l("人数应在 1–50 之间"))])
    plate = StringField(_l("车牌"), validators=[max_length(20)], filters=[_plate])
    pass_no = StringField(_l("访客证号"), validators=[max_length(20)])
    note = StringField(_l("备注"), validators=[max_length(300)])
    # 「上次离开时未登记」: the id of the open visit of this person, signed out before this one is signed in.
    previous_left = HiddenField()

    duplicate_message = _l("此人可能还在场内：同一证件或手机号已登记进入、尚未离开。请核对下方记录。")

    def validate_unit(self, field):
        if not field.data and not (self.company.data or "").strip():
            raise ValidationError(_l("请填写到访房号，或到访公司"))

    def validate_id_number(self, field):
        check_id_document(self.id_type, field)

    def validate_previous_left(self, field):
        field.data = int(field.data) if (field.data or "").isdigit() else None

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) and (bool(self.previous_left.data) or self.no_likely_duplicates())

    def find_duplicates(self) -> list[Visitor]:
        """Visits still open (not signed out) with the same ID number or mobile."""
        same = [Visitor.id_number == self.id_number.data] if self.id_number.data else []
        same += [Visitor.phone == self.phone.data] if self.phone.data else []
        if not same:
            return []
        stmt = scoped(Visitor).where(Visitor.signed_out_at.is_(None), sa.or_(*same))
        return list(db.session.scalars(stmt.order_by(Visitor.signed_in_at.desc()).limit(3)))


class ExpectedGuestForm(FlaskForm):
    unit = UnitField(_l("房号"), validators=[required(), max_length(40)])
    guest_name = StringField(_l("访客姓名"), validators=[required(), max_length(50)])
    phone = StringField(_l("访客手机"), validators=[optional(), phone])
    plate = StringField(_l("车牌"), validators=[max_length(20)], filters=[_plate])
    valid_from = DateField(_l("从"), validators=[required()])
    valid_to = DateField(_l("到"), validators=[required()])
    announced_by = StringField(_l("通知的业主"), validators=[max_length(50)])
    note = StringField(_l("备注"), validators=[max_length(300)])

    def validate_valid_to(self, field):
        if self.valid_from.data and field.data and field.data < self.valid_from.data:
            raise ValidationError(_l("结束日期不能早于开始日期"))


class BlockEntryForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[max_length(50)])
    id_number = StringField(_l("证件号码"), validators=[max_length(40)])
    plate = StringField(_l("车牌"), validators=[max_length(20)], filters=[_plate])
    reason = StringField(_l("原因"), validators=[required(), max_length(300)])

    def validate_plate(self, field):
        if not field.data and not ((self.name.data or "").strip() and (self.id_number.data or "").strip()):
            raise ValidationError(_l("请填写车牌，或同时填写姓名和证件号码"))
