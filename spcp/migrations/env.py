"""Alembic's environment, run by ``spcp.db`` on a connection it already holds.

``spcp.db`` opens the connection, begins the one transaction every revision runs in and hands the
connection over in ``config.attributes['connection']``; this file only points Alembic at it.
Logging is left alone (no ``fileConfig``): the app's start-up output stays clean.
"""
from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from spcp.domain import models  # noqa: F401  (registers the tables on SQLModel.metadata)

# the live models, for comparing only; a revision never imports them (they change later)
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get('connection')
    if connection is None:
        raise RuntimeError('run migrations through spcp.db.make_engine(url), not the alembic command')
    # batch mode: SQLite can only ALTER a table by copying it, which Alembic's batch ops do
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError('offline (--sql) migrations are not wired: run them through spcp.db.make_engine(url)')
run_migrations_online()
