import sqlalchemy as sa
from flask import jsonify

from models import db

from ..shared.printing import cjk_font_families
from . import bp


@bp.get("/healthz")
def healthz():
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        database = "ok"
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        database = "unreachable"
    fonts = cjk_font_families()
    body = {
        "status": "ok" if database == "ok" else "error",
        "db": database,
        "details": {
            "cjk_fonts": list(fonts) if fonts else "missing: install fonts-noto-cjk or printed forms show boxes",
        },
    }
    return jsonify(body), 200 if database == "ok" else 503
