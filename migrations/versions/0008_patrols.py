"""patrols

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 13:19:17.152122

Routes of checkpoints, their schedules, rounds, one result per checkpoint per round, and findings
linked to the tickets made from them.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('patrol_routes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('kind', sa.Enum('daily', 'fire', 'night', 'special', name='routekind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_patrol_routes_property_id_properties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_routes')),
    sa.UniqueConstraint('property_id', 'name', name=op.f('uq_patrol_routes_property_id_name'))
    )
    with op.batch_alter_table('patrol_routes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_routes_property_id'), ['property_id'], unique=False)

    op.create_table('patrol_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('floor', sa.String(length=10), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("code <> ''", name=op.f('ck_patrol_checkpoints_code_not_empty')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_patrol_checkpoints_building_id_buildings')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_patrol_checkpoints_property_id_properties')),
    sa.ForeignKeyConstraint(['route_id'], ['patrol_routes.id'], name=op.f('fk_patrol_checkpoints_route_id_patrol_routes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_checkpoints')),
    sa.UniqueConstraint('property_id', 'code', name=op.f('uq_patrol_checkpoints_property_id_code'))
    )
    with op.batch_alter_table('patrol_checkpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_checkpoints_property_id'), ['property_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_checkpoints_route_id'), ['route_id'], unique=False)

    op.create_table('patrol_schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.Time(), nullable=False),
    sa.Column('weekdays', sa.String(length=7), nullable=False),
    sa.Column('window_minutes', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("weekdays <> ''", name=op.f('ck_patrol_schedules_some_weekday')),
    sa.CheckConstraint('window_minutes BETWEEN 15 AND 720', name=op.f('ck_patrol_schedules_window_range')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_patrol_schedules_assignee_id_users')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_patrol_schedules_property_id_properties')),
    sa.ForeignKeyConstraint(['route_id'], ['patrol_routes.id'], name=op.f('fk_patrol_schedules_route_id_patrol_routes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_schedules')),
    sa.UniqueConstraint('route_id', 'at', name=op.f('uq_patrol_schedules_route_id_at'))
    )
    with op.batch_alter_table('patrol_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_schedules_property_id'), ['property_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_schedules_route_id'), ['route_id'], unique=False)

    op.create_table('patrol_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=True),
    sa.Column('scheduled_for', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_by', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('due', 'in_progress', 'done', 'missed', name='roundstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_by_id', sa.Integer(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'done') = (finished_at IS NOT NULL)", name=op.f('ck_patrol_rounds_finished_when_done')),
    sa.CheckConstraint("(status IN ('due', 'missed')) = (started_at IS NULL)", name=op.f('ck_patrol_rounds_started_when_started')),
    sa.CheckConstraint('scheduled_for < due_by', name=op.f('ck_patrol_rounds_window_order')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_patrol_rounds_assignee_id_users')),
    sa.ForeignKeyConstraint(['finished_by_id'], ['users.id'], name=op.f('fk_patrol_rounds_finished_by_id_users')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_patrol_rounds_property_id_properties')),
    sa.ForeignKeyConstraint(['route_id'], ['patrol_routes.id'], name=op.f('fk_patrol_rounds_route_id_patrol_routes')),
    sa.ForeignKeyConstraint(['schedule_id'], ['patrol_schedules.id'], name=op.f('fk_patrol_rounds_schedule_id_patrol_schedules')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_patrol_rounds_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_rounds')),
    sa.UniqueConstraint('number', name=op.f('uq_patrol_rounds_number')),
    sa.UniqueConstraint('route_id', 'scheduled_for', name=op.f('uq_patrol_rounds_route_id_scheduled_for'))
    )
    with op.batch_alter_table('patrol_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_rounds_property_id'), ['property_id'], unique=False)
        batch_op.create_index('ix_patrol_rounds_property_scheduled', ['property_id', 'scheduled_for'], unique=False)

    op.create_table('patrol_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('checkpoint_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('ok', 'abnormal', 'unresolved', 'skipped', name='outcome', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('skip_reason', sa.String(length=200), nullable=False),
    sa.Column('scanned', sa.Boolean(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("(outcome = 'skipped') = (skip_reason <> '')", name=op.f('ck_patrol_results_reason_when_skipped')),
    sa.CheckConstraint("outcome <> 'abnormal' OR note <> ''", name=op.f('ck_patrol_results_note_when_abnormal')),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['patrol_checkpoints.id'], name=op.f('fk_patrol_results_checkpoint_id_patrol_checkpoints')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_patrol_results_property_id_properties')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_patrol_results_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['patrol_rounds.id'], name=op.f('fk_patrol_results_round_id_patrol_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_results')),
    sa.UniqueConstraint('round_id', 'checkpoint_id', name=op.f('uq_patrol_results_round_id_checkpoint_id'))
    )
    with op.batch_alter_table('patrol_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_results_checkpoint_id'), ['checkpoint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_results_property_id'), ['property_id'], unique=False)

    op.create_table('patrol_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkpoint_id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='findingstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_round_id', sa.Integer(), nullable=True),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL AND closed_round_id IS NOT NULL)", name=op.f('ck_patrol_findings_closed_by_a_round')),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['patrol_checkpoints.id'], name=op.f('fk_patrol_findings_checkpoint_id_patrol_checkpoints')),
    sa.ForeignKeyConstraint(['closed_round_id'], ['patrol_rounds.id'], name=op.f('fk_patrol_findings_closed_round_id_patrol_rounds')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_patrol_findings_property_id_properties')),
    sa.ForeignKeyConstraint(['result_id'], ['patrol_results.id'], name=op.f('fk_patrol_findings_result_id_patrol_results')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_patrol_findings_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_findings')),
    sa.UniqueConstraint('result_id', name=op.f('uq_patrol_findings_result_id')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_patrol_findings_ticket_id'))
    )
    with op.batch_alter_table('patrol_findings', schema=None) as batch_op:
        batch_op.create_index('ix_patrol_findings_checkpoint_status', ['checkpoint_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_findings_property_id'), ['property_id'], unique=False)


def downgrade():
    with op.batch_alter_table('patrol_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_findings_property_id'))
        batch_op.drop_index('ix_patrol_findings_checkpoint_status')

    op.drop_table('patrol_findings')
    with op.batch_alter_table('patrol_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_results_property_id'))
        batch_op.drop_index(batch_op.f('ix_patrol_results_checkpoint_id'))

    op.drop_table('patrol_results')
    with op.batch_alter_table('patrol_rounds', schema=None) as batch_op:
        batch_op.drop_index('ix_patrol_rounds_property_scheduled')
        batch_op.drop_index(batch_op.f('ix_patrol_rounds_property_id'))

    op.drop_table('patrol_rounds')
    with op.batch_alter_table('patrol_schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_schedules_route_id'))
        batch_op.drop_index(batch_op.f('ix_patrol_schedules_property_id'))

    op.drop_table('patrol_schedules')
    with op.batch_alter_table('patrol_checkpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_checkpoints_route_id'))
        batch_op.drop_index(batch_op.f('ix_patrol_checkpoints_property_id'))

    op.drop_table('patrol_checkpoints')
    with op.batch_alter_table('patrol_routes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_routes_property_id'))

    op.drop_table('patrol_routes')
