"""The server side of the phone's outbox: items delivered as the browser's outbox sends them
(a retried key counts once, a refusal for good gives the text back, a limit says try later,
malformed items change nothing). The browser side is tested in tests/browser."""
from __future__ import annotations

import asyncio
import os
import threading

import pytest
from nicegui import events
from nicegui.testing import User

from spcp import actions, settings
from spcp.domain import rooms
from spcp.pages.outbox import Outbox

from .conftest import card_ids, facilitate, settle


@pytest.fixture
def acks(monkeypatch) -> list[tuple]:
    """What the server acknowledged to the phone's script (key, state, seconds)."""
    seen: list[tuple] = []
    monkeypatch.setattr(Outbox, 'ack', staticmethod(lambda key, state, seconds=0: seen.append((key, state, seconds))))
    return seen


def deliver(phone: User, item: dict) -> None:
    """As ``emitEvent('spcp_outbox', item)`` in the browser does."""
    layout = phone.client.layout
    with phone:
        for listener in list(layout._event_listeners.values()):  # noqa: SLF001 (the socket's path)
            if listener.type == 'spcp_outbox':
                events.handle_event(listener.handler,
                                    events.GenericEventArguments(sender=layout, client=phone.client, args=item))


async def test_a_submit_from_the_outbox_counts_once(create_user, event, acks) -> None:
    room = event.rooms[0]
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    item = {'key': 'outbox0000001', 'room': room.code, 'kind': 'submit', 'text': 'Typed while offline'}
    deliver(phone, item)
    deliver(phone, item)  # sent again after a reconnect: the same key
    await settle()
    assert list(card_ids(room)) == ['Typed while offline']
    assert acks == [('outbox0000001', 'done', 0), ('outbox0000001', 'done', 0)]
    await phone.should_see('Added. Thank you.')


async def test_a_submit_after_the_room_moved_on_is_given_back(create_user, event, acks) -> None:
    room = event.rooms[0]
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    deliver(phone, {'key': 'outbox0000002', 'room': room.code, 'kind': 'submit', 'text': 'Written in Issues'})
    await phone.should_see('Issues can only be added while the room is naming issues.')
    assert acks == [('outbox0000002', 'kept', 0)] and card_ids(room) == {}


async def test_a_limit_keeps_the_item_for_later(create_user, event, acks, monkeypatch) -> None:
    monkeypatch.setenv('SPCP_ACTIONS_PER_PARTICIPANT', '1 per minute')
    actions.configure(settings.load())
    room = event.rooms[0]
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    for n in (1, 2):
        deliver(phone, {'key': f'outboxlimit{n:03d}', 'room': room.code, 'kind': 'submit', 'text': f'issue {n}'})
    await settle()  # a done is told once the commit is on disk (spcp/group_commit.py): the retry may come first
    assert dict((key, state) for key, state, _ in acks) == {'outboxlimit001': 'done', 'outboxlimit002': 'retry'}
    assert 1 <= next(seconds for _, state, seconds in acks if state == 'retry') <= 60
    assert list(card_ids(room)) == ['issue 1']


async def test_votes_and_endorsements_from_the_outbox(create_user, event, acks) -> None:
    room = event.rooms[0]
    writer, phone = create_user(), create_user()
    await writer.open(f'/r/{room.code}')
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    deliver(writer, {'key': 'outboxwrite01', 'room': room.code, 'kind': 'submit', 'text': 'One issue'})
    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    card = card_ids(room)['One issue']
    deliver(phone, {'key': 'outboxdot0001', 'room': room.code, 'kind': 'dot', 'card_id': card})
    deliver(phone, {'key': 'outboxdot0001', 'room': room.code, 'kind': 'dot', 'card_id': card})
    await phone.should_see('Dots left: 2 of 3')
    deliver(phone, {'key': 'outboxundot01', 'room': room.code, 'kind': 'undot', 'card_id': card})
    await phone.should_see('Dots left: 3 of 3')
    await settle()
    assert [state for _, state, _ in acks] == ['done'] * 4


@pytest.mark.parametrize('item', [
    {'key': 'bad key!', 'kind': 'submit', 'text': 'x'},                 # not a phone's key
    {'key': 'outbox0000009', 'kind': 'submit', 'text': 'x', 'room': 'ZZZ999'},  # another room
    {'key': 'outbox0000009', 'kind': 'dot', 'card_id': True},           # a boolean is no card id
    {'key': 'outbox0000009', 'kind': 'dot', 'card_id': '1'},
    {'key': 'outbox0000009', 'kind': 'format_disk'},
    ['not', 'a', 'dict'],
])
async def test_malformed_items_change_nothing(create_user, event, acks, item) -> None:
    room = event.rooms[0]
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    if isinstance(item, dict):
        item = {'room': room.code, **item}
    deliver(phone, item)
    await settle()
    assert card_ids(room) == {}
    assert all(state == 'dropped' for _, state, _ in acks)



async def test_done_is_told_only_once_the_commit_is_on_disk(create_user, event, acks, monkeypatch) -> None:
    """The server commits without waiting for the disk and syncs off the loop (spcp/group_commit.py); the phone
    forgets an item once told done, so that is told after the sync. A held sync holds the acknowledgement."""
    from spcp import group_commit
    gate, real_fsync = threading.Event(), os.fsync
    monkeypatch.setattr(group_commit.os, 'fsync', lambda descriptor: (gate.wait(5), real_fsync(descriptor)))
    assert group_commit._current is not None  # noqa: SLF001 (the server installed it for its SQLite file)
    room = event.rooms[0]
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    deliver(phone, {'key': 'outboxdisk001', 'room': room.code, 'kind': 'submit', 'text': 'Kept on disk'})
    await settle()
    assert list(card_ids(room)) == ['Kept on disk'] and acks == []  # committed, not yet told
    gate.set()
    for _ in range(100):
        await asyncio.sleep(0.02)
        if acks:
            break
    assert acks == [('outboxdisk001', 'done', 0)]
