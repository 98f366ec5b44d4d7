"""pinyin initials of callers and visitors

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 03:10:00

Tickets' callers and visitors are found by their names' pinyin initials (杨华丽: yhl), as residents are;
existing rows are filled in here.
"""
from alembic import op
import sqlalchemy as sa
from pypinyin import Style, lazy_pinyin


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def _initials(name):
    return "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default")).lower()[:50]


def _fill(table, source, target):
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT id, {source} FROM {table} WHERE {source} <> ''")).all()
    for row_id, name in rows:
        connection.execute(sa.text(f"UPDATE {table} SET {target} = :v WHERE id = :id"),
                           {"v": _initials(name), "id": row_id})


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caller_initials', sa.String(length=50), nullable=False, server_default=''))
        batch_op.create_index('ix_tickets_caller_initials', ['property_id', 'caller_initials'], unique=False,
                              postgresql_ops={'caller_initials': 'text_pattern_ops'})
    with op.batch_alter_table('visitors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_initials', sa.String(length=50), nullable=False, server_default=''))
    _fill("tickets", "caller_name", "caller_initials")
    _fill("visitors", "name", "name_initials")


def downgrade():
    with op.batch_alter_table('visitors', schema=None) as batch_op:
        batch_op.drop_column('name_initials')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_caller_initials')
        batch_op.drop_column('caller_initials')
