"""access notices: PostgreSQL announces every change to what the access decision reads

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 20:30:00

A statement trigger on each table the access decision and the service clients' check read sends
``NOTIFY boa_access`` (delivered when the writing transaction commits); every worker's access
cache (boa/access_cache.py) listens and drops what it holds. SQLite needs nothing: the cache
watches ``PRAGMA data_version`` there.
"""

from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The tables of boa.kernel.access_cache.WATCHED_TABLES when this revision was written; a table added
# there later needs a migration of its own (tests/integration/test_access_cache.py checks).
TABLES = ('users', 'associations', 'institution_roles', 'tokens', 'projects', 'project_members',
          'authority_schemes', 'authority_purposes', 'project_databases', 'locks', 'service_clients')


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("""
        CREATE FUNCTION boa_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('boa_access', TG_TABLE_NAME);
            RETURN NULL;
        END $$
    """)
    for table in TABLES:
        op.execute(f'CREATE TRIGGER boa_access_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                   'FOR EACH STATEMENT EXECUTE FUNCTION boa_access_changed()')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS boa_access_changed ON "{table}"')
    op.execute('DROP FUNCTION IF EXISTS boa_access_changed()')
