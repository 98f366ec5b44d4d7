"""ticket list speed: an index of open tickets, a trigram index for the search box (PostgreSQL)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OPEN = sa.text("status <> 'closed'")
SEARCHED = ['number', 'caller_name', 'description']


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        with op.batch_alter_table('tickets', schema=None) as batch_op:
            batch_op.create_index('ix_tickets_open_received', ['property_id', 'received_at'], unique=False,
                                  sqlite_where=OPEN)
            # No trigram index on SQLite: an empty partial index of the same name keeps models and
            # migrations in agreement (see models/tickets.py).
            batch_op.create_index('ix_tickets_search_trgm', SEARCHED, unique=False, sqlite_where=sa.false())
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): a superuser or the database owner may create it.
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    # It may already live in another schema of the database, outside the search path.
    schema = bind.scalar(sa.text(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    ))
    # Concurrently: the desk keeps registering tickets while a large table is indexed.
    with op.get_context().autocommit_block():
        op.create_index(
            'ix_tickets_open_received', 'tickets', ['property_id', 'received_at'], unique=False,
            postgresql_where=OPEN, postgresql_concurrently=True,
        )
        op.create_index(
            'ix_tickets_search_trgm', 'tickets', SEARCHED, unique=False,
            postgresql_using='gin', postgresql_concurrently=True,
            postgresql_ops={column: f'{schema}.gin_trgm_ops' for column in SEARCHED},
        )


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        with op.batch_alter_table('tickets', schema=None) as batch_op:
            batch_op.drop_index('ix_tickets_search_trgm', sqlite_where=sa.false())
            batch_op.drop_index('ix_tickets_open_received', sqlite_where=OPEN)
        return
    with op.get_context().autocommit_block():
        op.drop_index('ix_tickets_search_trgm', table_name='tickets', postgresql_concurrently=True, if_exists=True)
        op.drop_index('ix_tickets_open_received', table_name='tickets', postgresql_concurrently=True, if_exists=True)
