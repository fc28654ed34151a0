"""The action plan and the council: two new tables.

Revision ID: 0006_action_plan
Revises: 0005_audit
Create Date: 2025-01-06

``action_item``: one line of the action plan, for a priority (a theme) and, if it started from one,
its solution; each field the organizers edit is a column of its own. ``council_volunteer``: the
people who volunteered for the council, with their consent; no participant, room or time, a random
text key, and ``WITHOUT ROWID`` so nothing in the table follows the order people signed up in.
Existing events simply start with an empty plan and council.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_action_plan'
down_revision = '0005_audit'
branch_labels = None
depends_on = None


def _text(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.String(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        'action_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('theme_id', sa.Integer(), nullable=False),
        sa.Column('solution_id', sa.Integer(), nullable=True),
        _text('text', nullable=False),
        _text('lead'),
        _text('partners'),
        _text('responsible'),
        _text('first_steps'),
        sa.Column('start_date', sa.Date(), nullable=True),
        sa.Column('due_date', sa.Date(), nullable=True),
        _text('resources'),
        _text('success_measure'),
        _text('status', nullable=False),
        _text('notes'),
        sa.ForeignKeyConstraint(['event_id'], ['event.id']),
        sa.ForeignKeyConstraint(['theme_id'], ['theme.id']),
        sa.ForeignKeyConstraint(['solution_id'], ['solution.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_action_item_event_id', 'action_item', ['event_id'])
    op.create_index('ix_action_item_theme_id', 'action_item', ['theme_id'])
    op.create_table(
        'council_volunteer',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        _text('name', nullable=False),
        _text('contact', nullable=False),
        _text('affiliation'),
        _text('why'),
        sa.ForeignKeyConstraint(['event_id'], ['event.id']),
        sa.PrimaryKeyConstraint('id'),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_council_volunteer_event_id', 'council_volunteer', ['event_id'])


def downgrade() -> None:
    op.drop_index('ix_council_volunteer_event_id', table_name='council_volunteer')
    op.drop_table('council_volunteer')
    op.drop_index('ix_action_item_theme_id', table_name='action_item')
    op.drop_index('ix_action_item_event_id', table_name='action_item')
    op.drop_table('action_item')
