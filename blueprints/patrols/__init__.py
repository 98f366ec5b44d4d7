"""巡查: routes of checkpoints with QR labels, scheduled rounds walked offline on a tablet, findings that
become tickets, supervision and the printed patrol record."""
from flask import Blueprint

bp = Blueprint("patrols", __name__, url_prefix="/patrols", cli_group=None)

from . import cli, handover, manage, printing, supervision, views  # noqa: E402,F401
