"""系统管理: properties, buildings, units, residents, departments, users, calendars and imports."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", cli_group=None)

from . import cli, imports, registers, views  # noqa: E402,F401
