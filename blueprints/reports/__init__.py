"""统计报表: monthly ticket statistics (客户信息统计表), on screen, in Excel and on paper."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from . import views  # noqa: E402,F401
