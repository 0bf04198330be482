"""proposal content, the Head of Division's approval, price quotes, the delivery and the invoice

Revision ID: 0018_proposal_content
Revises: 0016
Create Date: 2026-11-30 03:30:00

A proposal's content (purpose, population, registers from the catalogue, external data with its
variable description) is typed JSON in ``proposals.content`` (NULL for a proposal made before:
read as empty). The approval by the Head of Division for the Data Portal, the delivery and the
invoice are new nullable columns; price quotes are rows of ``proposal_quotes``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types


revision = '0018_proposal_content'
down_revision = '0019_project_dbs_that_change'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content', sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), 'postgresql'),
                                      nullable=True))
        batch_op.add_column(sa.Column('approved_by_id', ID, nullable=True))
        batch_op.add_column(sa.Column('approved_at', WHEN, nullable=True))
        batch_op.add_column(sa.Column('delivered_by_id', ID, nullable=True))
        batch_op.add_column(sa.Column('delivered_at', WHEN, nullable=True))
        batch_op.add_column(sa.Column('invoice_number', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('invoice_amount_ore', sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_proposals_approved_by_id_users'), 'users', ['approved_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_proposals_delivered_by_id_users'), 'users', ['delivered_by_id'],
                                    ['id'])
    op.create_table('proposal_quotes',
    sa.Column('id', ID, sa.Identity(always=False, start=1, increment=1), nullable=False),
    sa.Column('proposal_id', ID, nullable=False),
    sa.Column('amount_ore', sa.BigInteger(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('sent_to', sa.String(length=320), nullable=False),
    sa.Column('sent_by_id', ID, nullable=True),
    sa.Column('sent_at', WHEN, nullable=False),
    sa.Column('created_at', WHEN, nullable=False),
    sa.Column('updated_at', WHEN, nullable=False),
    sa.CheckConstraint('amount_ore > 0', name=op.f('ck_proposal_quotes_quote_amount_positive')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_quotes_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_proposal_quotes_sent_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_quotes'))
    )
    with op.batch_alter_table('proposal_quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_quotes_proposal_id'), ['proposal_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('proposal_quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_quotes_proposal_id'))
    op.drop_table('proposal_quotes')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposals_delivered_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_proposals_approved_by_id_users'), type_='foreignkey')
        for column in ('invoice_amount_ore', 'invoice_number', 'delivered_at', 'delivered_by_id', 'approved_at',
                       'approved_by_id', 'content'):
            batch_op.drop_column(column)
