"""The practice room on the pages: the organizer adds one on the set-up page, its board's room settings
start and stop a rehearsal (the simulated phones themselves are replaced here by a crowd that only
waits: tests/live/test_rehearsal.py runs real ones), a real room's board has no such controls, and the
dashboard marks the practice room."""
from __future__ import annotations

import asyncio

import pytest
from nicegui.testing import User
from sqlmodel import select

from spcp import db
from spcp.domain import access
from spcp.domain.access import Actor
from spcp.domain.models import AuditEntry, Room
from spcp.rehearsal import crowd

from .conftest import settle


@pytest.fixture
def crowds(monkeypatch) -> list[crowd.Crowd]:
    """Crowds started by the pages: they wait until stopped instead of opening phones."""
    started: list[crowd.Crowd] = []

    async def wait(self: crowd.Crowd) -> None:
        started.append(self)
        await asyncio.Event().wait()
    monkeypatch.setattr(crowd.Crowd, 'run', wait)
    yield started
    for one in started:
        if one.task is not None:
            one.task.cancel()


def facilitator(code: str, key: str) -> Actor:
    with db.session() as session:
        return access.facilitator(session, code, key)


async def add_practice_room(user: User, event) -> Room:
    await user.open(f'/organize/{event.id}?key={event.organizer_key}')
    await user.open(f'/organize/{event.id}/setup')
    user.find(marker='add-practice-room').click()
    await settle()
    with db.session() as session:
        return session.exec(select(Room).where(Room.event_id == event.id, Room.practice == True)).one()  # noqa: E712


async def test_the_organizer_adds_a_practice_room_marked_as_such(user: User, event) -> None:
    room = await add_practice_room(user, event)
    assert room.name == 'Practice room' and room.event_id == event.id
    assert user.find(marker=f'room-{room.id}-practice').elements.pop().text == 'Practice room'
    await user.should_not_see(marker=f'room-{event.rooms[0].id}-practice')  # real rooms are not
    await user.open(f'/organize/{event.id}')
    (badge,) = user.find(marker='practice').elements
    assert badge.text == 'Practice room' and badge.visible


async def test_the_board_of_a_practice_room_starts_and_stops_a_rehearsal(create_user, event, crowds) -> None:
    organizer = create_user()
    room = await add_practice_room(organizer, event)
    board = create_user()
    await board.open(f'/board/{room.join_code}?key={room.facilitator_key}')
    status = board.find(marker='rehearsal-status').elements.pop()
    assert status.text == 'No rehearsal is running.'
    board.find(marker='rehearsal-phones').elements.pop().set_value(5)
    board.find(marker='rehearsal-quick').elements.pop().set_value(True)
    board.find(marker='start-rehearsal').click()
    await board.should_see('Rehearsal started.')
    await settle()
    (started,) = crowds
    assert (started.plan.room_id, started.plan.code, started.plan.phones, started.plan.quick) == (
        room.id, room.join_code, 5, True)
    assert status.text.startswith('Simulated phones joined: 0 of 5 · 0 issues · 0 dots · 0 solutions · Ends at ')
    assert not board.find(marker='start-rehearsal').elements.pop().enabled
    again = crowd.start(facilitator(room.join_code, room.facilitator_key), room.id, 5)  # another board, say
    assert (again.done, again.msgid, len(crowds)) == (False, crowd.ALREADY, 1)
    board.find(marker='stop-rehearsal').click()
    await board.should_see('Rehearsal stopped.')
    await settle()
    assert crowd.status(room.id) is None and started.task.cancelled()
    assert status.text == 'No rehearsal is running.'
    with db.session() as session:
        logged = session.exec(select(AuditEntry.action).where(AuditEntry.room_id == room.id)).all()
    assert logged == ['practice.start_rehearsal', 'practice.stop_rehearsal']


async def test_a_real_room_has_no_rehearsal(user: User, event, crowds) -> None:
    room = event.rooms[0]
    await user.open(f'/board/{room.code}?key={room.key}')
    await user.should_see('Change the board key')
    await user.should_not_see(marker='rehearsal')
    outcome = crowd.start(facilitator(room.code, room.key), room.id, 5)
    assert not outcome.done and outcome.msgid.startswith('Simulated phones only join a practice room.')
    assert crowds == [] and crowd.status(room.id) is None
