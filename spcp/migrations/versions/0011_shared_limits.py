"""Rate limits and join counts shared by several server processes on one PostgreSQL.

Revision ID: 0011_shared_limits
Revises: 0010_live_changes
Create Date: 2026-12-02

``rate_count``: a count per limit, hashed identity and window length (``spcp/rate_limits.py``), so a phone
whose requests reach two processes is limited once, not once per process. UNLOGGED on PostgreSQL (not
written to the WAL: faster, and emptied after a crash, which forgets counts of seconds and minutes only).
SQLite (one process, counting in memory) gets the table too and never writes to it: one schema for both.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011_shared_limits'
down_revision = '0010_live_changes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rate_count',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('window_s', sa.Integer(), nullable=False),
        sa.Column('started', sa.Float(), nullable=False),
        sa.Column('expires', sa.Float(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('cap', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('name', 'key', 'window_s'))
    op.create_index('ix_rate_count_expires', 'rate_count', ['expires'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE rate_count SET UNLOGGED')


def downgrade() -> None:
    op.drop_index('ix_rate_count_expires', table_name='rate_count')
    op.drop_table('rate_count')
