"""tickets: the phone-digits search and the "not yet fed back" count by index (issue 16)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 08:10:00

Four digits search a caller's phone tail newest first: (property, tail, received) reads the page's rows
only, where the tail alone read every match and sorted them. A first contact's tickets not yet fed back
(the dashboard's 我的首接 and its count) get a partial index of just those, where the index of first
contacts read all of a colleague's tickets since the first day.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

OWED = sa.text("status NOT IN ('fed_back', 'closed')")


def upgrade():
    concurrently = op.get_bind().dialect.name == 'postgresql'
    # Concurrently on PostgreSQL: the desk keeps registering tickets while a large table is indexed.
    with op.get_context().autocommit_block():
        op.create_index('ix_tickets_phone_received', 'tickets', ['property_id', 'caller_phone_last4', 'received_at'],
                        postgresql_concurrently=concurrently)
        op.create_index('ix_tickets_owed', 'tickets', ['property_id', 'first_contact_id', 'received_at'],
                        postgresql_where=OWED, sqlite_where=OWED, postgresql_concurrently=concurrently)
        op.drop_index('ix_tickets_caller_phone_last4', table_name='tickets', postgresql_concurrently=concurrently)


def downgrade():
    concurrently = op.get_bind().dialect.name == 'postgresql'
    with op.get_context().autocommit_block():
        op.create_index('ix_tickets_caller_phone_last4', 'tickets', ['caller_phone_last4'],
                        postgresql_concurrently=concurrently)
        op.drop_index('ix_tickets_owed', table_name='tickets', postgresql_concurrently=concurrently)
        op.drop_index('ix_tickets_phone_received', table_name='tickets', postgresql_concurrently=concurrently)
