"""值班日志: shifts, the opening checklist, journal events, release passes and the shift handover."""
from flask import Blueprint

bp = Blueprint("journal", __name__, url_prefix="/journal")

from . import passes, printing, sources, views  # noqa: E402,F401
