"""Flask extensions, created here and bound to the app in `create_app` with `init_app`."""
from flask import g, has_app_context
from flask_babel import Babel, Domain, get_locale
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect


class RequestDomain(Domain):
    """Flask-Babel's message domain, finding the request's translations once rather than for each of
    the hundred-odd strings and labels a page shows (each lookup resolves the context and the locale
    again: about a tenth of a list page's time)."""

    def get_translations(self):
        if not has_app_context():
            return super().get_translations()
        locale = str(get_locale())  # itself kept for the request (and changed by force_locale, refresh)
        cached = g.get("_translations")
        if cached is None or cached[0] != locale:
            cached = g._translations = (locale, super().get_translations())
        return cached[1]


babel = Babel()
# Babel keeps its domain in a cached property: this sets it before the first use.
babel.domain_instance = RequestDomain()
csrf = CSRFProtect()
login_manager = LoginManager()
migrate = Migrate()
