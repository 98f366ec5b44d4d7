"""parcels and mail (签收与发放)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:12:18.858893

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('parcels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('recipient_name', sa.String(length=50), nullable=False),
    sa.Column('carrier', sa.Enum('sf', 'zto', 'yto', 'yunda', 'sto', 'jt', 'jd', 'ems', 'post', 'other', name='carrier', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('tracking_no', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('parcel', 'letter', 'newspaper', name='parcelkind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('shelf', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'picked_up', 'returned', name='parcelstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('picked_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('collector_name', sa.String(length=50), nullable=False),
    sa.Column('collector_id_hint', sa.String(length=4), nullable=False),
    sa.Column('signature_attachment_id', sa.Integer(), nullable=True),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('return_reason', sa.String(length=200), nullable=False),
    sa.Column('handed_over_by_id', sa.Integer(), nullable=True),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'picked_up') = (picked_up_at IS NOT NULL)", name=op.f('ck_parcels_picked_up_when_picked_up')),
    sa.CheckConstraint("(status = 'returned') = (returned_at IS NOT NULL)", name=op.f('ck_parcels_returned_when_returned')),
    sa.CheckConstraint("status <> 'picked_up' OR signature_attachment_id IS NOT NULL", name=op.f('ck_parcels_picked_up_signed')),
    sa.CheckConstraint('count >= 1', name=op.f('ck_parcels_count_positive')),
    sa.ForeignKeyConstraint(['handed_over_by_id'], ['users.id'], name=op.f('fk_parcels_handed_over_by_id_users')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_parcels_property_id_properties')),
    sa.ForeignKeyConstraint(['received_by_id'], ['users.id'], name=op.f('fk_parcels_received_by_id_users')),
    sa.ForeignKeyConstraint(['signature_attachment_id'], ['attachments.id'], name=op.f('fk_parcels_signature_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_parcels_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parcels')),
    sa.UniqueConstraint('number', name=op.f('uq_parcels_number'))
    )
    with op.batch_alter_table('parcels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parcels_property_id'), ['property_id'], unique=False)
        batch_op.create_index('ix_parcels_property_status', ['property_id', 'status', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_parcels_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('uq_parcels_tracking_no', ['property_id', 'carrier', 'tracking_no'], unique=True, postgresql_where=sa.text("tracking_no <> ''"), sqlite_where=sa.text("tracking_no <> ''"))


def downgrade():
    with op.batch_alter_table('parcels', schema=None) as batch_op:
        batch_op.drop_index('uq_parcels_tracking_no', postgresql_where=sa.text("tracking_no <> ''"), sqlite_where=sa.text("tracking_no <> ''"))
        batch_op.drop_index(batch_op.f('ix_parcels_unit_id'))
        batch_op.drop_index('ix_parcels_property_status')
        batch_op.drop_index(batch_op.f('ix_parcels_property_id'))

    op.drop_table('parcels')
