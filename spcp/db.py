"""The one place that opens database connections.

SQLite is the zero-set-up default. Every connection gets WAL (readers never block the writer),
``synchronous=FULL`` (an acknowledged vote survives a power cut on a laptop running on battery)
and a busy timeout (a second writer waits instead of failing). Domain functions commit before they
return, so a page only tells a phone "done" after the data is on disk.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

from .domain import models  # noqa: F401  (registers the tables on SQLModel.metadata)

BUSY_TIMEOUT_MS = 5000

_engine: Engine | None = None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA synchronous=FULL')
    cursor.execute(f'PRAGMA busy_timeout={BUSY_TIMEOUT_MS}')
    cursor.execute('PRAGMA foreign_keys=ON')
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite files get their folder and their pragmas."""
    if url.startswith('sqlite'):
        path = url.split(':///', 1)[-1]
        if path and path != ':memory:':
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={'check_same_thread': False,
                                                  'timeout': BUSY_TIMEOUT_MS / 1000})
        sa_event.listen(engine, 'connect', _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    SQLModel.metadata.create_all(engine)
    return engine


def configure(url: str) -> Engine:
    """Point the app at a database (called once at start-up, and by tests)."""
    global _engine  # noqa: PLW0603
    if _engine is not None:
        if str(_engine.url) == url:  # `spcp serve` opens it, then server.start() asks again
            return _engine
        _engine.dispose()
    _engine = make_engine(url)
    return _engine


def engine() -> Engine:
    if _engine is None:
        raise RuntimeError('database not configured: call spcp.db.configure(url) first')
    return _engine


@contextmanager
def session() -> Iterator[Session]:
    """A short-lived session; domain functions commit their own writes."""
    with Session(engine(), expire_on_commit=False) as s:
        yield s
