import sqlalchemy as sa

from models import AuditEntry, db

from ..shared.htmx import render
from ..shared.modules import platform
from ..shared.permissions import can, current_property, require
from . import bp


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
    return render("audit/history.html", "history", entries=entries, labels=platform().field_labels, values=value_labels(table))
