"""properties: a calendar token, new whenever the property's calendar days change

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 16:10:00

Each process keeps a property's calendar days under it (models/calendar.py): lists, the dashboard and new
tickets no longer read them on every request. Random rather than counted, so that a database restored from
a backup never meets a process that kept other days under the same token.
"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    # Added whole (NOT NULL with a default) so that SQLite need not copy `properties`, which every
    # property-scoped table refers to; then each property gets its own token.
    with op.batch_alter_table('properties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token', sa.String(length=32), nullable=False, server_default=''))
    properties = sa.table('properties', sa.column('id', sa.Integer), sa.column('calendar_token', sa.String))
    connection = op.get_bind()
    for (property_id,) in connection.execute(sa.select(properties.c.id)).all():
        connection.execute(properties.update().where(properties.c.id == property_id)
                           .values(calendar_token=secrets.token_hex(16)))


def downgrade():
    with op.batch_alter_table('properties', schema=None) as batch_op:
        batch_op.drop_column('calendar_token')
