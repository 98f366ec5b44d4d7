"""Flask extensions, created here and bound to the app in `create_app` with `init_app`."""
from flask import g, has_app_context
from flask_babel import Babel, Domain
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from jinja2 import pass_eval_context
from markupsafe import Markup


class RequestDomain(Domain):
    """Flask-Babel's message domain, finding the request's translations once rather than for each of
    the hundreds of strings and labels a page shows: each lookup resolved the context, the locale and
    its name again, about a fifth of a list page's time. They are kept beside the locale Flask-Babel
    keeps for the request (`g._flask_babel`), for that locale object: `force_locale` and `refresh()`
    replace or drop it, and a new request has a new `g`."""

    def get_translations(self):
        state = g.get("_flask_babel") if has_app_context() else None
        locale = getattr(state, "babel_locale", None)
        if locale is None:  # outside a request, or its locale not chosen yet
            return super().get_translations()
        cached = getattr(state, "frontdesk_translations", None)
        if cached is None or cached[0] is not locale:
            cached = state.frontdesk_translations = (locale, super().get_translations())
        return cached[1]


babel = Babel()
# Babel keeps its domain in a cached property: this sets it before the first use.
babel.domain_instance = RequestDomain()
csrf = CSRFProtect()


def init_babel(app, locale_selector) -> None:
    """Flask-Babel, and the templates' `_()` in one call: as Flask-Babel and Jinja install it, each string
    went through three of Jinja's context calls and found the domain again (`get_domain()`, three lookups
    of `g`), ~20 µs a string, ~3 ms of a list page. It behaves as Jinja's new-style gettext: autoescaped
    where the template is, and always %-formatted."""
    babel.init_app(app, locale_selector=locale_selector)
    domain = babel.domain_instance

    @pass_eval_context
    def template_gettext(eval_ctx, string, **variables):
        translated = domain.get_translations().ugettext(string)
        return (Markup(translated) if eval_ctx.autoescape else translated) % variables

    app.jinja_env.globals["_"] = template_gettext


login_manager = LoginManager()
migrate = Migrate()
