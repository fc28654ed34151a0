"""PostgreSQL: every timestamp column holds its time zone, as the models say (SQLModel's ``UTCDateTime``).

Revision ID: 0009_timestamps_with_zone
Revises: 0008_practice
Create Date: 2025-01-09

The earlier revisions wrote ``sa.DateTime()``, zone-less, while the models' datetimes are
``DateTime(timezone=True)``. SQLite stores both the same way, so there this revision changes nothing; on
PostgreSQL it turns ``timestamp`` into ``timestamptz``, reading the stored values as UTC (the app has only
ever written UTC).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009_timestamps_with_zone'
down_revision = '0008_practice'
branch_labels = None
depends_on = None

COLUMNS = (('event', 'created_at'), ('event', 'plenary_opened_at'), ('room', 'created_at'),
           ('room', 'timer_ends_at'), ('participant', 'joined_at'), ('theme', 'created_at'),
           ('card', 'created_at'), ('solution', 'created_at'), ('receipt', 'created_at'),
           ('vote', 'created_at'), ('audit_entry', 'created_at'))


def _retype(zoned: bool) -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return  # SQLite keeps a datetime as text either way
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.DateTime(timezone=zoned),
                        existing_type=sa.DateTime(timezone=not zoned),
                        postgresql_using=f"{column} AT TIME ZONE 'UTC'")


def upgrade() -> None:
    _retype(zoned=True)


def downgrade() -> None:
    _retype(zoned=False)
