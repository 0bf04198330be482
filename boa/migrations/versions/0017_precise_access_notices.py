"""precise access notices: a change notice names what changed

Revision ID: 0017_precise_access_notices
Revises: 0016
Create Date: 2026-11-30 03:40:00

The statement triggers of 0006 (and 0009) sent ``NOTIFY boa_access, '<table>'`` for any write to a
table the access decision reads, so every worker dropped its whole cache — also for a login's
TOTP counter. These triggers read the statement's transition tables and name the keys of the
rows whose watched columns changed (``u:<user>``, ``m:<user>:<project>``, ``p:<project>``,
``pn:<number>``, ``n:<IDENT>``, ``i:<institution>``, ``s:<institution>:<scheme>``,
``c:<client>``; ``*`` for everything), comma-separated; more than fits a notice (8000 bytes)
becomes ``*``. An update that changes none of a table's watched columns names nothing and sends
nothing. The keys are also gathered in the transaction's ``boa.access_keys`` setting, which a
committing BOA process reads for the machine's stamp (boa/kernel/access_cache.py). TRUNCATE
names everything. SQLite needs nothing (``PRAGMA data_version``; every write drops everything).
"""

from __future__ import annotations

import importlib

from alembic import op

revision = '0017_precise_access_notices'
down_revision = '0020_access_history'
branch_labels = None
depends_on = None

# boa.kernel.access_cache.WATCHED_COLUMNS when this revision was written (None: any column), and
# the keys each row names (``r`` is the row); tests/integration/test_access_cache.py checks that
# the columns agree with the code's.
COLUMNS: dict[str, tuple[str, ...] | None] = {
    'users': ('id', 'ident', 'active', 'pin_hash', 'staff_roles', 'user_agreement_version',
              'certification_expires_at'),
    'associations': ('user_id', 'state'),
    'institution_roles': ('user_id',),
    'tokens': ('user_id', 'state'),
    'projects': ('id', 'number', 'institution_id', 'scheme', 'kind', 'state', 'end_date', 'approved_at',
                 'closed_at', 'deleted'),
    'project_members': ('user_id', 'project_id', 'state'),
    'authority_schemes': ('id', 'project_id', 'agreement'),
    'authority_purposes': ('scheme_id', 'version', 'valid_from', 'valid_until'),
    'project_databases': ('institution_id', 'state', 'end_date', 'closed_at'),
    'locks': None,
    'service_clients': ('client_id', 'active'),
    'user_agreement_versions': None,
}
KEYS: dict[str, str] = {
    'users': "'u:' || r.id, 'n:' || r.ident",
    'associations': "'u:' || r.user_id",
    'institution_roles': "'u:' || r.user_id",
    'tokens': "'u:' || r.user_id",
    'projects': "'p:' || r.id, 'pn:' || r.number",
    'project_members': "'m:' || r.user_id || ':' || r.project_id",
    'authority_schemes': "'p:' || r.project_id",
    # A purpose whose scheme is gone (deleted with it): the scheme's own trigger names the project.
    'authority_purposes': "coalesce('p:' || (SELECT s.project_id FROM authority_schemes s WHERE s.id = r.scheme_id), '*')",
    'project_databases': "'s:' || r.institution_id || ':project_database'",
    'locks': ("'u:' || r.user_id, 'p:' || r.project_id, "
              "CASE WHEN r.scope = 'institution' THEN 'i:' || r.institution_id END, "
              "CASE WHEN r.scope = 'scheme' THEN 's:' || r.institution_id || ':' || r.scheme END"),
    'service_clients': "'c:' || r.client_id",
    'user_agreement_versions': "'*'",
}
EVENTS = {'insert': 'INSERT', 'update': 'UPDATE', 'delete': 'DELETE'}
REFERENCING = {'insert': 'NEW TABLE AS new_rows', 'update': 'OLD TABLE AS old_rows NEW TABLE AS new_rows',
               'delete': 'OLD TABLE AS old_rows'}

