"""A card must stay cheap for every client: one element on the board, none on a voting phone, whose
cards are all one element (``VoteList``). (Measured: two NiceGUI buttons a card on 300 phones voting
on 300 cards froze the server for 34 s and took RSS from 177 MB to 1.78 GB; see shared/MEASURED.md.)"""
from __future__ import annotations

import hashlib
import json

from sqlmodel import select

from spcp import db, live
from spcp.domain import cards, rooms
from spcp.domain.access import Role
from spcp.domain.models import Participant

from .conftest import facilitate, settle, vote_list


def add_cards(event, room, texts: list[str]) -> None:
    """Cards arriving while the room votes (e.g. added just before the phase changed), published live."""
    with db.session() as session:
        pid = session.exec(select(Participant.id)).first()
        actor = cards.Actor(Role.PARTICIPANT, event.id, room.id, pid)
        room_row = session.get(cards.Room, room.id)
        room_row.phase, room_row.max_cards_per_participant = 'issues', 1000  # one writer of them all
        session.commit()
        for text in texts:
            key = f'key-{hashlib.blake2b(text.encode(), digest_size=8).hexdigest()}'
            _, changes = cards.submit(session, actor, room.id, text, key)
            live.publish(changes)
        room_row.phase = 'vote'
        session.commit()


async def test_one_element_per_card_on_the_board_none_on_a_voting_phone(create_user, event) -> None:
    room = event.rooms[0]
    writer, voter, board = create_user(), create_user(), create_user()
    await writer.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'vote')
    await voter.open(f'/r/{room.code}')
    await board.open(f'/board/{room.code}?key={room.key}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    await voter.should_see('Dots left: 3 of 3')
    board_before, voter_before = len(board.client.elements), len(voter.client.elements)

    add_cards(event, room, [f'Card {i}' for i in range(10)])
    await settle()

    assert len(board.client.elements) - board_before == 10
    assert len(voter.client.elements) - voter_before == 0
    assert [card['text'] for card in vote_list(voter).cards] == [f'Card {i}' for i in range(10)]


async def test_a_voting_phone_costs_as_many_elements_with_300_cards_as_with_60(create_user, event) -> None:
    room = event.rooms[0]
    writer, early, late = create_user(), create_user(), create_user()
    await writer.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'vote')
    add_cards(event, room, [f'Issue {i}' for i in range(60)])
    await early.open(f'/r/{room.code}')  # built with 60 cards
    await early.should_see('Issue 59')
    with_60 = len(early.client.elements)

    add_cards(event, room, [f'Issue {i}' for i in range(60, 300)])
    await settle()
    await late.open(f'/r/{room.code}')  # built with 300 cards
    await late.should_see('Issue 299')

    assert len(vote_list(late).cards) == len(vote_list(early).cards) == 300
    assert len(early.client.elements) == with_60      # 240 cards arrived live: no element more
    assert len(late.client.elements) == with_60       # built with 300: as many as with 60


async def test_voting_phones_share_one_card_list_and_carry_no_card_text(create_user, event, monkeypatch) -> None:
    """A big list is not in a phone's element (300 copies of 300 cards, serialised at a phase change), only
    the address of the room's list, the same for every phone; a phone that could not fetch it (no longer
    kept) gets its own list as it stands now, cards that arrived since included."""
    from spcp.pages import card_lists
    from spcp.pages.components import vote_list as module
    monkeypatch.setattr(module, 'INLINE_BYTES', 0)  # every list is big
    room = event.rooms[0]
    writer, a, b = create_user(), create_user(), create_user()
    await writer.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'vote')
    add_cards(event, room, ['Lights out', 'No answer'])
    await a.open(f'/r/{room.code}')
    await b.open(f'/r/{room.code}')
    await a.should_see('No answer')
    first = vote_list(a).props['src']
    assert vote_list(b).props['src'] == first and 'cards' not in vote_list(a).props
    assert 'Lights out' not in str(vote_list(a).props)

    add_cards(event, room, ['Late card'])
    await settle()
    assert vote_list(a).props['src'] == first  # the browser got a small put, not a new list
    card_lists.reset()  # e.g. the server kept many other lists since
    with a:
        for listener in list(vote_list(a)._event_listeners.values()):  # noqa: SLF001 (the socket's path)
            if listener.type == 'stale':
                listener.handler(None)
    again = vote_list(a).props['src']
    assert again != first and again.startswith(f'/room-cards/{room.id}/')
    digest = again.rsplit('/', 1)[1]
    kept = card_lists._bodies[(room.id, digest)]  # noqa: SLF001
    assert [c['text'] for c in json.loads(kept.plain)] == ['Lights out', 'No answer', 'Late card']


