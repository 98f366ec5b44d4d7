"""patrol presence: scanned and typed apart

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 03:45:00

A checkpoint result records how the walker showed presence (the QR scanned, the short code typed, or
nothing) instead of one "scanned or typed" flag; a checkpoint may let a typed code count as presence, and a
route may be walked by several rounds at once.
Earlier results cannot tell scanning from typing: they become "scanned" where the flag was set.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

PRESENCE = sa.Enum('scanned', 'typed', 'none', name='presence', native_enum=False, create_constraint=True)


def upgrade():
    with op.batch_alter_table('patrol_routes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('concurrent_allowed', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('patrol_checkpoints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('typed_allowed', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('patrol_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('presence', PRESENCE, nullable=False, server_default='none'))
    op.execute("UPDATE patrol_results SET presence = CASE WHEN scanned THEN 'scanned' ELSE 'none' END")
    with op.batch_alter_table('patrol_results', schema=None) as batch_op:
        batch_op.drop_column('scanned')


def downgrade():
    with op.batch_alter_table('patrol_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scanned', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE patrol_results SET scanned = (presence <> 'none')")
    with op.batch_alter_table('patrol_results', schema=None) as batch_op:
        batch_op.drop_column('presence')
    with op.batch_alter_table('patrol_checkpoints', schema=None) as batch_op:
        batch_op.drop_column('typed_allowed')
    with op.batch_alter_table('patrol_routes', schema=None) as batch_op:
        batch_op.drop_column('concurrent_allowed')
