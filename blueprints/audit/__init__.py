"""A record's change history, from the append-only audit log."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..shared.modules import Module, grant
from ..shared.permissions import A, S

bp = Blueprint("audit", __name__, url_prefix="/audit")

from . import views  # noqa: E402,F401 - views register their routes

module = Module(
    "audit", bp, _l("修改记录"),
    permissions={"audit.read": grant(_l("查看记录的修改历史"), A, S)},
    # Fields many records have; each module labels its own.
    field_labels={
        "name": _l("名称/姓名"), "code": _l("代号"), "phone": _l("电话"), "note": _l("备注"), "kind": _l("类别"),
        "number": _l("编号"), "status": _l("状态"), "text": _l("内容"), "description": _l("内容"),
        "category": _l("类别"), "reason": _l("原因"), "at": _l("时间"), "place": _l("位置"), "position": _l("顺序"),
        "unit_id": _l("房屋"), "property_id": _l("项目"), "user_id": _l("用户"), "fields": _l("查看字段"),
        "company": _l("公司"), "plate": _l("车牌"), "purpose": _l("事由"),
    },
)
