"""spcp.db: every SQLite connection gets the durability and concurrency pragmas."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlmodel import Session, select

from spcp.db import BUSY_TIMEOUT_MS, make_engine
from spcp.domain.models import Event

from .conftest import sqlite_only

EXPECTED = {'journal_mode': 'wal', 'synchronous': 2, 'busy_timeout': 5000, 'foreign_keys': 1}


def _pragmas(connection) -> dict:
    return {name: connection.exec_driver_sql(f'PRAGMA {name}').scalar() for name in EXPECTED}


def test_busy_timeout_constant_is_five_seconds():
    assert BUSY_TIMEOUT_MS == 5000


@sqlite_only
def test_fresh_connection_has_all_pragmas(engine):
    with engine.connect() as connection:
        assert _pragmas(connection) == EXPECTED


@sqlite_only
def test_every_pooled_connection_has_the_pragmas(engine):
    # two connections open at once are two distinct DBAPI connections: both must be set up
    with engine.connect() as first, engine.connect() as second:
        assert first.connection.dbapi_connection is not second.connection.dbapi_connection
        assert _pragmas(first) == EXPECTED
        assert _pragmas(second) == EXPECTED


@sqlite_only
def test_pragmas_survive_pool_disposal(engine):
    with engine.connect() as connection:
        connection.exec_driver_sql('PRAGMA foreign_keys=OFF')
    engine.dispose()  # next connection is brand new
    with engine.connect() as connection:
        assert _pragmas(connection) == EXPECTED


@sqlite_only
def test_raw_dbapi_connection_has_the_pragmas(engine):
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        values = {name: cursor.execute(f'PRAGMA {name}').fetchone()[0] for name in EXPECTED}
        cursor.close()
    finally:
        raw.close()
    assert values == EXPECTED


def test_make_engine_creates_folder_and_tables(tmp_path):
    path = tmp_path / 'nested' / 'deeper' / 'spcp.sqlite3'
    eng = make_engine(f'sqlite:///{path}')
    try:
        assert path.parent.is_dir()
        tables = set(inspect(eng).get_table_names())
        assert {'event', 'room', 'participant', 'card', 'vote', 'theme', 'solution',
                'endorsement', 'receipt'} <= tables
        with Session(eng) as s:
            assert s.exec(select(Event)).all() == []
    finally:
        eng.dispose()
    assert path.is_file()


def test_foreign_keys_are_enforced(session):
    from sqlalchemy.exc import IntegrityError

    from spcp.domain.models import Room
    session.add(Room(event_id=999_999, name='orphan', join_code='ZZZ999', facilitator_key='k'))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


@pytest.mark.postgres
def test_configure_keeps_the_engine_for_the_same_url_with_a_password(postgres_url, monkeypatch):
    """str() of a URL hides its password, so comparing strings opened a second engine every time."""
    from sqlalchemy.engine import make_url

    from spcp import db
    monkeypatch.setattr(db, '_engine', None)
    url = make_url(postgres_url).set(password='s3cret').render_as_string(hide_password=False)
    engine = db.configure(url)
    try:
        assert db.configure(url) is engine
        assert 's3cret' not in db.shown(url) and 's3cret' in url
        with engine.connect() as connection:  # PostgreSQL gets no SQLite pragma, and every session is in UTC
            assert connection.exec_driver_sql('SHOW timezone').scalar() == 'UTC'
        other = make_url(url).set(password='other').render_as_string(hide_password=False)
        assert db.configure(other) is not engine
    finally:
        db.engine().dispose()
