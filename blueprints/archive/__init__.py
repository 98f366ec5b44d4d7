"""业户档案: look up units and their residents, reveal personal data on purpose, print the archive card."""
from flask import Blueprint

bp = Blueprint("archive", __name__, url_prefix="/archive")

from . import views  # noqa: E402,F401
