"""Commands for the terminal and cron: `flask demo`, `flask calendar-import`, and `flask settings` /
`flask permissions`, which print what the modules declare."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from models import Property, db

from ..shared.modules import platform
from .demo import DEMO_PASSWORD, DEMO_USERS, create_demo
from .services import CALENDAR_YEARS, import_official_calendar, year_has_official_data


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Fill a demo company: two properties, ~220 units with residents, one user per role, a few days of work."""
    if db.session.scalar(sa.select(Property).where(Property.code == "HY")):
        click.echo("Demo data is already there.")
    else:
        # The services link notifications to pages with url_for, which wants a request.
        with current_app.test_request_context():
            create_demo()
            db.session.commit()
        click.echo("Demo data created.")
    click.echo(f"Log-ins (password: {DEMO_PASSWORD}): " + ", ".join(u[0] for u in DEMO_USERS))


@click.command("calendar-import")
@click.argument("year", type=click.IntRange(CALENDAR_YEARS.start, CALENDAR_YEARS.stop - 1))
@with_appcontext
def calendar_import(year: int) -> None:
    """Copy YEAR's official holidays and 调休 workdays into every property's working calendar."""
    if not year_has_official_data(year):
        raise click.ClickException(
            f"chinese-calendar has no data for {year}: enter the days by hand at /admin/calendar, "
            "or upgrade the chinese-calendar package once it has the State Council's schedule."
        )
    for prop in db.session.scalars(sa.select(Property).order_by(Property.code)):
        added = import_official_calendar(prop, year)
        click.echo(f"{prop.code}: {added} days added")
    db.session.commit()


@click.command("settings")
@with_appcontext
def settings() -> None:
    """Every module's settings: name, default, value now, and what it means (set FLASK_<NAME> to change)."""
    for name, setting in platform().settings.items():
        click.echo(f"{name} = {current_app.config[name]!r} (default {setting.default!r}): {setting.doc}")


@click.command("permissions")
@with_appcontext
def permissions() -> None:
    """The permission matrix as the modules declare it: one line per permission, the roles holding it."""
    for name, permission in platform().permissions.items():
        click.echo(f"{name:<24} {', '.join(role.value for role in permission.roles_in_order)}")
