"""Baseline: the schema that SQLModel.metadata.create_all made before migrations existed.

Revision ID: 0001_baseline
Revises:
Create Date: 2025-01-01

Written out by hand, column for column, from spcp/domain/models.py as it stood then; it must not
import the live models, which change later. An event file made by create_all is stamped with this
revision instead of running it (spcp.db). Unnamed UNIQUE and FOREIGN KEY constraints and the
``ix_<table>_<column>`` index names are what create_all made, so they are kept as they are.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001_baseline'
down_revision = None
branch_labels = None
depends_on = None

TABLES = ('event', 'room', 'participant', 'theme', 'card', 'solution', 'receipt', 'vote', 'endorsement')


def _id() -> sa.Column:
    return sa.Column('id', sa.Integer(), nullable=False)


def _created_at(name: str = 'created_at') -> sa.Column:
    return sa.Column(name, sa.DateTime(), nullable=False)


def _index(table: str, *columns: str, unique: bool = False) -> None:
    for column in columns:
        op.create_index(f'ix_{table}_{column}', table, [column], unique=unique)


def _event() -> None:
    op.create_table(
        'event', _id(),
        sa.Column('name', sa.String(), nullable=False),
        sa.Column('organizer_key', sa.String(), nullable=False),
        sa.Column('plan', sa.JSON(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint('id'),
    )
    _index('event', 'organizer_key')


def _room() -> None:
    op.create_table(
        'room', _id(),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(), nullable=False),
        sa.Column('join_code', sa.String(), nullable=False),
        sa.Column('facilitator_key', sa.String(), nullable=False),
        sa.Column('phase', sa.String(), nullable=False),
        sa.Column('votes_revealed', sa.Boolean(), nullable=False),
        sa.Column('dots_per_participant', sa.Integer(), nullable=False),
        sa.Column('max_dots_per_card', sa.Integer(), nullable=False),
        sa.Column('max_card_length', sa.Integer(), nullable=False),
        sa.Column('max_cards_per_participant', sa.Integer(), nullable=False),
        sa.Column('top_themes', sa.Integer(), nullable=False),
        sa.Column('timer_ends_at', sa.DateTime(), nullable=True),
        sa.Column('timer_remaining_s', sa.Integer(), nullable=True),
        _created_at(),
        sa.PrimaryKeyConstraint('id'),
        sa.ForeignKeyConstraint(['event_id'], ['event.id']),
    )
    _index('room', 'join_code', unique=True)
    _index('room', 'event_id')


def _participant() -> None:
    op.create_table(
        'participant', _id(),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('device', sa.String(), nullable=False),
        sa.Column('group', sa.String(), nullable=True),
        _created_at('joined_at'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('room_id', 'device'),
        sa.ForeignKeyConstraint(['room_id'], ['room.id']),
    )
    _index('participant', 'room_id')


def _theme() -> None:
    op.create_table(
        'theme', _id(),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=True),
        _created_at(),
        sa.PrimaryKeyConstraint('id'),
        sa.ForeignKeyConstraint(['room_id'], ['room.id']),
    )
    _index('theme', 'room_id')


def _card() -> None:
    op.create_table(
        'card', _id(),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.String(), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.Column('theme_id', sa.Integer(), nullable=True),
        _created_at(),
        sa.PrimaryKeyConstraint('id'),
        sa.ForeignKeyConstraint(['room_id'], ['room.id']),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id']),
        sa.ForeignKeyConstraint(['merged_into_id'], ['card.id']),
        sa.ForeignKeyConstraint(['theme_id'], ['theme.id']),
    )
    _index('card', 'room_id')


def _solution() -> None:
    op.create_table(
        'solution', _id(),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('theme_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.String(), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint('id'),
        sa.ForeignKeyConstraint(['room_id'], ['room.id']),
        sa.ForeignKeyConstraint(['theme_id'], ['theme.id']),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id']),
    )
    _index('solution', 'room_id', 'theme_id')


def _receipt() -> None:
    op.create_table(
        'receipt',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(), nullable=False),
        sa.Column('result_id', sa.Integer(), nullable=True),
        _created_at(),
        sa.PrimaryKeyConstraint('key'),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id']),
    )


def _vote() -> None:
    op.create_table(
        'vote', _id(),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint('id'),
        sa.ForeignKeyConstraint(['room_id'], ['room.id']),
        sa.ForeignKeyConstraint(['card_id'], ['card.id']),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id']),
    )
    _index('vote', 'room_id', 'participant_id', 'card_id')


def _endorsement() -> None:
    op.create_table(
        'endorsement', _id(),
        sa.Column('solution_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('solution_id', 'participant_id'),
        sa.ForeignKeyConstraint(['solution_id'], ['solution.id']),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id']),
    )
    _index('endorsement', 'solution_id')


def upgrade() -> None:
    for make in (_event, _room, _participant, _theme, _card, _solution, _receipt, _vote, _endorsement):
        make()


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
