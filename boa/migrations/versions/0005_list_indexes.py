"""list indexes: prefix search on users' names and e-mails, projects by contact person and owner

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 18:00:00

Measured with bench/lists.py: without them, GET /v1/users?q= and the projects a non-staff user
sees were scans whose time grew with the table (see docs/benchmarks.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_users_name_prefix', 'users', [sa.text('lower(name)')], unique=False,
                    postgresql_ops={'lower(name)': 'text_pattern_ops'})
    op.create_index('ix_users_email_prefix', 'users', [sa.text('lower(email)')], unique=False,
                    postgresql_ops={'lower(email)': 'text_pattern_ops'})
    if op.get_bind().dialect.name == 'postgresql':
        # Finer statistics on the prefixes: with the default 100 buckets a rare prefix next to a common
        # one (names and e-mails start with the same first names) was estimated at thousands of rows,
        # and the planner scanned the whole table in id order looking for 51 matches.
        op.execute('ALTER INDEX ix_users_name_prefix ALTER COLUMN 1 SET STATISTICS 1000')
        op.execute('ALTER INDEX ix_users_email_prefix ALTER COLUMN 1 SET STATISTICS 1000')
    op.create_index(op.f('ix_projects_contact_person_id'), 'projects', ['contact_person_id'], unique=False)
    op.create_index(op.f('ix_projects_owner_id'), 'projects', ['owner_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_projects_owner_id'), table_name='projects')
    op.drop_index(op.f('ix_projects_contact_person_id'), table_name='projects')
    op.drop_index('ix_users_email_prefix', table_name='users')
    op.drop_index('ix_users_name_prefix', table_name='users')
