"""project databases that change; the authority scheme without a fixed period (issue 16, items 4-5)

Revision ID: 0019_project_dbs_that_change
Revises: 0016
Create Date: 2026-11-30 03:40:00

A project database: its dataset versions (every addition, narrowing and move to a sub-project's
own order), its responsible person at Research Services and the office's assessment of overlap
and portfolio growth. Each existing project database gets version 1 (``created``) with the
datasets it has.

The authority scheme: the agreement's state (draft, signed, active, terminated) with its times;
the changed needs the authority tells the office; tailored deliveries against a purpose version.
The one-year period is gone: ``valid_until`` may be empty and this migration clears the ends the
old rule set, so every existing scheme stays open; existing schemes were in force, so their
agreement is ``active`` (signed and activated when they were created).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types
from sqlalchemy.dialects import postgresql


revision = '0019_project_dbs_that_change'  # alembic_version holds 32 characters
down_revision = '0016'
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                     sa.Identity(always=False, start=1, increment=1), nullable=False)


def _fk(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False)


def _times() -> list[sa.Column]:
    return [sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
            sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False)]


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def _when() -> sa.Column:
    return advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('project_databases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('responsible_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('overlap_assessment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('growth_assessment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('assessed_at', _when(), nullable=True))
        batch_op.add_column(sa.Column('assessed_by', sa.String(length=100), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_project_databases_responsible_id_users'), 'users',
                                    ['responsible_id'], ['id'])

    op.create_table('project_database_dataset_versions',
    _id(),
    _fk('project_database_id'),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change', sa.String(length=20), nullable=False),
    sa.Column('datasets', _json(), nullable=False),
    sa.Column('added', _json(), nullable=False),
    sa.Column('removed', _json(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('sub_project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('changed_by', sa.String(length=100), nullable=False),
    *_times(),
    sa.CheckConstraint("change IN ('created', 'added', 'narrowed', 'moved')",
                       name=op.f('ck_project_database_dataset_versions_dataset_version_change')),
    sa.ForeignKeyConstraint(['project_database_id'], ['project_databases.id'],
                            name=op.f('fk_project_database_dataset_versions_project_database_id_project_databases')),
    sa.ForeignKeyConstraint(['sub_project_id'], ['projects.id'],
                            name=op.f('fk_project_database_dataset_versions_sub_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_database_dataset_versions')),
    sa.UniqueConstraint('project_database_id', 'version', name='uq_project_database_dataset_versions_version')
    )
    with op.batch_alter_table('project_database_dataset_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_database_dataset_versions_project_database_id'),
                              ['project_database_id'], unique=False)
    insert = ("INSERT INTO project_database_dataset_versions (project_database_id, version, change, datasets, "
              "added, removed, reason, changed_by, created_at, updated_at) SELECT id, 1, 'created', datasets, "
              "datasets, %s, '', 'migration 0019', created_at, created_at FROM project_databases")
    empty = "'[]'::jsonb" if op.get_bind().dialect.name == 'postgresql' else "'[]'"
    op.execute(sa.text(insert % empty))

    with op.batch_alter_table('authority_schemes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreement', sa.String(length=20), server_default='draft', nullable=False))
        batch_op.add_column(sa.Column('signed_at', _when(), nullable=True))
        batch_op.add_column(sa.Column('activated_at', _when(), nullable=True))
        batch_op.add_column(sa.Column('terminated_at', _when(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_authority_schemes_agreement_state'),
                                         sa.text("agreement IN ('draft', 'signed', 'active', 'terminated')"))
    # The existing schemes were in force: their agreement is active, signed when they were made.
    op.execute("UPDATE authority_schemes SET agreement = 'active', signed_at = created_at, activated_at = created_at")

    with op.batch_alter_table('authority_purposes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_authority_purposes_purpose_period'), type_='check')
        batch_op.alter_column('valid_until', existing_type=sa.Date(), nullable=True)
        batch_op.create_check_constraint(batch_op.f('ck_authority_purposes_purpose_period'),
                                         sa.text('valid_until IS NULL OR valid_until > valid_from'))
    # No fixed period: the ends the one-year rule set are cleared, so no scheme lapses by them.
    op.execute("UPDATE authority_purposes SET valid_until = NULL")

    op.create_table('authority_need_changes',
    _id(),
    _fk('scheme_id'),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('told_by', sa.String(length=100), nullable=False),
    sa.Column('answered_by_version', sa.Integer(), nullable=True),
    *_times(),
    sa.ForeignKeyConstraint(['scheme_id'], ['authority_schemes.id'],
                            name=op.f('fk_authority_need_changes_scheme_id_authority_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authority_need_changes'))
    )
    with op.batch_alter_table('authority_need_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authority_need_changes_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('authority_deliveries',
    _id(),
    _fk('scheme_id'),
    _fk('purpose_id'),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('registers', _json(), nullable=False),
    sa.Column('delivered_by', sa.String(length=100), nullable=False),
    *_times(),
    sa.ForeignKeyConstraint(['scheme_id'], ['authority_schemes.id'],
                            name=op.f('fk_authority_deliveries_scheme_id_authority_schemes')),
    sa.ForeignKeyConstraint(['purpose_id'], ['authority_purposes.id'],
                            name=op.f('fk_authority_deliveries_purpose_id_authority_purposes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authority_deliveries'))
    )
    with op.batch_alter_table('authority_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authority_deliveries_scheme_id'), ['scheme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_authority_deliveries_purpose_id'), ['purpose_id'], unique=False)


def downgrade() -> None:
    op.drop_table('authority_deliveries')
    op.drop_table('authority_need_changes')
    # A purpose without an end gets one year again (the old rule), so the old check holds.
    op.execute("UPDATE authority_purposes SET valid_until = valid_from + 366 WHERE valid_until IS NULL"
               if op.get_bind().dialect.name == 'postgresql' else
               "UPDATE authority_purposes SET valid_until = date(valid_from, '+1 year') WHERE valid_until IS NULL")
    with op.batch_alter_table('authority_purposes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_authority_purposes_purpose_period'), type_='check')
        batch_op.alter_column('valid_until', existing_type=sa.Date(), nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_authority_purposes_purpose_period'),
                                         sa.text('valid_until > valid_from'))
    with op.batch_alter_table('authority_schemes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_authority_schemes_agreement_state'), type_='check')
        batch_op.drop_column('terminated_at')
        batch_op.drop_column('activated_at')
        batch_op.drop_column('signed_at')
        batch_op.drop_column('agreement')
    with op.batch_alter_table('project_database_dataset_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_database_dataset_versions_project_database_id'))
    op.drop_table('project_database_dataset_versions')
    with op.batch_alter_table('project_databases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_project_databases_responsible_id_users'), type_='foreignkey')
        batch_op.drop_column('assessed_by')
        batch_op.drop_column('assessed_at')
        batch_op.drop_column('growth_assessment')
        batch_op.drop_column('overlap_assessment')
        batch_op.drop_column('responsible_id')
