"""Practice rooms: a room made for rehearsing with simulated phones before the day.

Revision ID: 0008_practice
Revises: 0007_plenary
Create Date: 2025-01-08

Room: ``practice`` (existing rooms are real rooms: 0), so exports, the dashboard and the plenary can
leave a rehearsal's cards, dots and simulated participants out of the event's numbers.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008_practice'
down_revision = '0007_plenary'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('room') as room:
        room.add_column(sa.Column('practice', sa.Boolean(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('room') as room:
        room.drop_column('practice')
