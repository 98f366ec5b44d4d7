from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, PasswordField, SelectField, StringField

from ..shared.forms import required
from ..shared.i18n import LANGUAGES


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[required()])
    password = PasswordField(_l("密码"), validators=[required()])
    next = HiddenField()


class SwitchPropertyForm(FlaskForm):
    property_id = IntegerField(validators=[required()])


class LanguageForm(FlaskForm):
    language = SelectField(choices=list(LANGUAGES), validators=[required()])
    next = HiddenField()
