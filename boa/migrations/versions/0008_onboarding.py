"""onboarding: the user agreement in Danish and English; certification attempts drawn from a bank

Revision ID: 0008
Revises: 0009
Create Date: 2026-11-30 10:00:00

A user agreement version keeps its title and text per language (``titles``, ``texts``: JSON
``{"da", "en"}``) and the date the text bears (``issued_on``); the versions come from
``seed_data/user_agreements.json``. A version published before this revision had one text: it
becomes both languages' text, under the title "Brugeraftale" / "User agreement".

A certification attempt keeps the questions drawn for it with their options in the order shown
(``shown``), is scored when submitted (``submitted_at``; ``correct`` and ``passed`` stay empty
until then). Attempts made before this revision were scored at once: submitted when attempted.
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0008'
down_revision = '0009'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
OLD_TITLES = {'da': 'Brugeraftale', 'en': 'User agreement'}


def _versions(*columns: sa.Column) -> sa.TableClause:
    return sa.table('user_agreement_versions', sa.column('id', sa.Integer()), *columns)


def upgrade() -> None:
    with op.batch_alter_table('user_agreement_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('titles', JSON, nullable=True))
        batch_op.add_column(sa.Column('texts', JSON, nullable=True))
        batch_op.add_column(sa.Column('issued_on', sa.Date(), nullable=True))
    bind = op.get_bind()
    versions = _versions(sa.column('text', sa.Text()), sa.column('titles', JSON), sa.column('texts', JSON))
    for row_id, text in bind.execute(sa.select(versions.c.id, versions.c.text)).all():
        bind.execute(versions.update().where(versions.c.id == row_id).values(
            titles=OLD_TITLES, texts={'da': text, 'en': text}))
    with op.batch_alter_table('user_agreement_versions', schema=None) as batch_op:
        batch_op.alter_column('titles', existing_type=JSON, nullable=False)
        batch_op.alter_column('texts', existing_type=JSON, nullable=False)
        batch_op.drop_column('text')

    with op.batch_alter_table('certification_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown', JSON, nullable=True))
        batch_op.add_column(sa.Column('submitted_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
                                      nullable=True))
    attempts = sa.table('certification_attempts', sa.column('shown', JSON),
                        sa.column('submitted_at', sa.DateTime()), sa.column('attempted_at', sa.DateTime()))
    bind.execute(attempts.update().values(shown=[], submitted_at=attempts.c.attempted_at))
    with op.batch_alter_table('certification_attempts', schema=None) as batch_op:
        batch_op.alter_column('shown', existing_type=JSON, nullable=False)
        batch_op.alter_column('correct', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('passed', existing_type=sa.Boolean(), nullable=True)


def downgrade() -> None:
    bind = op.get_bind()
    # An attempt never submitted has no score: it goes (the old table knew only scored attempts).
    op.execute('DELETE FROM certification_attempts WHERE submitted_at IS NULL')
    with op.batch_alter_table('certification_attempts', schema=None) as batch_op:
        batch_op.alter_column('passed', existing_type=sa.Boolean(), nullable=False)
        batch_op.alter_column('correct', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('shown')

    with op.batch_alter_table('user_agreement_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text', sa.Text(), nullable=True))
    versions = _versions(sa.column('text', sa.Text()), sa.column('texts', JSON))
    for row_id, texts in bind.execute(sa.select(versions.c.id, versions.c.texts)).all():
        bind.execute(versions.update().where(versions.c.id == row_id).values(text=texts.get('da') or texts.get('en')))
    with op.batch_alter_table('user_agreement_versions', schema=None) as batch_op:
        batch_op.alter_column('text', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('issued_on')
        batch_op.drop_column('texts')
        batch_op.drop_column('titles')
