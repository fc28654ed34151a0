"""The one place that opens database connections and brings the schema up to date.

SQLite is the zero-set-up default; PostgreSQL (``postgresql+psycopg://...`` in ``SPCP_DATABASE_URL``, with
the ``postgres`` extra) is the store for several processes. Every connection gets WAL (readers never block the writer),
``synchronous=FULL`` (an acknowledged vote survives a power cut on a laptop running on battery; the server
instead commits with ``NORMAL`` and syncs in groups off its event loop, ``spcp/group_commit.py``, before it
acknowledges) and a busy timeout (a second writer waits instead of failing). Domain functions commit before they
return, so a page only tells a phone "done" after the data is on disk.

The schema is Alembic's (``spcp/migrations``): opening a database upgrades it to the newest
revision, so an event file from an earlier version opens in this one. A file already at the newest
revision costs one version read.
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from .domain import models  # noqa: F401  (registers the tables on SQLModel.metadata)

BUSY_TIMEOUT_MS = 5000
MIGRATIONS = Path(__file__).with_name('migrations')
# the schema create_all made before migrations existed: such files are stamped with it, not re-created
BASELINE = '0001_baseline'
# PostgreSQL advisory lock key held while the schema is upgraded (any constant the app uses for nothing else)
MIGRATION_LOCK = 0x5CC0_0001

_engine: Engine | None = None
_synchronous = 'FULL'  # NORMAL once the server syncs commits in groups (commit_in_groups)


def _sqlite_pragmas(dbapi_connection, _record, foreign_keys: bool = True) -> None:
    cursor = dbapi_connection.cursor()
    _use_wal(cursor)
    cursor.execute(f'PRAGMA synchronous={_synchronous}')
    cursor.execute(f'PRAGMA busy_timeout={BUSY_TIMEOUT_MS}')
    cursor.execute(f'PRAGMA foreign_keys={"ON" if foreign_keys else "OFF"}')
    cursor.close()


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the file to WAL (a no-op once it is: the mode stays with the file). Switching a new file needs
    it to itself, and SQLite answers "database is locked" at once, without waiting out the busy timeout,
    when another connection is switching it too: several processes opening a new file together (4 threads,
    measured: 21 of 200 tries failed). So it tries again until the busy timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute('PRAGMA journal_mode=WAL')
            return
        except sqlite3.OperationalError as error:
            if 'locked' not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _sqlite_connect_args() -> dict:
    return {'check_same_thread': False, 'timeout': BUSY_TIMEOUT_MS / 1000}


def _is_sqlite_file(engine: Engine) -> bool:
    return engine.dialect.name == 'sqlite' and engine.url.database not in (None, '', ':memory:')


def make_engine(url: str | URL) -> Engine:
    """Create an engine for ``url``; SQLite files get their folder and their pragmas, PostgreSQL a pool that
    checks a connection before handing it out. The schema is brought to the newest revision before the
    engine is returned."""
    url = make_url(url)
    if url.get_backend_name() == 'sqlite':
        if url.database and url.database != ':memory:':
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args=_sqlite_connect_args())
        sa_event.listen(engine, 'connect', _sqlite_pragmas)
    else:
        # PostgreSQL (psycopg): durable by default (synchronous_commit=on), foreign keys always enforced.
        # The columns are zone-less timestamps holding UTC: a session in the server's own zone would shift
        # an aware datetime on the way in, so every connection works in UTC.
        engine = create_engine(url, pool_pre_ping=True, connect_args={'options': '-c timezone=UTC'})
    try:
        upgrade_to_head(engine)
    except BaseException:
        engine.dispose()  # nobody else holds it: close the file before reporting
        raise
    return engine


@cache
def _scripts() -> ScriptDirectory:
    """The revision files, read once per process."""
    return ScriptDirectory(str(MIGRATIONS))


def head_revision() -> str:
    return _scripts().get_current_head()


def migration_config(connection: Connection) -> Config:
    """Alembic's configuration, made in code: env.py runs on ``connection`` and on nothing else."""
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS))
    config.attributes['connection'] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Bring the database behind ``engine`` to the newest revision; a no-op (one read) when it is."""
    with engine.connect() as connection:
        current = current_revision(connection)
    if current == head_revision():
        return
    known = {script.revision for script in _scripts().walk_revisions()}
    if current is not None and current not in known:
        raise RuntimeError(f'{engine.url.database} was written by a newer SPCP Live (schema {current}, '
                           f'this version knows up to {head_revision()}): open it with that version')
    with migration_connection(engine) as connection:
        _upgrade(connection)


def _upgrade(connection: Connection) -> None:
    # read again under the write lock: another process may have upgraded the file meanwhile
    config = migration_config(connection)
    if current_revision(connection) is None and inspect(connection).has_table('event'):
        command.stamp(config, BASELINE)  # made by create_all before there were migrations
    dangling_before = _dangling_references(connection)
    command.upgrade(config, 'head')
    # foreign keys are off while tables are copied (SQLite's ALTER): check none was broken
    dangling = _dangling_references(connection) - dangling_before
    if dangling:
        raise RuntimeError(f'the schema upgrade left rows pointing at nothing: {sorted(dangling)[:5]}')


def _dangling_references(connection: Connection) -> set[tuple]:
    if connection.dialect.name != 'sqlite':
        return set()  # other databases enforce foreign keys during the migration itself
    return {tuple(row) for row in connection.exec_driver_sql('PRAGMA foreign_key_check')}


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside the one transaction a whole upgrade runs in: the file is either upgraded
    or untouched. Also for running an Alembic command by hand, with ``migration_config``.

    For an SQLite file that is a separate connection which takes the write lock at BEGIN (a second
    process opening the same file waits, then finds it upgraded) and has foreign keys off, as
    SQLite's procedure for copying a table asks; pysqlite would otherwise commit DDL on its own."""
    if not _is_sqlite_file(engine):
        with engine.begin() as connection:
            if connection.dialect.name == 'postgresql':  # one process upgrades, the others wait, then find it done
                connection.exec_driver_sql(f'SELECT pg_advisory_xact_lock({MIGRATION_LOCK})')
            yield connection
        return
    locked = create_engine(engine.url, poolclass=NullPool, connect_args=_sqlite_connect_args())
    sa_event.listen(locked, 'connect', _migration_pragmas)
    sa_event.listen(locked, 'begin', lambda connection: connection.exec_driver_sql('BEGIN IMMEDIATE'))
    try:
        with locked.begin() as connection:
            yield connection
    finally:
        locked.dispose()


