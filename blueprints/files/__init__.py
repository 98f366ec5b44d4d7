"""Stored files (photos) served to signed-in users of the record's property."""
from flask import Blueprint

bp = Blueprint("files", __name__, url_prefix="/files")

from . import views  # noqa: E402,F401
