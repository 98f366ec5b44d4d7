"""装修巡查: units under decoration, violations found on patrol with their 违章通知书, re-inspections."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import Module, NavItem, grant
from ..shared.permissions import A, C, L, S

bp = Blueprint("decoration", __name__, url_prefix="/decoration")

from . import demo, handover, views  # noqa: E402,F401 - views register their routes

module = Module(
    "decoration", bp, _l("装修"),
    permissions={
        "decoration.view": grant(_l("查看装修登记和违章"), A, S, L, C),
        "decoration.manage": grant(_l("装修登记"), A, S, L),
        "decoration.inspect": grant(_l("装修巡查、记录违章、复验"), S, C),
    },
    nav=[NavItem(_l("装修"), "decoration.index", "decoration.view", "/decoration", _l("楼层"))],
    handover=[handover.reinspections_due],
    attachments={"decoration_violations": "decoration.view"},
    demo=demo.demo,
    field_labels={
        "deadline": _l("整改期限"), "owner_name": _l("业主"), "owner_phone": _l("业主电话"),
        "contractor": _l("施工单位"), "contractor_contact": _l("施工负责人"), "contractor_phone": _l("施工单位电话"),
        "permit_no": _l("装修许可证"), "works": _l("装修内容"), "work_hours": _l("允许施工时间"),
        "starts_on": _l("开工日期"), "ends_on": _l("完工日期"),
    },
    number_codes={"WZ": _l("装修违章")},
)
