"""The plenary: one room of the event where every room's top themes are voted on together.

Revision ID: 0007_plenary
Revises: 0006_action_plan
Create Date: 2025-01-07

Room: ``kind`` ('breakout' or 'plenary'; existing rooms are breakouts). Card: ``source_theme_id``, the
room theme a plenary card stands for (NULL: a card someone wrote, as every card before). Event:
``plenary_opened_at``, when the organizer moved every phone to the plenary (NULL: not yet).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007_plenary'
down_revision = '0006_action_plan'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('room') as room:
        room.add_column(sa.Column('kind', sa.String(), nullable=False, server_default='breakout'))
    # SQLite adds a column with a REFERENCES clause in place (batch mode would need the key named; keys
    # stay unnamed, as create_all made them), as 0003 did for vote.origin_card_id
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE card ADD COLUMN source_theme_id INTEGER REFERENCES theme (id)')
    else:
        op.add_column('card', sa.Column('source_theme_id', sa.Integer(), sa.ForeignKey('theme.id'), nullable=True))
    with op.batch_alter_table('event') as event:
        event.add_column(sa.Column('plenary_opened_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('event') as event:
        event.drop_column('plenary_opened_at')
    with op.batch_alter_table('card') as card:
        card.drop_column('source_theme_id')
    with op.batch_alter_table('room') as room:
        room.drop_column('kind')
