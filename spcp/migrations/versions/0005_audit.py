"""The audit log: facilitators' and organizers' actions (never a participant's).

Revision ID: 0005_audit
Revises: 0004_event_setup
Create Date: 2025-01-05

A new table, ``audit_entry``: the event, the room (a plain integer, no foreign key: removing an
unused room keeps its log), the role, the action, a short detail (a phase, on or off) and the time.
Existing events simply start with an empty log.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_audit'
down_revision = '0004_event_setup'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=True),
        sa.Column('role', sa.String(), nullable=False),
        sa.Column('action', sa.String(), nullable=False),
        sa.Column('detail', sa.String(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_entry_event_id', 'audit_entry', ['event_id'])


def downgrade() -> None:
    op.drop_index('ix_audit_entry_event_id', table_name='audit_entry')
    op.drop_table('audit_entry')
