"""users: the interface language each user chose (简 / 繁 / EN)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 12:40:00

Kept on the user, not the device, so that the choice follows them to any tablet. Empty: the browser's.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
