"""Fixtures for the domain tests: a fresh SQLite file per test, an event with two rooms, the
rooms' facilitators, and helpers to join participants and move a room through its phases."""
from __future__ import annotations

import itertools
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from spcp.db import make_engine
from spcp.domain import cards, rooms
from spcp.domain.access import Actor, facilitator
from spcp.domain.events import create_event, rooms_of
from spcp.domain.models import Event, Room
from spcp.plan import load_plan


@pytest.fixture(scope='session')
def plan() -> dict:
    return load_plan()


@pytest.fixture(scope='session')
def empty_database(tmp_path_factory) -> Path:
    """An SQLite file with the schema, made once; each test gets its own copy (creating the tables
    with synchronous=FULL costs more than the rest of a typical test)."""
    path = tmp_path_factory.mktemp('template') / 'empty.sqlite3'
    eng = make_engine(f'sqlite:///{path}')
    eng.dispose()  # closing the last connection checkpoints the WAL into the file
    assert not path.with_name(path.name + '-wal').exists()
    return path


@pytest.fixture(params=['sqlite', pytest.param('postgres', marks=pytest.mark.postgres)])
def engine(request, tmp_path, empty_database) -> Iterator[Engine]:
    """Every domain test runs on both stores: an SQLite file, and a database of a real PostgreSQL server
    (tests/postgres.py). ``-m 'not postgres'`` runs the SQLite half alone."""
    if request.param == 'postgres':
        url = request.getfixturevalue('postgres_url')
    else:
        url = f'sqlite:///{tmp_path / "spcp.sqlite3"}'
        shutil.copyfile(empty_database, tmp_path / 'spcp.sqlite3')
    eng = make_engine(url)
    yield eng
    eng.dispose()


# a test of what only SQLite has (pragmas, rowid, ids reused): its engine is an SQLite file only
sqlite_only = pytest.mark.parametrize('engine', ['sqlite'], indirect=True)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def new_session(engine: Engine) -> Iterator[Callable[[], Session]]:
    """Open further sessions on the same database (a reload, another phone...)."""
    opened: list[Session] = []

    def _open() -> Session:
        s = Session(engine, expire_on_commit=False)
        opened.append(s)
        return s

    yield _open
    for s in opened:
        s.close()


@pytest.fixture
def event(session: Session, plan: dict) -> Event:
    return create_event(session, 'Riverside SPCP', 2, plan)


@pytest.fixture
def room(session: Session, event: Event) -> Room:
    return rooms_of(session, event.id)[0]


@pytest.fixture
def room_b(session: Session, event: Event) -> Room:
    return rooms_of(session, event.id)[1]


@pytest.fixture
def fac(session: Session, room: Room) -> Actor:
    return facilitator(session, room.join_code, room.facilitator_key)


@pytest.fixture
def fac_b(session: Session, room_b: Room) -> Actor:
    return facilitator(session, room_b.join_code, room_b.facilitator_key)


@pytest.fixture
def join(session: Session) -> Callable[..., Actor]:
    """``join(room)`` -> a new participant with a device id never used before in this test."""
    devices = itertools.count(1)

    def _join(room: Room) -> Actor:
        actor, _ = rooms.join(session, room.join_code, f'device-{next(devices):04d}')
        return actor

    return _join


@pytest.fixture
def p1(join, room) -> Actor:
    return join(room)


@pytest.fixture
def p2(join, room) -> Actor:
    return join(room)


def new_key() -> str:
    """A fresh idempotency key, as a phone would make one."""
    return uuid.uuid4().hex


@pytest.fixture
def key() -> Callable[[], str]:
    return new_key


@pytest.fixture
def goto(session: Session) -> Callable[[Actor, Room, str], None]:
    """Move a room to a phase as its facilitator."""
    def _goto(actor: Actor, room: Room, phase: str) -> None:
        rooms.set_phase(session, actor, room.id, phase)
        assert room.phase == phase
    return _goto


@pytest.fixture
def write(session: Session) -> Callable[[Actor, Room, str], int]:
    """Submit a card (the room must be in the issues phase); returns its id."""
    def _write(actor: Actor, room: Room, text: str) -> int:
        view, _ = cards.submit(session, actor, room.id, text, new_key())
        return view.id
    return _write


def said(error: Exception) -> str:
    """A domain refusal as an English reader sees it (the domain itself keeps only the message id)."""
    from spcp.i18n import english
    return english()(error.msgid, **error.params)
