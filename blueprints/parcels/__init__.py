"""签收与发放: parcels, letters and papers logged at the lobby, handed out against a signature."""
from flask import Blueprint

bp = Blueprint("parcels", __name__, url_prefix="/parcels")

from . import handover, printing, views  # noqa: E402,F401
