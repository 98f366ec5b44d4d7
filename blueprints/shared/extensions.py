"""Flask extensions, created here and bound to the app in `create_app` with `init_app`."""
from flask import g, has_app_context
from flask_babel import Babel, Domain
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
        if (translations := g.get("_translations")) is None:
            translations = g._translations = super().get_translations()
        return translations


babel = Babel()
# Babel keeps its domain in a cached property: this sets it before the first use.
babel.domain_instance = RequestDomain()
csrf = CSRFProtect()
login_manager = LoginManager()
migrate = Migrate()
