"""Cron: reminders of unclaimed parcels, and the delivery of residents' messages through an SMS provider."""
import click
import sqlalchemy as sa
from flask import current_app, g
from flask.cli import with_appcontext

from models import Property, clock, db

from ..shared import messaging
from .services import remind_unclaimed


def _properties() -> list[Property]:
    return db.session.scalars(sa.select(Property).where(Property.active).order_by(Property.code)).all()


@click.command("parcels-remind")
@with_appcontext
def remind_command() -> None:
    """Queue a reminder for each parcel waiting longer than PARCEL_UNCLAIMED_DAYS (default 3), at most one
    a parcel a day. Idempotent: run it from cron every hour or once each morning."""
    now = clock.now()
    with current_app.test_request_context("/"):  # messages link to the parcel's page
        for prop in _properties():
            g.property = prop
            queued = remind_unclaimed(prop, now)
            db.session.commit()
            click.echo(f"{prop.code}: {len(queued)} parcel reminders queued.")


@click.command("messages-send")
@with_appcontext
def send_command() -> None:
    """Send the residents' pending messages through the SMS provider of RESIDENT_MESSAGE_CHANNEL; with the
    default channel ("desk") the desk tells them and this does nothing. Run it from cron every few minutes."""
    name = messaging.channel_name()
    if name == messaging.DESK:
        click.echo("RESIDENT_MESSAGE_CHANNEL is 'desk': the lobby's 待通知 list tells residents; nothing to send.")
        return
    sender = messaging.load_sender(name)
    for prop in _properties():
        sent, failed = messaging.send_pending(prop.id, sender)
        db.session.commit()
        click.echo(f"{prop.code}: {sent} messages sent, {failed} failed.")
