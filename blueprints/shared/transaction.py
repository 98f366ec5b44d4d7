"""One transaction per request: views and services only flush; what a request did is committed once it
has succeeded, and nothing of it is kept when it failed (an error page, a form sent back) — except what
it set aside with `keep_on_failure` (a wrong password's count, which must outlive the 422 it causes)."""
from flask import g

from models import db


def keep_on_failure(record) -> None:
    """Save `record` whatever the request's answer."""
    g.setdefault("kept_on_failure", []).append(record)


def commit_or_roll_back(response):
    if response.status_code < 400:
        db.session.commit()
        return response
    db.session.rollback()
    if kept := g.pop("kept_on_failure", None):
        db.session.add_all(kept)
        db.session.commit()
    return response