NOTIFY = """
    CREATE FUNCTION boa_access_notify(keys text) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        sofar text;
    BEGIN
        IF keys IS NULL OR keys = '' THEN
            RETURN;
        END IF;
        IF octet_length(keys) > 7900 THEN
            keys := '*';
        END IF;
        PERFORM pg_notify('boa_access', keys);
        sofar := coalesce(current_setting('boa.access_keys', true), '');
        IF sofar = '' THEN
            sofar := keys;
        ELSIF sofar = '*' OR keys = '*' OR octet_length(sofar) + octet_length(keys) > 7900 THEN
            sofar := '*';
        ELSE
            sofar := sofar || ',' || keys;
        END IF;
        PERFORM set_config('boa.access_keys', sofar, true);
    END $$
"""
EVERYTHING = """
    CREATE FUNCTION boa_access_everything() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM boa_access_notify('*');
        RETURN NULL;
    END $$
"""


def _function(table: str) -> str:
    keys, columns = KEYS[table], COLUMNS[table]
    gather = f"SELECT string_agg(DISTINCT k, ',') INTO keys FROM {{rows}}, unnest(ARRAY[{keys}]) AS k WHERE k IS NOT NULL"  # noqa: S608 - constants of this file
    if columns is None:
        changed = "SELECT n.* FROM new_rows n UNION ALL SELECT o.* FROM old_rows o"  # noqa: S608 - constants of this file
    else:
        old = ', '.join(f'o.{c}' for c in columns)
        new = ', '.join(f'n.{c}' for c in columns)
        pairs = f"old_rows o JOIN new_rows n ON n.id = o.id WHERE ROW({old}) IS DISTINCT FROM ROW({new})"
        changed = f"SELECT o.* FROM {pairs} UNION ALL SELECT n.* FROM {pairs}"  # noqa: S608 - constants of this file
    return f"""
        CREATE FUNCTION boa_access_keys_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            keys text;
        BEGIN
            IF TG_OP = 'INSERT' THEN
                {gather.format(rows='new_rows r')};
            ELSIF TG_OP = 'DELETE' THEN
                {gather.format(rows='old_rows r')};
            ELSE
                {gather.format(rows=f'({changed}) r')};
            END IF;
            PERFORM boa_access_notify(keys);
            RETURN NULL;
        END $$
    """


def _run(sql: str) -> None:
    """Sent as written (the keys' colons are no bind parameters)."""
    op.get_bind().exec_driver_sql(sql)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in COLUMNS:
        op.execute(f'DROP TRIGGER IF EXISTS boa_access_changed ON "{table}"')
    op.execute('DROP FUNCTION IF EXISTS boa_access_changed()')
    _run(NOTIFY)
    _run(EVERYTHING)
    for table in COLUMNS:
        _run(_function(table))
        for name, event in EVENTS.items():
            op.execute(f'CREATE TRIGGER boa_access_{name} AFTER {event} ON "{table}" REFERENCING {REFERENCING[name]} '
                       f'FOR EACH STATEMENT EXECUTE FUNCTION boa_access_keys_{table}()')
        op.execute(f'CREATE TRIGGER boa_access_truncate AFTER TRUNCATE ON "{table}" '
                   'FOR EACH STATEMENT EXECUTE FUNCTION boa_access_everything()')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in COLUMNS:
        for name in (*EVENTS, 'truncate'):
            op.execute(f'DROP TRIGGER IF EXISTS boa_access_{name} ON "{table}"')
        op.execute(f'DROP FUNCTION IF EXISTS boa_access_keys_{table}()')
    op.execute('DROP FUNCTION IF EXISTS boa_access_everything()')
    op.execute('DROP FUNCTION IF EXISTS boa_access_notify(text)')
    # Back to one notice naming the table: 0006's function and triggers, and 0009's on the agreements.
    importlib.import_module('boa.migrations.versions.0006_access_notices').upgrade()
    op.execute('CREATE TRIGGER boa_access_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON '
               '"user_agreement_versions" FOR EACH STATEMENT EXECUTE FUNCTION boa_access_changed()')
