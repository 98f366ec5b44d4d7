"""parcels: the list newest first and its search box by index (issue 16)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 19:30:00

The 全部, 已领取 and 已退回 tabs list a property's parcels newest first: (property, received) reads the page's
rows, where the status index sorted all of them (~40 ms at 56,000 parcels). The search box (LIKE '%…%' on
the number, the tracking number and the recipient) gets a pg_trgm GIN index on PostgreSQL, as the tickets
have (0004): a scanned tracking number no longer reads every parcel (~120–200 ms). SQLite has no trigram
index; there the index is an empty partial one, so that models and migrations agree.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

SEARCHED = ['number', 'tracking_no', 'recipient_name']


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        op.create_index('ix_parcels_property_received', 'parcels', ['property_id', 'received_at'])
        op.create_index('ix_parcels_search_trgm', 'parcels', SEARCHED, sqlite_where=sa.false())
        return
    # pg_trgm comes with 0004; it may live in another schema of the database, outside the search path.
    schema = bind.scalar(sa.text(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    ))
    # Concurrently: the lobby keeps logging parcels while the table is indexed.
    with op.get_context().autocommit_block():
        op.create_index('ix_parcels_property_received', 'parcels', ['property_id', 'received_at'],
                        postgresql_concurrently=True)
        op.create_index(
            'ix_parcels_search_trgm', 'parcels', SEARCHED, postgresql_using='gin', postgresql_concurrently=True,
            postgresql_ops={column: f'{schema}.gin_trgm_ops' for column in SEARCHED},
        )


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        op.drop_index('ix_parcels_search_trgm', table_name='parcels', sqlite_where=sa.false())
        op.drop_index('ix_parcels_property_received', table_name='parcels')
        return
    with op.get_context().autocommit_block():
        op.drop_index('ix_parcels_search_trgm', table_name='parcels', postgresql_concurrently=True, if_exists=True)
        op.drop_index('ix_parcels_property_received', table_name='parcels', postgresql_concurrently=True,
                      if_exists=True)
