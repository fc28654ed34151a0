"""Event set-up before the day: date, venue, languages, Wi-Fi; a room's facilitator name.

Revision ID: 0004_event_setup
Revises: 0003_paper_review
Create Date: 2025-01-04

Event: ``date``, ``venue``, ``wifi_name`` and ``wifi_password`` (printed on the posters), all
nullable: an existing event simply has none. ``languages`` (the locales its posters are printed
in, a JSON list) is NOT NULL with a server default of English only, so existing rows read as an
English event. Room: ``facilitator_name``, nullable. Dots per participant and phase minutes need
no column: they already live in the room rows and the event's ``plan``.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004_event_setup'
down_revision = '0003_paper_review'
branch_labels = None
depends_on = None


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.String(), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table('event') as batch:
        batch.add_column(sa.Column('date', sa.Date(), nullable=True))
        batch.add_column(_text('venue'))
        batch.add_column(sa.Column('languages', sa.JSON(), nullable=False, server_default='["en"]'))
        batch.add_column(_text('wifi_name'))
        batch.add_column(_text('wifi_password'))
    with op.batch_alter_table('room') as batch:
        batch.add_column(_text('facilitator_name'))


def downgrade() -> None:
    with op.batch_alter_table('room') as batch:
        batch.drop_column('facilitator_name')
    with op.batch_alter_table('event') as batch:
        batch.drop_column('wifi_password')
        batch.drop_column('wifi_name')
        batch.drop_column('languages')
        batch.drop_column('venue')
        batch.drop_column('date')
