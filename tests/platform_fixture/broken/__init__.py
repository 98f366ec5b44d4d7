"""A module whose view needs a permission no module declares: the app must refuse to start."""
from flask import Blueprint

from blueprints.shared.modules import Module
from blueprints.shared.permissions import require

bp = Blueprint("fixture_broken", __name__, url_prefix="/broken")


@bp.get("/")
@require("nobody.declared.this")
def page():
    return ""


module = Module("fixture_broken", bp, "broken")
