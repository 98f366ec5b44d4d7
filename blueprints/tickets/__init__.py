"""客户信息/报事: register, dispatch, work, feed back, visit and close tickets."""
from flask import Blueprint

bp = Blueprint("tickets", __name__, url_prefix="/tickets")

from . import actions, capa, handover, printing, views  # noqa: E402,F401
