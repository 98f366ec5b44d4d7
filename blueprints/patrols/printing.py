"""The patrol's paper: the A4 sheet of checkpoint QR labels, and the patrol record (巡查记录表)."""
from flask_babel import gettext as _

from models.patrols import PatrolRound, PatrolRoute

from ..shared.permissions import current_property, get_or_404, require
from ..shared.printing import qr_svg, render_pdf
from . import bp
from .services import label_content, open_findings, photos_of


@bp.get("/routes/<int:route_id>/labels.pdf")
@require("patrols.manage")
def labels_pdf(route_id: int):
    route = get_or_404(PatrolRoute, route_id)
    prop = current_property()
    labels = [
        {"position": position, "checkpoint": c, "content": label_content(prop, c), "qr": qr_svg(label_content(prop, c))}
        for position, c in enumerate(route.active_checkpoints, 1)
    ]
    return render_pdf("print/patrols/labels.html", filename=_("巡查点标签-%(route)s", route=route.name),
                      title=_("巡查点二维码标签"), number=None, route=route, labels=labels)


@bp.get("/rounds/<int:round_id>/record.pdf")
@require("patrols.view")
def record_pdf(round_id: int):
    round_ = get_or_404(PatrolRound, round_id)
    checkpoints = round_.checkpoints
    results = {r.checkpoint_id: r for r in round_.results}
    return render_pdf(
        "print/patrols/record.html", filename=_("巡查记录表-%(n)s", n=round_.number), title=_("巡查记录表"),
        number=round_.number, round=round_, checkpoints=checkpoints, results=results,
        photos=photos_of(round_.results),
        still_open=open_findings([c.id for c in checkpoints]),
    )
