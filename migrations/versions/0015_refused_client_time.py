"""refused client time

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 03:00:00

An offline submission's device time that was not believed (years back, far ahead) is kept, raw, on its
idempotency key; the record got its arrival time.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refused_client_time', sa.String(length=40), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_column('refused_client_time')
