"""fact_history at scale: an index on valid_from; the key indexes also by table

Revision ID: 0022_fact_history_valid_from
Revises: 0017_precise_access_notices
Create Date: 2026-11-30 07:00:00

Measured on ten years of history for 1,000,000 users and 100,000 projects (16M rows, issue 21
item 6, docs/benchmarks.md):

* Where the history starts (``min(valid_from)``) is asked by every replay and three times by every
  timeline. Without an index on ``valid_from`` PostgreSQL read the whole table: 7.4 s; with it,
  0.2 ms.
* The as-of loader asks for a person's rows of some tables (``user_id IN (...) AND table_name IN
  (...)``), and so for a project's and an institution's. With ``table_name`` not in the key index,
  PostgreSQL ANDed the user index with the (table_name, label) index, reading 5M entries of it:
  0.6 s for a project with 200 people. The user, project and institution indexes now hold the
  table name after the key: (key, table_name, valid_from).
"""

from __future__ import annotations

from alembic import op

revision = '0022_fact_history_valid_from'
down_revision = '0017_precise_access_notices'
branch_labels = None
depends_on = None

KEYS = {'ix_fact_history_user': 'user_id', 'ix_fact_history_project': 'project_id',
        'ix_fact_history_institution': 'institution_id'}


def upgrade() -> None:
    with op.batch_alter_table('fact_history', schema=None) as batch_op:
        batch_op.create_index('ix_fact_history_valid_from', ['valid_from'], unique=False)
        for name, key in KEYS.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, [key, 'table_name', 'valid_from'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('fact_history', schema=None) as batch_op:
        for name, key in KEYS.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, [key, 'valid_from'], unique=False)
        batch_op.drop_index('ix_fact_history_valid_from')
