"""Page tests with NiceGUI's simulated users: each test gets its own data folder and event."""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from nicegui import events as ui_events
from nicegui.testing import User
from sqlmodel import Session

from spcp import db, live, plan, presence
from spcp.domain import access, cards, events, rooms, solutions, themes, voting


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
    # simulated users all come from one address: let them fill a room (tests of the limit set it)
    monkeypatch.setenv('SPCP_JOINS_PER_ADDRESS', '0')
    live.reset()  # room ids repeat across tests' fresh databases
    presence.reset()
    return tmp_path / 'data'


@pytest.fixture(autouse=True)
def open_waits_for_connected_pages(monkeypatch):
    """A phone page builds itself only once its socket connects (so a plain GET joins nobody):
    after ``user.open`` let that part run, as a browser would, before the test looks."""
    original = User.open

    async def open_and_settle(self, path: str, **kwargs):
        client = await original(self, path, **kwargs)
        for _ in range(100):  # bounded: at most ~2 s
            await asyncio.sleep(0.02)
            if not any(getattr(e, 'text', None) == 'Connecting…' for e in client.elements.values()):
                break
        return client

    monkeypatch.setattr(User, 'open', open_and_settle)


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


PHASES = ('welcome', 'issues', 'vote', 'themes', 'solutions', 'wrapup')


async def every_phase(room: RoomInfo) -> AsyncIterator[str]:
    """Moves the room through every phase, yielding each once the pages have it; at Issues the room is
    filled (cards, a dot, a theme, a solution) so that every part of every later phase is on screen."""
    for phase in PHASES:
        facilitate(room, rooms.set_phase, phase)
        await settle()
        if phase == 'issues':
            fill_the_room(room)
            await settle()
        yield phase


def fill_the_room(room: RoomInfo) -> None:
    """Cards, a dot, a theme and a solution, so every part of every phase is on screen."""
    with db.session() as session:
        actor, _ = rooms.join(session, room.code, 'filler-device')
        first, _ = cards.submit(session, actor, room.id, 'first card', 'fill-key-1')
        cards.submit(session, actor, room.id, 'second card', 'fill-key-2')
        fac = access.facilitator(session, room.code, room.key)
        rooms.set_phase(session, fac, room.id, 'vote')
        voting.add_dot(session, actor, room.id, first.id, 'fill-key-3')
        theme_id, _ = themes.group(session, fac, room.id, [first.id], 'A theme')
        rooms.set_phase(session, fac, room.id, 'solutions')
        solutions.propose(session, actor, room.id, theme_id, 'a solution', 'fill-key-4')
        rooms.set_phase(session, fac, room.id, 'issues')
    live.publish([])


async def write(phone, *texts: str) -> None:
    """A phone writes issues, one after the other (and lets the room's pages take them in)."""
    for text in texts:
        phone.find(marker='issue-input').type(text)
        phone.find('Add issue').click()
    await settle()


def vote_list(phone: User):
    """The voting phone's one vote list (``VoteList``: every card in one element)."""
    from spcp.pages.components.vote_list import VoteList
    found = [e for e in phone.client.elements.values() if isinstance(e, VoteList)]
    assert len(found) == 1, f'{len(found)} vote lists on the phone'
    return found[0]


def vote(phone: User, text: str, add: bool = True, key: str | None = None) -> None:
    """Tap the card showing ``text`` (``add``) or its take-back (shown only where the phone has a dot).
    A browser sends the tap through its outbox; NiceGUI's simulated user runs no script, so the tap
    goes to the element's ``vote`` handler (the same seam), as the socket would deliver it."""
    shown = vote_list(phone)
    card_id = shown.card_id(text)
    assert card_id is not None, f'no card {text!r} on the phone'
    assert add or shown.dots_on(card_id), f'no take-back on {text!r}: the phone has no dot on it'
    vote_event(phone, card_id, add, key or uuid.uuid4().hex)


def vote_event(phone: User, card_id: int, add: bool, key: str) -> None:
    """Deliver one ``vote`` event to the phone's vote list as the socket would (also a retry of a tap
    whose button is gone by now)."""
    shown = vote_list(phone)
    with phone:
        for listener in list(shown._event_listeners.values()):  # noqa: SLF001 (the socket's path)
            if listener.type == 'vote':
                ui_events.handle_event(listener.handler, ui_events.GenericEventArguments(
                    sender=shown, client=phone.client, args={'card_id': card_id, 'add': add, 'key': key}))


def my_dots(phone: User) -> dict[str, int]:
    """Card text -> this phone's dots on it, for the cards that show dots (and so a take-back)."""
    shown = vote_list(phone)
    return {card['text']: shown.dots_on(card['id']) for card in shown.cards if shown.dots_on(card['id'])}


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
