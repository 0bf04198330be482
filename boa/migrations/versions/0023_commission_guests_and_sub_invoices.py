"""commission guests and sub-invoices

Revision ID: 0023_commission_guests_invoices
Revises: 0022_fact_history_valid_from
Create Date: 2026-11-30 07:10:00

A customer without a BOA user (issue 20): a commission's customer may be empty, the guest's name,
language, the hash of their link's secret and when they confirmed their e-mail are kept. Sub-invoices
of long services: an invoice has a kind (``sub`` | ``final``), the minutes a sub-invoice covers,
and needs no delivery.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types

revision = '0023_commission_guests_invoices'  # alembic_version holds 32 characters
down_revision = '0022_fact_history_valid_from'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('commissions', schema=None) as batch_op:
        batch_op.alter_column('customer_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                              nullable=True)
        batch_op.add_column(sa.Column('guest_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('guest_language', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('guest_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('guest_confirmed_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('commission_invoices', schema=None) as batch_op:
        batch_op.alter_column('delivery_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                              nullable=True)
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False, server_default='final'))
        batch_op.add_column(sa.Column('minutes', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_commission_invoices_invoice_kind'), "kind IN ('sub', 'final')")
    with op.batch_alter_table('commission_invoices', schema=None) as batch_op:
        batch_op.alter_column('kind', server_default=None, existing_type=sa.String(length=10), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('commission_invoices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_commission_invoices_invoice_kind'), type_='check')
        batch_op.drop_column('minutes')
        batch_op.drop_column('kind')
    with op.batch_alter_table('commissions', schema=None) as batch_op:
        batch_op.drop_column('guest_confirmed_at')
        batch_op.drop_column('guest_token_hash')
        batch_op.drop_column('guest_language')
        batch_op.drop_column('guest_name')
