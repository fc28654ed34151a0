"""Trust: an organizer password and a room's expected size.

Revision ID: 0002_trust
Revises: 0001_baseline
Create Date: 2025-01-02

Both columns are nullable, so existing rows need no value: an event without a password signs in
with its organizer key alone, a room without an expected size never warns. Adding a column is a
plain ALTER TABLE ... ADD COLUMN in SQLite; batch mode only copies the table where SQLite cannot
alter it in place (the downgrade's DROP COLUMN on an old SQLite).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002_trust'
down_revision = '0001_baseline'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('event') as batch:
        batch.add_column(sa.Column('organizer_password_hash', sa.String(), nullable=True))
    with op.batch_alter_table('room') as batch:
        batch.add_column(sa.Column('expected_size', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('room') as batch:
        batch.drop_column('expected_size')
    with op.batch_alter_table('event') as batch:
        batch.drop_column('organizer_password_hash')
