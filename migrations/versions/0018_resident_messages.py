"""resident messages: parcels waiting and reminders, told at the desk or by an SMS provider

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 06:01:06.542799

One table for every message to a resident (blueprints/shared/messaging.py). Parcels still waiting that name
no recipient get the household's contact as theirs, as intake now does: the list's 收件人 was empty.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# The household's contact (tenant, then owner, then family; someone with a phone first), as
# blueprints/parcels/services.household_contact chooses.
BACKFILL_RECIPIENTS = """
UPDATE parcels SET recipient_name = (
    SELECT r.name FROM residents r WHERE r.unit_id = parcels.unit_id
    ORDER BY (r.phone = ''), CASE r.relation WHEN 'tenant' THEN 0 WHEN 'owner' THEN 1 ELSE 2 END, r.id LIMIT 1)
WHERE recipient_name = '' AND status = 'waiting'
  AND EXISTS (SELECT 1 FROM residents r WHERE r.unit_id = parcels.unit_id)
"""


def upgrade():
    op.create_table('resident_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('recipient_name', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('reason', sa.Enum('parcel_waiting', 'parcel_reminder', name='messagereason', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('subject_table', sa.String(length=50), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=False),
    sa.Column('queued_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'notified', 'sent', 'failed', 'cancelled', name='messagestatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('via', sa.Enum('phone', 'wechat', 'sms', name='notifiedvia', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status = 'pending') = (handled_at IS NULL)", name=op.f('ck_resident_messages_handled_when_handled')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_resident_messages_handled_by_id_users')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_resident_messages_property_id_properties')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_resident_messages_resident_id_residents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_resident_messages_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_messages')),
    sa.UniqueConstraint('subject_table', 'subject_id', 'reason', 'queued_on', name='uq_resident_messages_once_a_day')
    )
    with op.batch_alter_table('resident_messages', schema=None) as batch_op:
        batch_op.create_index('ix_resident_messages_open', ['property_id', 'status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_messages_property_id'), ['property_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_messages_unit_id'), ['unit_id'], unique=False)
    op.execute(BACKFILL_RECIPIENTS)


def downgrade():
    with op.batch_alter_table('resident_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_messages_unit_id'))
        batch_op.drop_index(batch_op.f('ix_resident_messages_property_id'))
        batch_op.drop_index('ix_resident_messages_open')

    op.drop_table('resident_messages')
    # The recipients filled in stay: they name the household's contact, as a clerk could have typed.
