"""巡查: routes of checkpoints with QR labels, scheduled rounds walked offline on a tablet, findings that
become tickets, supervision and the printed patrol record."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import Module, NavItem, Panel, grant
from ..shared.permissions import A, C, L, S

bp = Blueprint("patrols", __name__, url_prefix="/patrols")

from . import cli, demo, handover, manage, panels, printing, supervision, views  # noqa: E402,F401 - views register their routes

module = Module(
    "patrols", bp, _l("巡查"),
    permissions={
        "patrols.view": grant(_l("查看巡查"), A, S, C, L),
        "patrols.walk": grant(_l("巡查（逐点记录、发现转报事）"), S, C),
        "patrols.manage": grant(_l("路线、检查点、巡查时间和监督"), A, S),
    },
    nav=[NavItem(_l("巡查"), "patrols.index", "patrols.view", "/patrols", _l("楼层"))],
    panels=[Panel("patrols/_panel.html", panels.today, roles=frozenset({C}), order=40)],
    handover=[handover.rounds_not_walked, handover.open_findings],
    attachments={"patrol_results": "patrols.view"},
    demo=demo.demo,
    field_labels={"checklist": _l("检查内容"), "weekdays": _l("巡查日"), "window_minutes": _l("开始时限（分钟）"),
                  "typed_allowed": _l("允许手输编码计为到场"), "presence": _l("到场核验"),
                  "concurrent_allowed": _l("允许同时进行多次巡查")},
    number_codes={"XC": _l("巡查")},
    commands=[cli.schedule],
)