def _migration_pragmas(dbapi_connection, record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's begin event emits BEGIN, not pysqlite
    _sqlite_pragmas(dbapi_connection, record, foreign_keys=False)


def configure(url: str | URL) -> Engine:
    """Point the app at a database (called once at start-up, and by tests)."""
    global _engine  # noqa: PLW0603
    if _engine is not None:
        # compared as URLs: str() of a URL masks its password, so a URL with one would never match
        if _engine.url == make_url(url):  # `spcp serve` opens it, then server.start() asks again
            return _engine
        _engine.dispose()
    _engine = make_engine(url)
    return _engine


def commit_in_groups() -> Path | None:
    """The server's SQLite file commits without waiting for the disk from now on (``synchronous=NORMAL``):
    ``spcp/group_commit.py`` syncs its log. Returns the file (None: not a SQLite file, nothing changed)."""
    global _synchronous  # noqa: PLW0603
    if not _is_sqlite_file(engine()):
        return None
    _synchronous = 'NORMAL'
    engine().dispose()  # connections already open were made with FULL
    return Path(engine().url.database)


def shown(url: str | URL) -> str:
    """A database URL as it may be printed or logged: its password masked."""
    return make_url(url).render_as_string(hide_password=True)


def engine() -> Engine:
    if _engine is None:
        raise RuntimeError('database not configured: call spcp.db.configure(url) first')
    return _engine


@contextmanager
def session() -> Iterator[Session]:
    """A short-lived session; domain functions commit their own writes."""
    with Session(engine(), expire_on_commit=False) as s:
        yield s
