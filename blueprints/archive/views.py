from flask import request
from flask_babel import gettext as _

from models import Building, Resident, Unit, db
from models.audit import log_reveal

from ..auth.sessions import password_confirmed
from ..shared.htmx import render
from ..shared.lists import natural_order
from ..shared.modules import platform
from ..shared.permissions import can, get_or_404, require, scoped
from ..shared.printing import cjk_font_families, render_pdf
from . import bp
from .services import UnitFilter


@bp.get("/")
@require("archive.view")
def units():
    filters = UnitFilter.from_args(request.args)
    page = db.paginate(filters.select(), per_page=30, error_out=False)
    buildings = db.session.scalars(scoped(Building).order_by(*natural_order(Building.code))).all()
    return render("archive/units.html", "results", page=page, filters=filters, buildings=buildings)


@bp.get("/units/<int:unit_id>")
@require("archive.view")
def unit(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    return render("archive/unit.html", unit=unit, records=unit_records(unit), fonts_ok=bool(cjk_font_families()))


def unit_records(unit: Unit) -> list[tuple[str, dict]]:
    """What the modules hold about the unit (entrusted keys' uses, …), for whoever may see it."""
    return [(record.template, record.context(unit)) for record in platform().unit_records if can(record.permission)]


@bp.post("/residents/<int:resident_id>/reveal")
@require("archive.reveal")
@password_confirmed
def reveal(resident_id: int):
    """Show one resident's full phone and ID number, and write that it was shown to the access log."""
    resident = get_or_404(Resident, resident_id)
    log_reveal(resident, ["phone", "id_number"])
    # htmx swaps in the resident's row; a browser without it gets the unit's page with the row shown whole.
    return render("archive/unit.html", "resident_row", resident=resident, revealed_id=resident.id, unit=resident.unit,
                  records=unit_records(resident.unit),
                  fonts_ok=bool(cjk_font_families()))


@bp.get("/units/<int:unit_id>/card.pdf")
@require("archive.print")
def archive_card(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    return render_pdf(
        "print/archive/card.html",
        filename=_("业户档案卡-%(n)s", n=unit.archive_no),
        title=_("业户档案卡"),
        number=unit.archive_no,
        unit=unit,
    )
