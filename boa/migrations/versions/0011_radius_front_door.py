"""the RADIUS front door: the gateways (NAS clients) and the RADIUS login's challenge

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 22:16:13

The gateways that may ask over RADIUS, each with its own shared secret sealed at rest. A login
challenge sent over RADIUS names the gateway that alone may answer it (the State); an HTTP
challenge names none. (Chained on 0009 on its branch; re-chained at the merge.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('radius_clients',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False, start=1, increment=1), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('secret_sealed', sa.Text(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_radius_clients')),
    sa.UniqueConstraint('address', name=op.f('uq_radius_clients_address')),
    sa.UniqueConstraint('name', name=op.f('uq_radius_clients_name'))
    )
    with op.batch_alter_table('login_challenges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('radius_client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_login_challenges_radius_client_id_radius_clients'), 'radius_clients', ['radius_client_id'], ['id'], ondelete='CASCADE')



def downgrade() -> None:
    with op.batch_alter_table('login_challenges', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_login_challenges_radius_client_id_radius_clients'), type_='foreignkey')
        batch_op.drop_column('radius_client_id')

    op.drop_table('radius_clients')
