import click
import sqlalchemy as sa
from flask import current_app, g
from flask.cli import with_appcontext

from models import Property, clock, db

from .services import notify_overdue


@click.command("keys-overdue")
@with_appcontext
def notify_overdue_command() -> None:
    """Tell the supervisors of keys not back by their due time plus their class's grace
    (KEYS_GRACE_MINUTES). Idempotent: each loan is told once; run it from cron every few minutes.
    """
    now = clock.now()
    with current_app.test_request_context("/"):
        for prop in db.session.scalars(sa.select(Property).where(Property.active).order_by(Property.code)).all():
            g.property = prop
            told = notify_overdue(prop, now)
            db.session.commit()
            click.echo(f"{prop.code}: {len(told)} overdue keys notified.")
