from datetime import date, datetime

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from models import Property, clock, db

from .services import mark_missed, schedule_rounds


@click.command("patrols-schedule")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Make the rounds of this day (default: today where each property is).")
@with_appcontext
def schedule(day: datetime | None) -> None:
    """Make the day's patrol rounds from the schedules and mark rounds past their window as missed.

    Idempotent: run it from cron as often as you like (e.g. every 15 minutes).
    """
    now = clock.now()
    for prop in db.session.scalars(sa.select(Property).where(Property.active).order_by(Property.code)):
        on: date = day.date() if day else prop.local_day(now)
        created = schedule_rounds(prop, on)
        missed = mark_missed(prop, now)
        db.session.commit()
        click.echo(f"{prop.code} {on.isoformat()}: {created} rounds made, {missed} marked missed.")
