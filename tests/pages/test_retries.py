"""A phone's click that reaches the server twice (a retry after a network drop) counts once:
the browser's key travels with the event and the domain keeps a receipt of it."""
from __future__ import annotations

from nicegui import events
from nicegui.testing import User

from spcp.domain import rooms

from .conftest import card_ids, facilitate, settle, vote, vote_event


def deliver(user: User, element, args: str) -> None:
    """Deliver a click event with the given arguments, as the socket would."""
    with user:
        for listener in element._event_listeners.values():  # noqa: SLF001 (test drives the socket's path)
            if listener.type == 'click':
                events.handle_event(listener.handler,
                                    events.GenericEventArguments(sender=element, client=user.client, args=args))


async def test_the_same_vote_event_twice_counts_once(create_user, event) -> None:
    room = event.rooms[0]
    phone, writer = create_user(), create_user()
    await writer.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    writer.find(marker='issue-input').type('One issue')
    writer.find('Add issue').click()
    facilitate(room, rooms.set_phase, 'vote')
    await phone.open(f'/r/{room.code}')
    vote(phone, 'One issue', key='k3y0000000001')
    vote(phone, 'One issue', key='k3y0000000001')  # the retry
    await phone.should_see('Dots left: 2 of 3')
    await phone.should_not_see('One card takes at most')
    vote(phone, 'One issue', add=False, key='k3y0000000002')
    vote_event(phone, card_ids(room)['One issue'], False, 'k3y0000000002')  # the retry
    await phone.should_see('Dots left: 3 of 3')
    await phone.should_not_see('You have no dot on that card.')


async def test_the_same_submit_event_twice_adds_one_card(create_user, event) -> None:
    room = event.rooms[0]
    phone, board = create_user(), create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await board.open(f'/board/{room.code}?key={room.key}')
    phone.find(marker='issue-input').type('Said once')
    button = phone.find('Add issue').elements.pop()
    deliver(phone, button, 'submitkey00001')
    phone.find(marker='issue-input').type('Said once')  # the page still had the text when the retry came
    deliver(phone, button, 'submitkey00001')
    await settle()
    assert [e.text for e in board.find(marker='board-card').elements] == ['Said once']
    await phone.should_see('1 issue in the room so far')
