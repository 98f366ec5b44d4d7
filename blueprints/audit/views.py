import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from models import AuditEntry, db

from ..shared.htmx import render
from ..shared.permissions import can, current_property, require
from . import bp

# Field names as staff know them; unknown fields are shown by their column name.
FIELD_LABELS = {
    "name": _l("名称/姓名"), "code": _l("代号"), "address": _l("地址"), "phone": _l("电话"), "room": _l("房号"),
    "floor": _l("楼层"), "area": _l("面积"), "archive_no": _l("档案号"), "in_arrears": _l("欠费"), "note": _l("备注"),
    "relation": _l("身份"), "id_number": _l("证件号"), "moved_in_on": _l("入住日期"), "kind": _l("类别"),
    "lead_id": _l("负责人"), "username": _l("用户名"), "display_name": _l("姓名"), "active": _l("启用"),
    "password_hash": _l("密码"), "session_token": _l("登录凭证"), "floors": _l("层数"), "timezone": _l("时区"),
    "work_starts_at": _l("上班时间"), "work_ends_at": _l("下班时间"), "day": _l("日期"), "is_workday": _l("工作日"),
    "role": _l("角色"), "department_id": _l("部门"), "building_id": _l("楼栋"), "unit_id": _l("房屋"),
    "property_id": _l("项目"), "user_id": _l("用户"), "fields": _l("查看字段"),
    "number": _l("编号"), "status": _l("状态"), "text": _l("内容"), "description": _l("内容"),
    "category": _l("类别"), "severity": _l("程度"), "source": _l("来源"), "assignee_id": _l("处理人"),
    "caller_name": _l("联系人"), "caller_phone": _l("联系电话"), "post": _l("岗位"), "result": _l("结果"),
    "items": _l("物品"), "carrier": _l("快递公司"), "tracking_no": _l("快递单号"), "shelf": _l("货架"),
    "plate": _l("车牌"), "purpose": _l("事由"), "party_size": _l("人数"), "pass_no": _l("访客证号"),
    "signed_in_at": _l("进入时间"), "signed_out_at": _l("离开时间"), "deadline": _l("整改期限"),
    "reason": _l("原因"), "used_at": _l("使用时间"), "picked_up_at": _l("领取时间"),
    "collector_name": _l("领取人"), "company": _l("公司"), "host_name": _l("被访人"),
    "name_initials": _l("拼音首字母"), "place": _l("位置"), "checklist": _l("检查内容"), "position": _l("顺序"),
    "at": _l("时间"), "weekdays": _l("巡查日"), "window_minutes": _l("开始时限（分钟）"),
    "owner_name": _l("业主"), "owner_phone": _l("业主电话"), "contractor": _l("施工单位"),
    "contractor_contact": _l("施工负责人"), "contractor_phone": _l("施工单位电话"), "permit_no": _l("装修许可证"),
    "works": _l("装修内容"), "work_hours": _l("允许施工时间"), "starts_on": _l("开工日期"), "ends_on": _l("完工日期"),
}


def value_labels(table: str) -> dict[str, dict[str, str]]:
    """Per enum column of `table`, stored value → label: the trail reads 日常巡查, not daily."""
    columns = db.metadata.tables[table].columns if table in db.metadata.tables else []
    return {
        c.name: {m.value: getattr(m, "label", m.value) for m in c.type.enum_class}
        for c in columns if isinstance(c.type, sa.Enum) and c.type.enum_class is not None
    }


@bp.get("/<table>/<record_id>")
@require("audit.read")
def history(table: str, record_id: str):
    """Who changed this record, when, and what: the record's audit trail within the current property."""
    in_scope = AuditEntry.property_id == current_property().id
    if can("admin.manage"):
        in_scope = sa.or_(in_scope, AuditEntry.property_id.is_(None))
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.table_name == table, AuditEntry.record_id == record_id, in_scope)
        .order_by(AuditEntry.id.desc())
    ).all()
    return render("audit/history.html", "history", entries=entries, labels=FIELD_LABELS, values=value_labels(table))
