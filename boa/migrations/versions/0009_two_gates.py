"""two gates: step-up, enrolment confirmation, e-mail changes; the user agreement watched

Revision ID: 0009
Revises: 0006
Create Date: 2026-11-29 21:36:14

A session remembers its last second-factor verification (factor changes need one from the last 10
minutes; existing sessions count from their start). A login challenge may belong to a session (a
step-up). An SMS token keeps its enrolment code until it is typed back. The activation page's
enrolment tickets and the e-mail changes waiting for confirmation get tables. On PostgreSQL the
user agreement versions are watched by the access cache (a new version changes the decision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types


revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('email_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False, start=1, increment=1), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('new_email', sa.String(length=320), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('used_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_changes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_changes')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_email_changes_token_hash'))
    )
    with op.batch_alter_table('email_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_changes_user_id'), ['user_id'], unique=False)

    op.create_table('enrolment_tickets',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False, start=1, increment=1), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ticket_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('used_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_enrolment_tickets_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_tickets')),
    sa.UniqueConstraint('ticket_hash', name=op.f('uq_enrolment_tickets_ticket_hash'))
    )
    with op.batch_alter_table('enrolment_tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_tickets_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('login_challenges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_login_challenges_session_id_sessions'), 'sessions', ['session_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
    op.execute("UPDATE sessions SET verified_at = created_at")

    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrol_code_hash', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('enrol_code_expires_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))

    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE TRIGGER boa_access_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON '
                   '"user_agreement_versions" FOR EACH STATEMENT EXECUTE FUNCTION boa_access_changed()')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS boa_access_changed ON "user_agreement_versions"')
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_column('enrol_code_expires_at')
        batch_op.drop_column('enrol_code_hash')

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('verified_at')

    with op.batch_alter_table('login_challenges', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_login_challenges_session_id_sessions'), type_='foreignkey')
        batch_op.drop_column('session_id')

    with op.batch_alter_table('enrolment_tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_tickets_user_id'))

    op.drop_table('enrolment_tickets')
    with op.batch_alter_table('email_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_changes_user_id'))

    op.drop_table('email_changes')
