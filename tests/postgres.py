"""A throw-away PostgreSQL server for the tests: started once per test session, an empty database per test.

The server is Debian's ``postgresql`` package (``scripts/test.sh`` installs it), run from a temporary
folder: ``initdb`` there, listening only on a Unix socket in that folder (no TCP), no fsync (the data is
thrown away), stopped by its PID when the session ends. PostgreSQL refuses to run as root, so as root
(CI) the folder is handed to the ``postgres`` user and the server runs as that user through ``runuser``.

The migrations run once, into a template database. The tests share one database made from it, emptied
before each test (every row deleted, ids restarted: a few ms, where a database per test copied 7 MB of
catalogs each time); a test that changes the schema gets a database of its own from the template.

``SPCP_TEST_POSTGRES=0`` leaves PostgreSQL out (its tests skip and say so); otherwise a server that cannot
start fails those tests with the reason.
"""
from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ENABLED = os.environ.get('SPCP_TEST_POSTGRES', '1') != '0'
USER = 'spcp'
TEMPLATE = 'spcp_template'
SHARED = 'spcp_tests'
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10
# data thrown away at the end: skip every wait for the disk
SETTINGS = ('fsync=off', 'synchronous_commit=off', 'full_page_writes=off', "listen_addresses=''",
            'max_connections=200',
            # not UTC on purpose: the app must store and read its UTC times whatever the server's zone
            "timezone='America/New_York'")


class Unavailable(Exception):
    """The PostgreSQL server could not be started; the message says why."""


@dataclass
class Server:
    folder: Path
    pid: int
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))
    _emptying: str | None = None

    def url(self, database: str) -> str:
        return f'postgresql+psycopg://{USER}@/{database}?host={self.folder}'

    def psql(self, sql: str, database: str = 'postgres') -> None:
        import psycopg
        with psycopg.connect(host=str(self.folder), user=USER, dbname=database, autocommit=True) as conn:
            conn.execute(sql)

    def shared_database(self) -> str:
        """The one database most tests share, emptied after each (``empty``): much cheaper than a database per
        test, which copies the template's 7 MB of catalogs every time."""
        if self._emptying is None:
            self.psql(f'CREATE DATABASE {SHARED} TEMPLATE {TEMPLATE}')
            self._emptying = _emptying_sql(self.url(SHARED).replace('+psycopg', ''))
        return self.url(SHARED)

    def empty(self) -> None:
        """Delete every row of the shared database and restart its ids, as a fresh database would have them."""
        self.psql(self._emptying, database=SHARED)

    def new_database(self) -> str:
        """A database of its own, already at the newest schema; returns its SQLAlchemy URL."""
        name = f'test_{os.getpid()}_{next(self._names)}'
        self.psql(f'CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY WAL_LOG')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        from sqlalchemy.engine import make_url
        name = make_url(url).database
        self.psql(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while _alive(self.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(self.pid):
            os.kill(self.pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a child of ours that exited stays a zombie until reaped; the postmaster is pg_ctl's child, not ours
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    return True


def _emptying_sql(url: str) -> str:
    """One round trip that empties every table but Alembic's and restarts every id sequence. Foreign keys are
    not checked meanwhile (the session acts as a replica), so the order of the tables does not matter; a
    lock still held by a test's open transaction fails the test after 5 s instead of hanging."""
    import psycopg
    with psycopg.connect(url) as conn:
        tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                                 "AND tablename != 'alembic_version'")]
        sequences = [row[0] for row in conn.execute("SELECT sequencename FROM pg_sequences "
                                                    "WHERE schemaname = 'public'")]
    return '; '.join(["SET lock_timeout = '5s'", 'SET session_replication_role = replica',
                      *(f'DELETE FROM "{table}"' for table in tables),
                      *(f"SELECT setval('\"{sequence}\"', 1, false)" for sequence in sequences)])


def _bin_dir() -> Path:
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/initdb'))
    if not found:
        raise Unavailable("PostgreSQL's server is not installed (Debian's postgresql package: scripts/test.sh "
                          'installs it; SPCP_TEST_POSTGRES=0 skips these tests)')
    return Path(found[-1]).parent


def _as_server_user(folder: Path) -> list[str]:
    """The command prefix that runs a PostgreSQL program as a user it accepts (never root)."""
    if os.geteuid() != 0:
        return []
    try:
        account = pwd.getpwnam('postgres')
    except KeyError as error:
        raise Unavailable('running as root and there is no postgres user to run the server as') from error
    os.chown(folder, account.pw_uid, account.pw_gid)
    return ['runuser', '-u', 'postgres', '--']


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=START_TIMEOUT_S)
    if done.returncode != 0:
        raise Unavailable(f'{what} failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-800:]}')


def start() -> Server:
    """Start a server in a new temporary folder; raise Unavailable saying why it could not."""
    try:
        import psycopg  # noqa: F401
    except ImportError as error:
        raise Unavailable("psycopg is not installed (pip install -e '.[test]')") from error
    binaries = _bin_dir()
    folder = Path(tempfile.mkdtemp(prefix='spcp-pg-'))
    try:
        prefix = _as_server_user(folder)
        data = folder / 'data'
        _run([*prefix, str(binaries / 'initdb'), '-D', str(data), '-U', USER, '-A', 'trust', '-E', 'UTF8',
              '--locale=C', '--no-sync'], 'initdb')
        options = ' '.join(f'-c {setting}' for setting in SETTINGS) + f' -k {folder}'
        _run([*prefix, str(binaries / 'pg_ctl'), '-D', str(data), '-l', str(folder / 'server.log'), '-o', options,
              '-w', '-t', str(START_TIMEOUT_S), 'start'], 'pg_ctl start')
        pid = int((data / 'postmaster.pid').read_text().split('\n', 1)[0])
    except (Unavailable, OSError, subprocess.TimeoutExpired) as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise error if isinstance(error, Unavailable) else Unavailable(str(error)) from error
    server = Server(folder, pid)
    try:
        _make_template(server)
    except Exception as error:
        server.stop()
        raise Unavailable(f'could not prepare the template database: {error}') from error
    return server


def _make_template(server: Server) -> None:
    from spcp.db import make_engine
    server.psql(f'CREATE DATABASE {TEMPLATE}')
    make_engine(server.url(TEMPLATE)).dispose()  # the migrations, once


def require(server: Server | Unavailable | None) -> Server:
    """The server for a test that needs it: skip when PostgreSQL is switched off, fail when it would not
    start (CI must run these tests)."""
    if server is None:
        pytest.skip('PostgreSQL tests switched off (SPCP_TEST_POSTGRES=0)')
    if isinstance(server, Unavailable):
        pytest.fail(f'PostgreSQL test server unavailable: {server}', pytrace=False)
    return server
