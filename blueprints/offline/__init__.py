"""The offline machinery's pages: the service worker, the outbox list and the offline fallback."""
from flask import Blueprint

bp = Blueprint("offline", __name__)

from . import views  # noqa: E402,F401