async def test_a_list_no_longer_kept_is_served_again_at_the_same_address(create_user, event, monkeypatch) -> None:
    """Nothing changed since the phone got its list, but the server dropped it: sharing it again gives
    the same address (the same cards), which must answer again; vote_list.js then fetches it a moment
    after its 404 (its src does not change, so it cannot wait for a new one)."""
    from spcp.pages import card_lists
    from spcp.pages.components import vote_list as module
    monkeypatch.setattr(module, 'INLINE_BYTES', 0)  # every list is big
    room = event.rooms[0]
    writer, a = create_user(), create_user()
    await writer.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'vote')
    add_cards(event, room, ['Lights out'])
    await a.open(f'/r/{room.code}')
    await a.should_see('Lights out')
    first = vote_list(a).props['src']
    card_lists.reset()
    assert (room.id, first.rsplit('/', 1)[1]) not in card_lists._bodies  # noqa: SLF001 (what a 404 means)
    with a:
        for listener in list(vote_list(a)._event_listeners.values()):  # noqa: SLF001 (the socket's path)
            if listener.type == 'stale':
                listener.handler(None)
    assert vote_list(a).props['src'] == first
    assert (room.id, first.rsplit('/', 1)[1]) in card_lists._bodies  # noqa: SLF001 (the refetch finds it)


async def test_a_small_list_rides_in_the_element_one_tuple_for_the_room(create_user, event) -> None:
    """A room of ten's list is sent with the element (no fetch: a round trip per phone at a phase change),
    the room's one tuple in every phone's element (never copied per phone), kept current as cards come."""
    from spcp.pages.components.vote_list import INLINE_BYTES
    room = event.rooms[0]
    writer, a, b = create_user(), create_user(), create_user()
    for phone in (writer, a, b):
        await phone.open(f'/r/{room.code}')
    add_cards(event, room, ['Lights out', 'No answer'])
    for phase in ('themes', 'vote'):  # the phones re-read the room together: one read for the room
        facilitate(room, rooms.set_phase, phase)
        await settle()
    await a.should_see('No answer')
    assert 'src' not in vote_list(a).props and isinstance(vote_list(a).props['cards'], tuple)
    assert vote_list(a).props['cards'] is vote_list(b).props['cards']
    assert [c['text'] for c in vote_list(a).props['cards']] == ['Lights out', 'No answer']

    add_cards(event, room, ['Late card'])
    await settle()
    assert [c['text'] for c in vote_list(a).props['cards']] == ['Lights out', 'No answer', 'Late card']
    add_cards(event, room, [f'A long card about the bus stop, number {i}, ' + 'x' * 200 for i in range(40)])
    await settle()
    shown = [c['text'] for c in vote_list(a).props['cards']]  # past the size, still in the element: no new list
    assert len(shown) == 43 and len(json.dumps(shown)) > INLINE_BYTES
    late = create_user()
    await late.open(f'/r/{room.code}')  # a phone opened now gets the address of the room's list
    assert 'cards' not in vote_list(late).props and vote_list(late).props['src'].startswith(f'/room-cards/{room.id}/')
