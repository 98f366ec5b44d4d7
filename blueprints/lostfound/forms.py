from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, ValidationError
from wtforms.validators import InputRequired, NumberRange, Regexp

from models.lostfound import DENOMINATIONS, Category, Disposal, FinderKind, LeftBy, Storage

from ..shared.forms import (
    IdNumberField, IdTypeField, UnitField, check_id_document, choose, compact, max_length, optional, phone, required,
    stripped,
)
from ..shared.photos import PhotosField
from ..shared.signatures import SignatureField


def _count(label):
    return IntegerField(label, validators=[optional(), NumberRange(min=0, max=9999, message=_l("张数应为 0 至 9999"))])


class FoundForm(FlaskForm):
    category = RadioField(_l("物品类别"), choices=Category.choices(), validators=[choose()])
    description = StringField(_l("物品描述"), validators=[required(), max_length(300)], filters=[stripped],
                              description=_l("如 黑色苹果手机，屏幕有裂纹"))
    colour = StringField(_l("颜色"), validators=[max_length(30)], filters=[stripped])
    brand = StringField(_l("品牌"), validators=[max_length(50)], filters=[stripped])
    found_place = StringField(_l("拾获地点"), validators=[required(), max_length(100)], filters=[stripped],
                              description=_l("如 3 栋大堂、地下车库 B2"))
    finder_kind = RadioField(_l("拾获人"), choices=FinderKind.choices(), default=FinderKind.STAFF.value,
                             validators=[choose()])
    finder_name = StringField(_l("拾获人姓名"), validators=[max_length(50)], filters=[stripped],
                              description=_l("员工拾获可不填（即登记人）"))
    finder_phone = StringField(_l("拾获人电话"), validators=[optional(), phone])
    storage = RadioField(_l("存放"), choices=Storage.choices(), default=Storage.SHELF.value, validators=[choose()])
    storage_place = StringField(_l("存放位置"), validators=[max_length(30)], filters=[compact],
                                description=_l("如 失物架 A-2、保险柜 1 层"))
    valuable = BooleanField(_l("贵重物品（现金、卡、手机、证件、首饰）：存保险柜，需另一名员工见证清点"))
    witness = SelectField(_l("见证人"), coerce=int, choices=[], validate_choice=False)
    photos = PhotosField()

    def validate_finder_name(self, field):
        if self.finder_kind.data == FinderKind.PERSON.value and not field.data:
            raise ValidationError(_l("业户或访客拾获，请填写拾获人姓名"))

    def is_valuable(self) -> bool:
        return bool(self.valuable.data) or self.category.data in {c.value for c in
                                                                   (Category.PHONE, Category.CASH, Category.CARDS,
                                                                    Category.ID_DOC, Category.JEWELLERY)}

    def validate_witness(self, field):
        offered = {c.value for c in field.choices}
        if self.is_valuable():
            if not field.data:
                raise ValidationError(_l("贵重物品须由另一名员工见证清点，请选择见证人"))
            if field.data not in offered:
                raise ValidationError(_l("请从列表中选择见证人"))
        elif field.data and field.data not in offered:
            raise ValidationError(_l("请从列表中选择见证人"))

    def validate_storage(self, field):
        if self.is_valuable() and field.data != Storage.SAFE.value:
            raise ValidationError(_l("贵重物品须存放在保险柜"))


# One field per denomination, added to the class: cash_100, cash_50, …, cash_0_1.
for _d in DENOMINATIONS:
    setattr(FoundForm, "cash_" + _d.replace(".", "_"), _count(_l("%(d)s 元", d=_d)))


def cash_fields(form: FoundForm):
    return [(d, getattr(form, "cash_" + d.replace(".", "_"))) for d in DENOMINATIONS]


def counted_cash(form: FoundForm) -> tuple[dict[str, int], Decimal]:
    counts = {d: f.data for d, f in cash_fields(form) if f.data}
    return counts, sum((Decimal(d) * n for d, n in counts.items()), Decimal("0"))


