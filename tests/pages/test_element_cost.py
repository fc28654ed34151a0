"""A card must stay cheap for every client: one element on the board, two on a voting phone.
(Measured: four elements a card collapsed at 600 participants; see shared/MEASURED.md.)"""
from __future__ import annotations

from spcp import db, live
from spcp.domain import cards, rooms

from .conftest import facilitate, settle


async def test_one_element_per_card_on_the_board_two_on_a_voting_phone(create_user, event) -> None:
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

    # cards arriving while the room votes (e.g. added just before the phase changed)
    from sqlmodel import select

    from spcp.domain.access import Role
    from spcp.domain.models import Participant
    with db.session() as session:
        pid = session.exec(select(Participant.id)).first()
        actor = cards.Actor(Role.PARTICIPANT, event.id, room.id, pid)
        room_row = session.get(cards.Room, room.id)
        room_row.phase = 'issues'
        session.commit()
        for i in range(10):
            _, changes = cards.submit(session, actor, room.id, f'Card {i}', f'key-{i:04d}')
            live.publish(changes)
        room_row.phase = 'vote'
        session.commit()
    await settle()

    assert len(board.client.elements) - board_before == 10
    assert len(voter.client.elements) - voter_before == 20
