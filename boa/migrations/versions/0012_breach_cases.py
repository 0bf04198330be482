"""breach cases as the seeds run them: disclosure control, adequacy first, the Director General

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 00:15:00

A case is prepared by Research Services (``prepared``) before the Director General decides it;
a disclosure-control breach is recorded as ``guidance`` (its report ``not_required``), counted and
flagged per institution; the report and plan keep the standard template's fields; a reviewed file
may be a ``disclosure_control`` breach. The check constraints widen; the new columns are nullable
or default false, so every existing case keeps its meaning.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

KINDS_OLD = "kind IN ('microdata_transfer', 'credential_sharing', 'screen_capture', 'other')"
KINDS_NEW = "kind IN ('microdata_transfer', 'credential_sharing', 'screen_capture', 'other', 'disclosure_control')"
STATES_OLD = "state IN ('open', 'decided', 'dismissed')"
STATES_NEW = "state IN ('open', 'prepared', 'decided', 'dismissed', 'guidance')"
REPORT_OLD = "report_state IN ('requested', 'submitted', 'adequate', 'returned')"
REPORT_NEW = "report_state IN ('requested', 'submitted', 'adequate', 'returned', 'not_required')"
REVIEW_OLD = "review_state IS NULL OR review_state IN ('pending', 'ok', 'suspected_breach')"
REVIEW_NEW = "review_state IS NULL OR review_state IN ('pending', 'ok', 'suspected_breach', 'disclosure_control')"


def _checks(kinds: str, states: str, report: str, review: str) -> None:
    with op.batch_alter_table('breach_cases', schema=None) as batch_op:
        for name, check in (('breach_kind', kinds), ('breach_state', states), ('breach_report_state', report)):
            batch_op.drop_constraint(batch_op.f(f'ck_breach_cases_{name}'), type_='check')
            batch_op.create_check_constraint(batch_op.f(f'ck_breach_cases_{name}'), check)
    with op.batch_alter_table('transfer_files', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_transfer_files_review_state'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_transfer_files_review_state'), review)


def upgrade() -> None:
    op.create_table('breach_attachments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False, start=1, increment=1), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('uploaded_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('uploaded_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['breach_cases.id'], name=op.f('fk_breach_attachments_case_id_breach_cases')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_breach_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breach_attachments'))
    )
    with op.batch_alter_table('breach_attachments', schema=None) as batch_op:
        batch_op.create_index('ix_breach_attachments_case', ['case_id'], unique=False)
    with op.batch_alter_table('breach_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_fields', sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), 'postgresql'), nullable=True))
        batch_op.add_column(sa.Column('prepared_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('prepared_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('preparation', sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), 'postgresql'), nullable=True))
        batch_op.add_column(sa.Column('occurrence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('flagged', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f('fk_breach_cases_prepared_by_id_users'), 'users', ['prepared_by_id'], ['id'])
    _checks(KINDS_NEW, STATES_NEW, REPORT_NEW, REVIEW_NEW)


def downgrade() -> None:
    with op.batch_alter_table('breach_attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_breach_attachments_case')
    op.drop_table('breach_attachments')
    op.execute("DELETE FROM breach_cases WHERE kind = 'disclosure_control'")
    op.execute("UPDATE breach_cases SET state = 'open' WHERE state = 'prepared'")
    op.execute("UPDATE transfer_files SET review_state = 'ok' WHERE review_state = 'disclosure_control'")
    _checks(KINDS_OLD, STATES_OLD, REPORT_OLD, REVIEW_OLD)
    with op.batch_alter_table('breach_cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_breach_cases_prepared_by_id_users'), type_='foreignkey')
        batch_op.drop_column('flagged')
        batch_op.drop_column('occurrence')
        batch_op.drop_column('preparation')
        batch_op.drop_column('prepared_by_id')
        batch_op.drop_column('prepared_at')
        batch_op.drop_column('report_fields')
