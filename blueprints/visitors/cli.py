import click
from flask import current_app
from flask.cli import with_appcontext

from models import clock, db

from .services import anonymise_before, retention_cutoff


@click.command("visitors-purge")
@click.option("--days", type=int, default=None, help="Keep visitors' personal data this many days (default: VISITOR_RETENTION_DAYS).")
@with_appcontext
def purge(days: int | None) -> None:
    """Anonymise visitors' personal data older than the retention period (for cron, e.g. nightly)."""
    days = days if days is not None else current_app.config["VISITOR_RETENTION_DAYS"]
    if days < 1:
        raise click.BadParameter("must be at least 1", param_hint="--days")
    count = anonymise_before(retention_cutoff(days, clock.now()))
    db.session.commit()
    click.echo(f"Anonymised {count} visits older than {days} days.")
