"""register catalogue: registers and their variables

Revision ID: 0010
Revises: 0007
Create Date: 2026-11-29 22:18:12

The register catalogue ("Data content"): a register with its code, Danish and English names, first
year, last year (set exactly when closed), update frequency and state (unreleased, released,
closed), and a folded search text; its variables with labels, documentation link and whether each
is a key to pseudonymise. The rows come from seed_data/registers.json, loaded by `boa db upgrade`
after the migrations (boa/registers/catalogue.py), not by this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types


revision = '0010'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False, start=1, increment=1), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name_da', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('last_year', sa.Integer(), nullable=True),
    sa.Column('frequency', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.CheckConstraint("(state = 'closed') = (last_year IS NOT NULL)", name=op.f('ck_registers_register_closed_has_last_year')),
    sa.CheckConstraint("frequency IN ('yearly', 'quarterly', 'monthly', 'weekly', 'irregular')", name=op.f('ck_registers_register_frequency')),
    sa.CheckConstraint("state IN ('unreleased', 'released', 'closed')", name=op.f('ck_registers_register_state')),
    sa.CheckConstraint('last_year IS NULL OR last_year >= first_year', name=op.f('ck_registers_register_years')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registers')),
    sa.UniqueConstraint('code', name=op.f('uq_registers_code'))
    )
    op.create_table('register_variables',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False, start=1, increment=1), nullable=False),
    sa.Column('register_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('label_da', sa.String(length=300), nullable=False),
    sa.Column('label_en', sa.String(length=300), nullable=False),
    sa.Column('documentation_url', sa.String(length=500), nullable=True),
    sa.Column('key', sa.Boolean(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['register_id'], ['registers.id'], name=op.f('fk_register_variables_register_id_registers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_variables')),
    sa.UniqueConstraint('register_id', 'name', name=op.f('uq_register_variables_register_id'))
    )


def downgrade() -> None:
    op.drop_table('register_variables')
    op.drop_table('registers')
