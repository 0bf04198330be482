"""access history: every fact the access decision reads keeps its validity intervals

Revision ID: 0020_access_history
Revises: 0016
Create Date: 2026-11-30 03:40:00

One append-only table, ``fact_history``, holds for every row of the tables the decision's loaders
read (users, associations, institution roles, user agreement versions, tokens, projects, project
members, authority schemes and purposes, project databases, locks) the decision-relevant columns
as JSON with the interval they held (``valid_from``, ``valid_to``; open while current). Triggers
(SQLite and PostgreSQL) keep it: no code path can change a fact without its history. Their time is
``boa_now()``: BOA's clock (see ``boa.kernel.db.history_clock``).

The back-fill records today's rows as valid from this migration's moment: before it, nothing is
known (docs/decisions.md, "Access history").
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types


revision = '0020_access_history'
down_revision = '0021_commissioned_statistics'
branch_labels = None
depends_on = None

# Frozen here (a later change of what is kept is a new migration). Per table: the key columns the
# history is searched by (user, project, institution, label) and the JSON row's fields, as SQL
# over the row (``{r}`` is NEW or OLD). A PIN is kept only as whether one was set.
KEYS = ("user_id", "project_id", "institution_id", "label")
TRACKED: dict[str, tuple[tuple[str | None, ...], dict[str, str]]] = {
    "users": (("{r}.id", None, None, "{r}.ident"), {
        "ident": "{r}.ident", "active": "{r}.active", "activated": "({r}.pin_hash IS NOT NULL)",
        "staff_roles": "{json}({r}.staff_roles)", "user_agreement_version": "{r}.user_agreement_version",
        "certification_expires_at": "{r}.certification_expires_at"}),
    "associations": (("{r}.user_id", None, "{r}.institution_id", None), {
        "user_id": "{r}.user_id", "institution_id": "{r}.institution_id", "state": "{r}.state"}),
    "institution_roles": (("{r}.user_id", None, "{r}.institution_id", None), {
        "user_id": "{r}.user_id", "institution_id": "{r}.institution_id", "role": "{r}.role"}),
    "user_agreement_versions": ((None, None, None, None), {"version": "{r}.version"}),
    "tokens": (("{r}.user_id", None, None, None), {
        "user_id": "{r}.user_id", "kind": "{r}.kind", "state": "{r}.state"}),
    "projects": ((None, "{r}.id", "{r}.institution_id", "CAST({r}.number AS TEXT)"), {
        "number": "{r}.number", "institution_id": "{r}.institution_id", "scheme": "{r}.scheme",
        "kind": "{r}.kind", "state": "{r}.state", "end_date": "{r}.end_date", "approved_at": "{r}.approved_at",
        "closed_at": "{r}.closed_at", "deleted": "{r}.deleted"}),
    "project_members": (("{r}.user_id", "{r}.project_id", None, None), {
        "project_id": "{r}.project_id", "user_id": "{r}.user_id", "state": "{r}.state"}),
    "authority_schemes": ((None, "{r}.project_id", "{r}.institution_id", None), {
        "project_id": "{r}.project_id", "institution_id": "{r}.institution_id", "agreement": "{r}.agreement"}),
    "authority_purposes": ((None, None, None, "CAST({r}.scheme_id AS TEXT)"), {
        "scheme_id": "{r}.scheme_id", "version": "{r}.version", "valid_from": "{r}.valid_from",
        "valid_until": "{r}.valid_until"}),
    "project_databases": ((None, "{r}.main_project_id", "{r}.institution_id", None), {
        "institution_id": "{r}.institution_id", "main_project_id": "{r}.main_project_id", "state": "{r}.state",
        "end_date": "{r}.end_date", "closed_at": "{r}.closed_at"}),
    "locks": (("{r}.user_id", "{r}.project_id", "{r}.institution_id", "{r}.scheme"), {
        "case_id": "{r}.case_id", "scope": "{r}.scope", "user_id": "{r}.user_id", "project_id": "{r}.project_id",
        "institution_id": "{r}.institution_id", "scheme": "{r}.scheme", "starts_at": "{r}.starts_at",
        "ends_at": "{r}.ends_at", "open_end": "{r}.open_end", "lifted_at": "{r}.lifted_at"}),
}
DIALECT = {
    "sqlite": {"json": "json", "object": "json_object"},
    "postgresql": {"json": "", "object": "jsonb_build_object"},
}


def _expr(template: str | None, row: str, dialect: str) -> str:
    if template is None:
        return "NULL"
    return template.replace("{r}", row).replace("{json}", DIALECT[dialect]["json"])


def _row_json(table: str, row: str, dialect: str) -> str:
    fields = TRACKED[table][1]
    pairs = ", ".join(f"'{k}', {_expr(v, row, dialect)}" for k, v in fields.items())
    return f"{DIALECT[dialect]['object']}({pairs})"


def _insert(table: str, row: str, dialect: str) -> str:
    keys = ", ".join(_expr(k, row, dialect) for k in TRACKED[table][0])
    return ("INSERT INTO fact_history (table_name, row_id, user_id, project_id, institution_id, label, "  # noqa: S608 -- names from TRACKED above, no input
            f"row_data, valid_from) VALUES ('{table}', CAST({row}.id AS TEXT), {keys}, "
            f"{_row_json(table, row, dialect)}, boa_now());")


def _close(table: str) -> str:
    """Closes the row's open interval now (an UPDATE on PostgreSQL, where ``boa_now()`` is the
    transaction's one moment, so the next interval begins where this one ends; a DELETE)."""
    return (f"UPDATE fact_history SET valid_to = boa_now() WHERE table_name = '{table}' "  # noqa: S608 -- names from TRACKED above, no input
            "AND row_id = CAST(OLD.id AS TEXT) AND valid_to IS NULL;")


