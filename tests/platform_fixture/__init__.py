"""A module as small as one can be, for the platform's tests: everything it contributes is declared
here, and the app learns of it only by its name in the list of modules."""
import click
import sqlalchemy as sa
from flask import Blueprint, render_template_string
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from blueprints.shared.handover import HandoverItem
from blueprints.shared.modules import Module, NavItem, Panel, Setting, grant
from blueprints.shared.permissions import A, L, S, require
from models import Unit, db

bp = Blueprint("fixture", __name__, url_prefix="/fixture", template_folder="templates")


@bp.get("/")
@require("fixture.view")
def index():
    return render_template_string("{{ n }}", n=0)


def umbrella_stand(shift) -> list[HandoverItem]:
    return [HandoverItem(_l("雨伞架"), _l("雨伞 12 把"))]


@click.command("fixture-count")
@with_appcontext
def count() -> None:
    click.echo(f"{db.session.scalar(sa.select(sa.func.count(Unit.id)))} units, umbrellas")


module = Module(
    "fixture", bp, _l("雨伞架"),
    permissions={"fixture.view": grant(_l("查看雨伞架"), A, S, L)},
    nav=[NavItem(_l("雨伞架"), "fixture.index", "fixture.view", "/fixture")],
    panels=[Panel("fixture/_panel.html", lambda: {"lent": 0}, permission="fixture.view")],
    handover=[umbrella_stand],
    number_codes={"YS": _l("雨伞")},
    settings={"FIXTURE_UMBRELLAS": Setting(12, "umbrellas on the stand")},
    commands=[count],
)
