"""装修巡查: units under decoration, violations found on patrol with their 违章通知书, re-inspections."""
from flask import Blueprint

bp = Blueprint("decoration", __name__, url_prefix="/decoration")

from . import handover, views  # noqa: E402,F401
