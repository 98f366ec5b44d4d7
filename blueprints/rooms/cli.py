import click
import sqlalchemy as sa
from flask import current_app, g
from flask.cli import with_appcontext

from models import Property, clock, db

from .services import release_overdue


@click.command("rooms-release")
@with_appcontext
def release() -> None:
    """Give back the rooms of meetings not checked in within ROOMS_RELEASE_MINUTES of their start, and
    tell the organisers' desks; dates still waiting for approval by then lapse.

    Idempotent: run it from cron every few minutes. Pages show such meetings as no-shows before it runs.
    """
    now = clock.now()
    # The notifications link to pages of the app and say times where each property is: a request
    # context gives url_for its paths, and the property in `g` gives the times their zone.
    with current_app.test_request_context("/"):
        for prop in db.session.scalars(sa.select(Property).where(Property.active).order_by(Property.code)).all():
            g.property = prop
            released = release_overdue(prop, now)
            db.session.commit()
            click.echo(f"{prop.code}: {len(released)} bookings released.")
