"""A rehearsal in a real ``spcp serve`` with every limit at its default: the facilitator starts five
simulated phones in a practice room from the board, moves the room to Issues and Vote, and the
board receives the phones' cards and dots (spcp/rehearsal/crowd.py).

Five phones from one address is more than ``SPCP_JOINS_PER_ADDRESS`` (4) lets into a room: they all
join because the rehearsal lifts that limit for its own address in its practice room while it runs
(tests/test_rehearsal.py checks it stays there). Quick pace: the people act within seconds. Every
wait is bounded.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from spcp import db
from spcp.domain import access, practice
from spcp.domain.models import Event, Room

from .conftest import LiveServer, running_server, wait_until
from .rawclient import RawClient

PHONES = 5
DOTS = 3  # the session plan's dots per participant


@pytest.fixture(scope='module')
def server(tmp_path_factory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory, 'rehearsal', {}) as live:
        yield live


def add_practice_room(live: LiveServer) -> tuple[str, str]:
    """A practice room added as the organizer adds it (the domain, on the server's database file);
    returns its code and its board's sign-in link."""
    engine = db.make_engine(f'sqlite:///{live.database}')
    try:
        with Session(engine) as session:
            event_id, key = session.exec(select(Event.id, Event.organizer_key)).first()
            organizer = access.organizer(session, event_id, key)
            room_id, _ = practice.add_practice_room(session, organizer, event_id, 'Practice room')
            room = session.get(Room, room_id)
            return room.join_code, f'{live.base_url}/board/{room.join_code}?key={room.facilitator_key}'
    finally:
        engine.dispose()


def next_phase(live: LiveServer, board: RawClient, code: str, phase: str) -> None:
    board.click(board.find_one(text='Next phase'))
    wait_until(lambda: live.phase(code) == phase, what=f'the room in {phase}')


def count(live: LiveServer, sql: str, code: str) -> int:
    return live.query(sql, live.room_id(code))[0][0]


def shown_cards(board: RawClient) -> list[dict]:
    return [board.element(i) for i in board.find(classes='board-card')]


def test_simulated_phones_fill_a_practice_room_and_follow_its_phases(server: LiveServer) -> None:
    code, board_link = add_practice_room(server)
    board = RawClient(server.base_url).open(board_link)
    try:
        board.type_into(board.find_one(label='Simulated phones'), PHONES)
        board.emit_event(board.find_one(text='Quick pace'), 'update:modelValue', [True])
        board.click(board.find_one(text='Start rehearsal'))
        board.wait_for_notification('Rehearsal started.')
        wait_until(lambda: count(server, 'SELECT COUNT(*) FROM participant WHERE room_id = ?', code) == PHONES,
                   timeout=20, what='five simulated participants')

        next_phase(server, board, code, 'issues')
        board.wait_for(lambda: len(shown_cards(board)) >= PHONES, timeout=20, what='the phones\' issues')

        next_phase(server, board, code, 'vote')
        spent = PHONES * DOTS
        wait_until(lambda: count(server, 'SELECT COUNT(*) FROM vote WHERE room_id = ?', code) == spent,
                   timeout=20, what='every simulated phone spending its dots')
        board.emit_event(board.find_one(text='Show votes'), 'update:modelValue', [True])
        board.wait_for(lambda: sum(int(c['props'].get('data-votes') or 0) for c in shown_cards(board)) == spent,
                       what='the dots on the board')

        board.click(board.find_one(text='Stop rehearsal'))
        board.wait_for_notification('Rehearsal stopped.')
        board.wait_for(lambda: board.find(text='No rehearsal is running.'), what='the rehearsal ended')
    finally:
        board.close()
    assert server.query('SELECT practice FROM room WHERE join_code = ?', code) == [(1,)]
    audit = [row[0] for row in server.query('SELECT action FROM audit_entry WHERE room_id = ? ORDER BY id',
                                            server.room_id(code))]
    assert audit[0] == 'practice.start_rehearsal' and audit[-1] == 'practice.stop_rehearsal'