def _close_before_newest(table: str) -> str:
    """On SQLite (where ``boa_now()`` moves between calls): closes the row's earlier open interval
    at the moment its newest one began, so that no gap opens between them."""
    newest = f"FROM fact_history h WHERE h.table_name = '{table}' AND h.row_id = CAST(NEW.id AS TEXT)"
    return (f"UPDATE fact_history SET valid_to = (SELECT MAX(h.valid_from) {newest}) "  # noqa: S608 -- names from TRACKED above, no input
            f"WHERE table_name = '{table}' AND row_id = CAST(NEW.id AS TEXT) AND valid_to IS NULL "
            f"AND id < (SELECT MAX(h.id) {newest});")


def _sqlite_triggers(table: str) -> list[str]:
    changed = f"{_row_json(table, 'OLD', 'sqlite')} IS NOT {_row_json(table, 'NEW', 'sqlite')}"
    return [
        f"CREATE TRIGGER fact_history_{table}_insert AFTER INSERT ON {table} BEGIN "
        f"{_insert(table, 'NEW', 'sqlite')} END",
        f"CREATE TRIGGER fact_history_{table}_update AFTER UPDATE ON {table} WHEN {changed} BEGIN "
        f"{_insert(table, 'NEW', 'sqlite')} {_close_before_newest(table)} END",
        f"CREATE TRIGGER fact_history_{table}_delete AFTER DELETE ON {table} BEGIN {_close(table)} END",
    ]


def _postgresql_triggers(table: str) -> list[str]:
    changed = f"{_row_json(table, 'OLD', 'postgresql')} IS DISTINCT FROM {_row_json(table, 'NEW', 'postgresql')}"
    return [
        f"CREATE FUNCTION fact_history_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_close(table)} END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {_insert(table, 'NEW', 'postgresql')} END IF; "
        "RETURN NULL; END $$",
        f"CREATE TRIGGER fact_history_{table}_insert AFTER INSERT OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION fact_history_{table}()",
        f"CREATE TRIGGER fact_history_{table}_update AFTER UPDATE ON {table} FOR EACH ROW "
        f"WHEN ({changed}) EXECUTE FUNCTION fact_history_{table}()",
    ]


# BOA's clock on PostgreSQL: the transaction's time, moved as far as tests have moved BOA's clock.
PG_NOW = ("CREATE FUNCTION boa_now() RETURNS timestamptz LANGUAGE sql STABLE AS $$ SELECT now() + "
          "COALESCE(NULLIF(current_setting('boa.clock_offset', true), '')::interval, interval '0') $$")


def upgrade() -> None:
    op.create_table('fact_history',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False, start=1, increment=1), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('institution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('label', sa.String(length=40), nullable=True),
    sa.Column('row_data', sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('valid_from', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('valid_to', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fact_history'))
    )
    with op.batch_alter_table('fact_history', schema=None) as batch_op:
        batch_op.create_index('ix_fact_history_row', ['table_name', 'row_id', 'valid_to'], unique=False)
        batch_op.create_index('ix_fact_history_user', ['user_id', 'valid_from'], unique=False)
        batch_op.create_index('ix_fact_history_project', ['project_id', 'valid_from'], unique=False)
        batch_op.create_index('ix_fact_history_institution', ['institution_id', 'valid_from'], unique=False)
        batch_op.create_index('ix_fact_history_label', ['table_name', 'label'], unique=False)

    bind = op.get_bind()
    dialect = bind.dialect.name
    # The back-fill: today's rows, valid from now (what they were before is not known).
    moment = datetime.now(UTC)
    history = sa.table('fact_history', sa.column('valid_from', advanced_alchemy.types.datetime.DateTimeUTC()))
    for table in TRACKED:
        keys = ", ".join(_expr(k, table, dialect) for k in TRACKED[table][0])
        bind.execute(sa.text(
            "INSERT INTO fact_history (table_name, row_id, user_id, project_id, institution_id, label, row_data, "  # noqa: S608 -- names from TRACKED above, no input
            f"valid_from) SELECT '{table}', CAST({table}.id AS TEXT), {keys}, {_row_json(table, table, dialect)}, "
            f":moment FROM {table}").bindparams(sa.bindparam('moment', moment, type_=history.c.valid_from.type)))
    if dialect == "postgresql":
        op.execute(PG_NOW)
        for table in TRACKED:
            for statement in _postgresql_triggers(table):
                op.execute(statement)
    else:
        for table in TRACKED:
            for statement in _sqlite_triggers(table):
                op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TRACKED:
        op.execute(f"DROP TRIGGER IF EXISTS fact_history_{table}_insert" + (f" ON {table}" if dialect == "postgresql" else ""))
        op.execute(f"DROP TRIGGER IF EXISTS fact_history_{table}_update" + (f" ON {table}" if dialect == "postgresql" else ""))
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS fact_history_{table}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS fact_history_{table}_delete")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS boa_now()")
    op.drop_table('fact_history')
