"""Changes published by one server process for the others, when too long for a notification.

Revision ID: 0010_live_changes
Revises: 0009_timestamps_with_zone
Create Date: 2026-12-02

``live_change``: several processes on one PostgreSQL pass changes over LISTEN/NOTIFY (``spcp/relay.py``);
a payload over PostgreSQL's 8,000 bytes is written here and the notification names its id. SQLite (one
process) gets the table too and never writes to it, so both stores have one schema.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010_live_changes'
down_revision = '0009_timestamps_with_zone'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'live_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('payload', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_live_change_created_at', 'live_change', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_live_change_created_at', table_name='live_change')
    op.drop_table('live_change')
