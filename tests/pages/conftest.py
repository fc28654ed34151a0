"""Page tests with NiceGUI's simulated users: each test gets its own data folder and event."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from sqlmodel import Session

from spcp import db, live, plan
from spcp.domain import access, events


@dataclass
class RoomInfo:
    id: int
    code: str
    key: str


@dataclass
class EventInfo:
    id: int
    organizer_key: str
    rooms: list[RoomInfo]


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Point the app (started by the ``user`` fixture) at a fresh database in tmp_path."""
    monkeypatch.setenv('SPCP_DATA_DIR', str(tmp_path / 'data'))
    monkeypatch.setenv('SPCP_PUBLIC_URL', 'http://spcp.test:8080')
    monkeypatch.delenv('SPCP_DATABASE_URL', raising=False)
    live.reset()  # room ids repeat across tests' fresh databases
    return tmp_path / 'data'


@pytest.fixture
def event(data_dir) -> EventInfo:
    engine = db.make_engine(f'sqlite:///{data_dir / "spcp.sqlite3"}')
    with Session(engine, expire_on_commit=False) as session:
        ev = events.create_event(session, 'Test event', 2, plan.load_plan())
        rooms = [RoomInfo(r.id, r.join_code, r.facilitator_key) for r in events.rooms_of(session, ev.id)]
        info = EventInfo(ev.id, ev.organizer_key, rooms)
    engine.dispose()
    return info


def facilitate(room: RoomInfo, action, *args):
    """Act as the room's facilitator through the domain (as the board's buttons do) and publish."""
    from spcp import live
    with db.session() as session:
        actor = access.facilitator(session, room.code, room.key)
        result = action(session, actor, room.id, *args)
    changes = result[1] if isinstance(result, tuple) else result
    live.publish(changes)
    return result


async def settle() -> None:
    """Let the live seam's handlers run (emit does not wait for them)."""
    await asyncio.sleep(0.05)


async def write(phone, *texts: str) -> None:
    """A phone writes issues, one after the other."""
    for text in texts:
        phone.find(marker='issue-input').type(text)
        phone.find('Add issue').click()


def card_ids(room: RoomInfo) -> dict[str, int]:
    """Card text -> id, read from the database."""
    from sqlmodel import select

    from spcp.domain.models import Card
    with db.session() as session:
        return {c.text: c.id for c in session.exec(select(Card).where(Card.room_id == room.id)).all()}


def theme_ids(room: RoomInfo) -> list[int]:
    from sqlmodel import select

    from spcp.domain.models import Theme
    with db.session() as session:
        return list(session.exec(select(Theme.id).where(Theme.room_id == room.id)).all())
