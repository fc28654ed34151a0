"""Paper participants, review before shown, and votes that remember their card (for unmerging).

Revision ID: 0003_paper_review
Revises: 0002_trust
Create Date: 2025-01-03

Room: ``paper_participants`` (people taking part on paper) and ``review_cards`` (new cards wait for
the facilitator). Card: ``paper`` (typed from paper), ``pending`` (waiting for review) and
``paper_dots``. Solution: ``paper``. The NOT NULL columns carry a server default of 0, so existing
rows read as before: no paper, no review, nothing pending. Vote: ``origin_card_id``, the card a dot
was put on, nullable: votes cast before this revision do not know it, and an unmerge leaves them
where they are.

Adding a column is a plain ALTER TABLE ... ADD COLUMN in SQLite (a REFERENCES clause is allowed
when the default is NULL); batch mode copies a table only where SQLite cannot alter it in place.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003_paper_review'
down_revision = '0002_trust'
branch_labels = None
depends_on = None


def _flag(name: str) -> sa.Column:
    return sa.Column(name, sa.Boolean(), nullable=False, server_default='0')


def _count(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False, server_default='0')


def upgrade() -> None:
    with op.batch_alter_table('room') as batch:
        batch.add_column(_count('paper_participants'))
        batch.add_column(_flag('review_cards'))
    with op.batch_alter_table('card') as batch:
        batch.add_column(_flag('paper'))
        batch.add_column(_flag('pending'))
        batch.add_column(_count('paper_dots'))
    with op.batch_alter_table('solution') as batch:
        batch.add_column(_flag('paper'))
    _add_origin_card()


def _add_origin_card() -> None:
    """SQLite adds a column with an inline REFERENCES in place; Alembic would add the foreign key as a
    separate constraint, which SQLite cannot, and batch mode wants a name for it (the models leave
    foreign keys unnamed, as create_all did)."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE vote ADD COLUMN origin_card_id INTEGER REFERENCES card (id)')
    else:
        op.add_column('vote', sa.Column('origin_card_id', sa.Integer(), sa.ForeignKey('card.id'), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('vote') as batch:
        batch.drop_column('origin_card_id')
    with op.batch_alter_table('solution') as batch:
        batch.drop_column('paper')
    with op.batch_alter_table('card') as batch:
        batch.drop_column('paper_dots')
        batch.drop_column('pending')
        batch.drop_column('paper')
    with op.batch_alter_table('room') as batch:
        batch.drop_column('review_cards')
        batch.drop_column('paper_participants')
