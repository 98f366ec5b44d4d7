"""key custody (钥匙管理)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 02:03:36.908736

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('key_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_key_counts_property_id_properties')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_key_counts_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_counts')),
    sa.UniqueConstraint('number', name=op.f('uq_key_counts_number'))
    )
    with op.batch_alter_table('key_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_counts_property_id'), ['property_id'], unique=False)

    op.create_table('key_count_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('count_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=20), nullable=False),
    sa.Column('hook', sa.String(length=20), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['count_id'], ['key_counts.id'], name=op.f('fk_key_count_items_count_id_key_counts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_count_items')),
    sa.UniqueConstraint('count_id', 'tag', name='uq_key_count_items_tag')
    )
    with op.batch_alter_table('key_count_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_count_items_count_id'), ['count_id'], unique=False)

    op.create_table('keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=20), nullable=False),
    sa.Column('key_class', sa.Enum('public', 'plant', 'fire', 'entrusted', 'vehicle', 'other', name='keyclass', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('opens', sa.String(length=100), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('floor', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('cabinet', sa.String(length=20), nullable=False),
    sa.Column('hook', sa.String(length=20), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'lost', 'retired', name='keystatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("key_class <> 'entrusted' OR unit_id IS NOT NULL", name=op.f('ck_keys_entrusted_has_unit')),
    sa.CheckConstraint('copies >= 1', name=op.f('ck_keys_copies_positive')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_keys_building_id_buildings')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_keys_property_id_properties')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_keys_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_keys')),
    sa.UniqueConstraint('property_id', 'tag', name='uq_keys_property_tag')
    )
    with op.batch_alter_table('keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keys_property_id'), ['property_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_keys_unit_id'), ['unit_id'], unique=False)

    op.create_table('key_authorisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('owner_name', sa.String(length=50), nullable=False),
    sa.Column('persons', sa.String(length=300), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('signature_attachment_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['key_id'], ['keys.id'], name=op.f('fk_key_authorisations_key_id_keys')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_key_authorisations_property_id_properties')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_key_authorisations_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['signature_attachment_id'], ['attachments.id'], name=op.f('fk_key_authorisations_signature_attachment_id_attachments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_authorisations'))
    )
    with op.batch_alter_table('key_authorisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_authorisations_key_id'), ['key_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_authorisations_property_id'), ['property_id'], unique=False)

    op.create_table('key_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'refused', 'issued', 'cancelled', name='requeststatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('borrower_kind', sa.Enum('staff', 'contractor', 'authorised', name='borrowerkind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('borrower_name', sa.String(length=50), nullable=False),
    sa.Column('company', sa.String(length=100), nullable=False),
    sa.Column('id_type', sa.Enum('resident_id', 'passport', 'other', 'none', name='idtype', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('id_number', sa.String(length=40), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('expected_return_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('shift_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['key_id'], ['keys.id'], name=op.f('fk_key_requests_key_id_keys')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_key_requests_property_id_properties')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_key_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_requests'))
    )
    with op.batch_alter_table('key_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_requests_key_id'), ['key_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_requests_property_id'), ['property_id'], unique=False)

    op.create_table('key_loans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('authorisation_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.Column('signature_attachment_id', sa.Integer(), nullable=True),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_by_name', sa.String(length=50), nullable=False),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('return_signature_attachment_id', sa.Integer(), nullable=True),
    sa.Column('overdue_notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('borrower_kind', sa.Enum('staff', 'contractor', 'authorised', name='borrowerkind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('borrower_name', sa.String(length=50), nullable=False),
    sa.Column('company', sa.String(length=100), nullable=False),
    sa.Column('id_type', sa.Enum('resident_id', 'passport', 'other', 'none', name='idtype', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('id_number', sa.String(length=40), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('expected_return_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('shift_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('returned_at IS NULL OR return_signature_attachment_id IS NOT NULL', name=op.f('ck_key_loans_returned_signed')),
    sa.ForeignKeyConstraint(['authorisation_id'], ['key_authorisations.id'], name=op.f('fk_key_loans_authorisation_id_key_authorisations')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_key_loans_issued_by_id_users')),
    sa.ForeignKeyConstraint(['key_id'], ['keys.id'], name=op.f('fk_key_loans_key_id_keys')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_key_loans_property_id_properties')),
    sa.ForeignKeyConstraint(['received_by_id'], ['users.id'], name=op.f('fk_key_loans_received_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['key_requests.id'], name=op.f('fk_key_loans_request_id_key_requests')),
    sa.ForeignKeyConstraint(['return_signature_attachment_id'], ['attachments.id'], name=op.f('fk_key_loans_return_signature_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['signature_attachment_id'], ['attachments.id'], name=op.f('fk_key_loans_signature_attachment_id_attachments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_loans')),
    sa.UniqueConstraint('number', name=op.f('uq_key_loans_number'))
    )
    with op.batch_alter_table('key_loans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_loans_key_id'), ['key_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_loans_property_id'), ['property_id'], unique=False)
        batch_op.create_index('ix_key_loans_property_issued', ['property_id', 'issued_at'], unique=False)
        batch_op.create_index('uq_key_loans_one_open', ['key_id'], unique=True, postgresql_where=sa.text('returned_at IS NULL'), sqlite_where=sa.text('returned_at IS NULL'))



def downgrade():
    with op.batch_alter_table('key_loans', schema=None) as batch_op:
        batch_op.drop_index('uq_key_loans_one_open', postgresql_where=sa.text('returned_at IS NULL'), sqlite_where=sa.text('returned_at IS NULL'))
        batch_op.drop_index('ix_key_loans_property_issued')
        batch_op.drop_index(batch_op.f('ix_key_loans_property_id'))
        batch_op.drop_index(batch_op.f('ix_key_loans_key_id'))

    op.drop_table('key_loans')
    with op.batch_alter_table('key_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_requests_property_id'))
        batch_op.drop_index(batch_op.f('ix_key_requests_key_id'))

    op.drop_table('key_requests')
    with op.batch_alter_table('key_authorisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_authorisations_property_id'))
        batch_op.drop_index(batch_op.f('ix_key_authorisations_key_id'))

    op.drop_table('key_authorisations')
    with op.batch_alter_table('keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_keys_unit_id'))
        batch_op.drop_index(batch_op.f('ix_keys_property_id'))

    op.drop_table('keys')
    with op.batch_alter_table('key_count_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_count_items_count_id'))

    op.drop_table('key_count_items')
    with op.batch_alter_table('key_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_counts_property_id'))

    op.drop_table('key_counts')
