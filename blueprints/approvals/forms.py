from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..shared.forms import choose, max_length


class DecisionForm(FlaskForm):
    decision = RadioField(_l("审批意见"), choices=[SelectChoice("approve", _l("批准")), SelectChoice("refuse", _l("驳回"))],
                          validators=[choose()])
    note = TextAreaField(_l("说明"), validators=[max_length(500)], description=_l("驳回必须写明理由；批准可附说明"))
