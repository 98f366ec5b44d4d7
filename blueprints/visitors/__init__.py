"""来访登记: visitors signing in and out, expected guests, the block list, retention purge."""
from flask import Blueprint

bp = Blueprint("visitors", __name__, url_prefix="/visitors", cli_group=None)

from . import cli, handover, views  # noqa: E402,F401
