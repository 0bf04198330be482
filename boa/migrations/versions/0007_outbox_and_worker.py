"""outbox and worker: the outbox of mails, the reminders sent, procrastinate's schema on PostgreSQL

Revision ID: 0007
Revises: 0008
Create Date: 2026-11-29 21:55:29

Mail is a row of ``outbox_mails`` written in the transaction of the change that causes it and
delivered by the worker; ``sent_reminders`` records each reminder by its key, so it is sent once.
A physical token remembers when it was shipped (its reminder 30 days later; a token already
shipped takes its last change) and a breach case when it was registered (the report is overdue 14
days later; existing cases take their creation time).
On PostgreSQL, procrastinate's tables and functions (the job queue ``boa worker`` runs), from
the copy of procrastinate 3.10.0's schema in ``boa/migrations/sql``.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types
from sqlalchemy.util import await_


revision = '0007'
down_revision = '0008'
branch_labels = None
depends_on = None

PROCRASTINATE_SCHEMA = Path(__file__).resolve().parents[1] / 'sql' / 'procrastinate_3.10.0.sql'


def _run_script(sql: str) -> None:
    """A script of many statements (functions with $$ bodies) in the migration's transaction, through
    the driver's simple query protocol."""
    op.execute('SELECT 1')  # the driver's transaction has begun
    await_(op.get_bind().connection.driver_connection.execute(sql))


def upgrade() -> None:
    op.create_table('outbox_mails',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False, start=1, increment=1), nullable=False),
    sa.Column('message_id', sa.String(length=250), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=998), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('template', sa.String(length=100), nullable=False),
    sa.Column('written_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('lease_until', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('sent_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_outbox_mails_outbox_mail_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_mails')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_mails_message_id'))
    )
    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_mails_due', ['state', 'next_attempt_at'], unique=False)

    op.create_table('sent_reminders',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False, start=1, increment=1), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('sent_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_reminders')),
    sa.UniqueConstraint('key', name=op.f('uq_sent_reminders_key'))
    )
    with op.batch_alter_table('breach_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
    op.execute('UPDATE breach_cases SET registered_at = created_at')
    with op.batch_alter_table('breach_cases', schema=None) as batch_op:
        batch_op.alter_column('registered_at', existing_type=advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
                              nullable=False)

    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipped_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
    # A token shipped before this revision: its last change is the best guess of when.
    op.execute("UPDATE tokens SET shipped_at = updated_at WHERE state = 'shipped'")

    if op.get_bind().dialect.name == 'postgresql':
        _run_script(PROCRASTINATE_SCHEMA.read_text(encoding='utf-8'))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _run_script("""
            DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
                procrastinate_workers CASCADE;
            DO $$
            DECLARE f regprocedure;
            BEGIN
                FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                         WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\\_%' LOOP
                    EXECUTE 'DROP FUNCTION ' || f || ' CASCADE';
                END LOOP;
            END $$;
            DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type, procrastinate_job_status;
        """)
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_column('shipped_at')

    with op.batch_alter_table('breach_cases', schema=None) as batch_op:
        batch_op.drop_column('registered_at')

    op.drop_table('sent_reminders')
    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_mails_due')

    op.drop_table('outbox_mails')
