"""scanning off the request: when a file's scan was claimed

Revision ID: 0016
Revises: 0012
Create Date: 2026-11-30 00:30:00

A file is stored and answered ``verifying``; a scanner claims it by setting ``scan_started_at``
(a claim older than the scan budget's lease is taken over: the scanner died).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types


revision = '0016'
down_revision = '0012'
branch_labels = None
depends_on = None


STATES_BEFORE = "state IN ('staged', 'rejected', 'transferred', 'deleted')"
STATES = "state IN ('verifying', 'staged', 'rejected', 'transferred', 'deleted')"
VERDICTS_BEFORE = "verdict IN ('clean', 'flagged', 'unverifiable', 'rejected')"
VERDICTS = "verdict IN ('pending', 'clean', 'flagged', 'unverifiable', 'rejected')"


def _checks(states: str, verdicts: str) -> None:
    with op.batch_alter_table('transfer_files', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_transfer_files_state'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_transfer_files_verdict'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_transfer_files_state'), sa.text(states))
        batch_op.create_check_constraint(batch_op.f('ck_transfer_files_verdict'), sa.text(verdicts))


def upgrade() -> None:
    with op.batch_alter_table('transfer_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scan_started_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
                                      nullable=True))
    _checks(STATES, VERDICTS)


def downgrade() -> None:
    _checks(STATES_BEFORE, VERDICTS_BEFORE)
    with op.batch_alter_table('transfer_files', schema=None) as batch_op:
        batch_op.drop_column('scan_started_at')
