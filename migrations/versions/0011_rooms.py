"""rooms

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:29:41.373293

Meeting rooms (会议室) and meeting service (会务接待): rooms, bookings as series of occurrences, the
service work orders with their steps, rounds and tea sheet.

No two active occurrences may block the same room at once: on PostgreSQL an exclusion constraint over
(room, [blocked_from, blocked_until)) (btree_gist gives the integer column its GiST operators); on
SQLite two triggers refuse the insert or update that would overlap. SQLite loses triggers when a batch
migration copies the table: a later migration that alters room_occurrences in batch mode must create
them again (tests/rooms/test_constraints.py fails otherwise).
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

BLOCKING = "('pending', 'confirmed', 'in_use', 'closed')"
OVERLAP = (
    "SELECT RAISE(ABORT, 'ex_room_occurrences_no_overlap: the room is already booked then') WHERE EXISTS ("
    "SELECT 1 FROM room_occurrences o WHERE o.room_id = NEW.room_id AND o.id IS NOT NEW.id "
    f"AND o.status IN {BLOCKING} AND o.blocked_from < NEW.blocked_until AND o.blocked_until > NEW.blocked_from);"
)


def _forbid_overlaps():
    if op.get_bind().dialect.name == 'postgresql':
        # btree_gist is a trusted extension (PostgreSQL 13+): a superuser or the database owner may create it.
        op.execute('CREATE EXTENSION IF NOT EXISTS btree_gist')
        op.execute(
            'ALTER TABLE room_occurrences ADD CONSTRAINT ex_room_occurrences_no_overlap EXCLUDE USING gist '
            f'(room_id WITH =, tstzrange(blocked_from, blocked_until) WITH &&) WHERE (status IN {BLOCKING})'
        )
        return
    # SQLite stores the times as text of one format, so comparing them as text compares the instants.
    op.execute(
        'CREATE TRIGGER trg_room_occurrences_no_overlap_insert BEFORE INSERT ON room_occurrences '
        f'WHEN NEW.status IN {BLOCKING} BEGIN {OVERLAP} END'
    )
    op.execute(
        'CREATE TRIGGER trg_room_occurrences_no_overlap_update '
        'BEFORE UPDATE OF status, room_id, blocked_from, blocked_until ON room_occurrences '
        f'WHEN NEW.status IN {BLOCKING} BEGIN {OVERLAP} END'
    )


def upgrade():
    op.create_table('rooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('floor', sa.String(length=10), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('equipment', sa.JSON(), nullable=False),
    sa.Column('opens_at', sa.Time(), nullable=False),
    sa.Column('closes_at', sa.Time(), nullable=False),
    sa.Column('open_days', sa.String(length=7), nullable=False),
    sa.Column('bookers', sa.JSON(), nullable=False),
    sa.Column('needs_approval', sa.Boolean(), nullable=False),
    sa.Column('setup_minutes', sa.Integer(), nullable=False),
    sa.Column('cleanup_minutes', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("open_days <> ''", name=op.f('ck_rooms_some_weekday')),
    sa.CheckConstraint('capacity BETWEEN 1 AND 2000', name=op.f('ck_rooms_capacity_range')),
    sa.CheckConstraint('cleanup_minutes BETWEEN 0 AND 240', name=op.f('ck_rooms_cleanup_range')),
    sa.CheckConstraint('opens_at < closes_at', name=op.f('ck_rooms_hours_order')),
    sa.CheckConstraint('setup_minutes BETWEEN 0 AND 240', name=op.f('ck_rooms_setup_range')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_rooms_building_id_buildings')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_rooms_property_id_properties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rooms')),
    sa.UniqueConstraint('property_id', 'name', name=op.f('uq_rooms_property_id_name'))
    )
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rooms_property_id'), ['property_id'], unique=False)

    op.create_table('room_bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('organiser_kind', sa.Enum('company', 'resident', 'staff', name='organiserkind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('company', sa.String(length=100), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('contact_name', sa.String(length=50), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('attendees', sa.Integer(), nullable=False),
    sa.Column('repeat', sa.Enum('none', 'daily', 'weekly', 'monthly', name='repeat', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('repeat_until', sa.Date(), nullable=True),
    sa.Column('layout', sa.Enum('boardroom', 'classroom', 'theatre', 'u_shape', 'banquet', 'as_is', name='layout', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('equipment', sa.JSON(), nullable=False),
    sa.Column('services', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('capacity_reason', sa.String(length=200), nullable=False),
    sa.Column('capacity_override_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'confirmed', 'refused', 'cancelled', name='bookingstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=200), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(organiser_kind = 'staff') = (staff_id IS NOT NULL)", name=op.f('ck_room_bookings_staff_organiser')),
    sa.CheckConstraint("(repeat = 'none') = (repeat_until IS NULL)", name=op.f('ck_room_bookings_repeat_has_end')),
    sa.CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name=op.f('ck_room_bookings_cancelled_when_cancelled')),
    sa.CheckConstraint("capacity_override_by_id IS NULL OR capacity_reason <> ''", name=op.f('ck_room_bookings_override_has_reason')),
    sa.CheckConstraint("organiser_kind = 'staff' OR unit_id IS NOT NULL", name=op.f('ck_room_bookings_unit_organiser')),
    sa.CheckConstraint('attendees BETWEEN 1 AND 2000', name=op.f('ck_room_bookings_attendees_range')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_room_bookings_cancelled_by_id_users')),
    sa.ForeignKeyConstraint(['capacity_override_by_id'], ['users.id'], name=op.f('fk_room_bookings_capacity_override_by_id_users')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_room_bookings_property_id_properties')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_room_bookings_requested_by_id_users')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_room_bookings_resident_id_residents')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_room_bookings_room_id_rooms')),
    sa.ForeignKeyConstraint(['staff_id'], ['users.id'], name=op.f('fk_room_bookings_staff_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_room_bookings_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_bookings')),
    sa.UniqueConstraint('number', name=op.f('uq_room_bookings_number'))
    )
    with op.batch_alter_table('room_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_bookings_property_id'), ['property_id'], unique=False)
        batch_op.create_index('ix_room_bookings_property_status', ['property_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_room_bookings_room_id'), ['room_id'], unique=False)

    op.create_table('room_occurrences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'confirmed', 'in_use', 'closed', 'released', 'cancelled', 'refused', 'skipped', 'lapsed', name='occurrencestatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'released') = (released_at IS NOT NULL)", name=op.f('ck_room_occurrences_released_when_released')),
    sa.CheckConstraint("status NOT IN ('in_use', 'closed') OR checked_in_at IS NOT NULL", name=op.f('ck_room_occurrences_checked_in')),
    sa.CheckConstraint('blocked_from <= starts_at AND blocked_until >= ends_at', name=op.f('ck_room_occurrences_buffers_around')),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_room_occurrences_times_order')),
    sa.ForeignKeyConstraint(['booking_id'], ['room_bookings.id'], name=op.f('fk_room_occurrences_booking_id_room_bookings')),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_room_occurrences_checked_in_by_id_users')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_room_occurrences_property_id_properties')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_room_occurrences_room_id_rooms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_occurrences'))
    )
    with op.batch_alter_table('room_occurrences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_occurrences_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_room_occurrences_property_id'), ['property_id'], unique=False)
        batch_op.create_index('ix_room_occurrences_property_starts', ['property_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_room_occurrences_room_blocked', ['room_id', 'blocked_from'], unique=False)
    _forbid_overlaps()

    op.create_table('room_work_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'in_service', 'closed', 'cancelled', name='workorderstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('cleaning_ticket_id', sa.Integer(), nullable=True),
    sa.Column('damage', sa.String(length=500), nullable=False),
    sa.Column('cleaned_after', sa.Boolean(), nullable=False),
    sa.Column('record', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name=op.f('ck_room_work_orders_closed_when_closed')),
    sa.ForeignKeyConstraint(['cleaning_ticket_id'], ['tickets.id'], name=op.f('fk_room_work_orders_cleaning_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_room_work_orders_closed_by_id_users')),
    sa.ForeignKeyConstraint(['occurrence_id'], ['room_occurrences.id'], name=op.f('fk_room_work_orders_occurrence_id_room_occurrences')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_room_work_orders_property_id_properties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_work_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_room_work_orders_number')),
    sa.UniqueConstraint('occurrence_id', name=op.f('uq_room_work_orders_occurrence_id'))
    )
    with op.batch_alter_table('room_work_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_work_orders_property_id'), ['property_id'], unique=False)
        batch_op.create_index('ix_room_work_orders_property_status', ['property_id', 'status'], unique=False)

    op.create_table('room_crockery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=False),
    sa.Column('vessel', sa.Enum('cup', 'glass', 'plate', 'towel_tray', 'ashtray', name='vessel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('issued', sa.Integer(), nullable=False),
    sa.Column('returned', sa.Integer(), nullable=False),
    sa.CheckConstraint('issued BETWEEN 0 AND 9999', name=op.f('ck_room_crockery_issued_range')),
    sa.CheckConstraint('returned BETWEEN 0 AND issued', name=op.f('ck_room_crockery_returned_not_more_than_issued')),
    sa.ForeignKeyConstraint(['work_order_id'], ['room_work_orders.id'], name=op.f('fk_room_crockery_work_order_id_room_work_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_crockery')),
    sa.UniqueConstraint('work_order_id', 'vessel', name=op.f('uq_room_crockery_work_order_id_vessel'))
    )
    op.create_table('room_served_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.Enum('tea', 'water', 'fruit', 'towel', name='serviceitem', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity BETWEEN 0 AND 9999', name=op.f('ck_room_served_items_quantity_range')),
    sa.ForeignKeyConstraint(['work_order_id'], ['room_work_orders.id'], name=op.f('fk_room_served_items_work_order_id_room_work_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_served_items')),
    sa.UniqueConstraint('work_order_id', 'item', name=op.f('uq_room_served_items_work_order_id_item'))
    )
    op.create_table('room_service_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint('n >= 1', name=op.f('ck_room_service_rounds_n_positive')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_room_service_rounds_done_by_id_users')),
    sa.ForeignKeyConstraint(['work_order_id'], ['room_work_orders.id'], name=op.f('fk_room_service_rounds_work_order_id_room_work_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_service_rounds')),
    sa.UniqueConstraint('work_order_id', 'n', name=op.f('uq_room_service_rounds_work_order_id_n'))
    )
    op.create_table('room_work_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('open', 'clean', 'set_up', 'tea', 'clear', name='step', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_room_work_steps_done_by_id_users')),
    sa.ForeignKeyConstraint(['work_order_id'], ['room_work_orders.id'], name=op.f('fk_room_work_steps_work_order_id_room_work_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_work_steps')),
    sa.UniqueConstraint('work_order_id', 'step', name=op.f('uq_room_work_steps_work_order_id_step'))
    )


def downgrade():
    op.drop_table('room_work_steps')
    op.drop_table('room_service_rounds')
    op.drop_table('room_served_items')
    op.drop_table('room_crockery')
    with op.batch_alter_table('room_work_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_room_work_orders_property_status')
        batch_op.drop_index(batch_op.f('ix_room_work_orders_property_id'))

    op.drop_table('room_work_orders')
    if op.get_bind().dialect.name != 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS trg_room_occurrences_no_overlap_update')
        op.execute('DROP TRIGGER IF EXISTS trg_room_occurrences_no_overlap_insert')
    with op.batch_alter_table('room_occurrences', schema=None) as batch_op:
        batch_op.drop_index('ix_room_occurrences_room_blocked')
        batch_op.drop_index('ix_room_occurrences_property_starts')
        batch_op.drop_index(batch_op.f('ix_room_occurrences_property_id'))
        batch_op.drop_index(batch_op.f('ix_room_occurrences_booking_id'))

    op.drop_table('room_occurrences')
    with op.batch_alter_table('room_bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_bookings_room_id'))
        batch_op.drop_index('ix_room_bookings_property_status')
        batch_op.drop_index(batch_op.f('ix_room_bookings_property_id'))

    op.drop_table('room_bookings')
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rooms_property_id'))

    op.drop_table('rooms')