class ClaimForm(FlaskForm):
    claimant_name = StringField(_l("领取人"), validators=[required(), max_length(50)], filters=[stripped])
    claimant_phone = StringField(_l("联系电话"), validators=[required(), phone])
    claimant_description = StringField(_l("领取人对物品的描述"), validators=[required(), max_length(300)],
                                       filters=[stripped], description=_l("由领取人说出特征，核对无误后发还"))
    id_type = IdTypeField()
    id_number = IdNumberField()
    signature = SignatureField(_l("领取人签名"))

    def validate_id_number(self, field):
        if self.id_type.data != "none" and not field.data:
            raise ValidationError(_l("请填写证件号码"))
        check_id_document(self.id_type, field)


class ReleaseRequestForm(FlaskForm):
    reason = StringField(_l("申请说明"), validators=[required(), max_length(300)], filters=[stripped],
                         description=_l("如 失主 张三 来电描述相符，预约今天下午领取"))


class LostForm(FlaskForm):
    category = RadioField(_l("物品类别"), choices=Category.choices(), validators=[choose()])
    description = StringField(_l("物品描述"), validators=[required(), max_length(300)], filters=[stripped])
    lost_place = StringField(_l("遗失地点"), validators=[max_length(100)], filters=[stripped])
    lost_on = DateField(_l("遗失日期"), validators=[InputRequired(message=_l("请填写遗失日期"))])
    owner_name = StringField(_l("失主姓名"), validators=[required(), max_length(50)], filters=[stripped])
    owner_phone = StringField(_l("联系电话"), validators=[required(), phone])
    unit = UnitField(_l("房号"), validators=[max_length(40)], description=_l("业户填写，如 3-1502"))


class DisposeForm(FlaskForm):
    disposal = RadioField(_l("处置方式"), choices=Disposal.choices(), validators=[choose()])
    witness = SelectField(_l("见证人"), coerce=int, choices=[], validate_choice=False)
    note = StringField(_l("说明"), validators=[max_length(300)], filters=[stripped],
                       description=_l("如 移交 XX 派出所，接收民警 李警官"))

    def validate_witness(self, field):
        if field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("处置须有另一名员工见证，请选择见证人"))


class HeldForm(FlaskForm):
    description = StringField(_l("保管物品"), validators=[required(), max_length(300)], filters=[stripped],
                              description=_l("如 钥匙一串、文件袋一个"))
    for_name = StringField(_l("交给谁"), validators=[required(), max_length(50)], filters=[stripped])
    for_phone = StringField(_l("领取人电话"), validators=[optional(), phone])
    unit = UnitField(_l("房号"), validators=[max_length(40)])
    left_by_kind = RadioField(_l("寄存人"), choices=LeftBy.choices(), default=LeftBy.OWNER.value, validators=[choose()])
    left_by_name = StringField(_l("寄存人姓名"), validators=[max_length(50)], filters=[stripped])
    storage_place = StringField(_l("存放位置"), validators=[required(), max_length(30)], filters=[compact])
    photos = PhotosField()


class CollectForm(FlaskForm):
    collector_name = StringField(_l("领取人"), validators=[required(), max_length(50)], filters=[stripped])
    collector_id_tail = StringField(_l("证件号后四位"), filters=[compact], validators=[
        optional(), Regexp(r"^[0-9A-Z]{4}$", message=_l("请填写证件号码的最后 4 位")),
    ], description=_l("领取人不是指定的人时必填，核对证件后填写"))
    signature = SignatureField(_l("领取人签名"))


class RetentionForm(FlaskForm):
    pass


for _c in Category:
    setattr(RetentionForm, f"days_{_c.value}", IntegerField(_c.label, validators=[
        InputRequired(message=_l("请填写保管天数")), NumberRange(min=1, max=3650, message=_l("天数应为 1 至 3650")),
    ]))
