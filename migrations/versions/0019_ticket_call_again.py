"""tickets: a repeat call added to the ticket it duplicates; the index the duplicate check reads

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 06:30:00

A likely duplicate caught at registration can be added to the ticket already registered (再次来电, a new
timeline step) instead of becoming a second ticket. The check looks for the same unit and category in the
last hours: (unit_id, category, received_at), which also serves the repeat count for corrective actions.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

KINDS = ['registered', 'answered', 'dispatched', 'accepted', 'note', 'paused', 'resumed', 'done', 'fed_back',
         'visited', 'closed', 'reopened']


def kind_type(kinds):
    return sa.Enum(*kinds, name='ticketeventkind', native_enum=False, create_constraint=True)


def upgrade():
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=kind_type(KINDS), type_=kind_type(KINDS + ['call_again']),
                              existing_nullable=False)
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_unit_category_received', ['unit_id', 'category', 'received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_unit_category_received')
    op.execute("DELETE FROM ticket_events WHERE kind = 'call_again'")
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=kind_type(KINDS + ['call_again']), type_=kind_type(KINDS),
                              existing_nullable=False)
