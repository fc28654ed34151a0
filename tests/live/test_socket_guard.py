"""Over the real websocket: a socket can only act as its own tab, and junk never floods the log.

Each test first shows the forged message would have been understood (the same message from the
right socket works), so a drop means the guard dropped it, not that the message was wrong.
"""
from __future__ import annotations

import json
import time

from .conftest import LiveServer, People, wait_until
from .rawclient import RawClient

QUIET_S = 0.3  # how long "nothing happened" is watched for after a dropped message (localhost: ms suffice)


def cards(live: LiveServer, room: dict) -> list[str]:
    return [row[0] for row in live.query('SELECT text FROM card WHERE room_id = ? ORDER BY id',
                                         live.room_id(room['code']))]


def votes(live: LiveServer, room: dict) -> int:
    return live.query('SELECT count(*) FROM vote WHERE room_id = ?', live.room_id(room['code']))[0][0]


def log_since(live: LiveServer, offset: int) -> str:
    return live.log_text()[offset:]


VISIBLE = {'update', 'notify', 'open', 'download'}  # not run_javascript: ui.query re-sends its props on connect


def quiet(*clients: RawClient) -> list:
    """What a person would see change on these clients while we wait QUIET_S (bounded)."""
    before = [len(client.messages) for client in clients]
    time.sleep(QUIET_S)
    return [message for client, n in zip(clients, before, strict=True) for message in client.messages[n:]
            if message.type in VISIBLE]


def test_a_phone_cannot_click_as_another_phone(live: LiveServer, people: People) -> None:
    room = live.rooms[0]
    board = people.board(room)
    people.advance(board, room, 'issues')
    a, b = people.phone(room), people.phone(room)
    b_input, b_add = b.find_one(label='Your issue'), b.find_one(text='Add issue')
    log_offset = len(live.log_text())

    # phone A learned B's client id: it types and clicks as B, over A's own socket
    a.emit_event(b_input, 'update:value', ['Forged issue'], client_id=b.client_id,
                 listener_id=b.listener_id(b_input, 'update:value'))
    a.emit_event(b_add, 'click', ['forgedkey000001'], client_id=b.client_id,
                 listener_id=b.listener_id(b_add, 'click'))
    assert quiet(a, b) == []
    assert cards(live, room) == []
    forged = [line for line in log_since(live, log_offset).splitlines() if 'forged' in line]
    assert len(forged) == 1 and f'dropped 1 forged event from client {a.client_id}' in forged[0]
    assert b.client_id in forged[0]

    # the same two messages from B's own socket add the card: the forgery was well-formed
    b.type_into(b_input, 'Real issue')
    b.click(b_add, 'realkey00000001')
    b.wait_for_notification('Added. Thank you.')
    assert cards(live, room) == ['Real issue']


def test_a_phone_cannot_vote_as_another_phone(live: LiveServer, people: People) -> None:
    room = live.rooms[1]
    board = people.board(room)
    people.advance(board, room, 'issues')
    writer = people.phone(room)
    writer.type_into(writer.find_one(label='Your issue'), 'Something to vote on')
    writer.click(writer.find_one(text='Add issue'))
    writer.wait_for_notification('Added. Thank you.')
    people.advance(board, room, 'vote')
    a, b = people.phone(room), people.phone(room)
    card = next(c['id'] for c in b.vote_cards() if c['text'] == 'Something to vote on')
    before = votes(live, room)

    # the tap as B's outbox sends it (an event of B's layout), over A's socket
    forged = {'key': 'forgedvote00001', 'room': room['code'], 'kind': 'dot', 'card_id': card}
    a.emit_event(0, 'spcp_outbox', [forged], client_id=b.client_id, listener_id=b.listener_id(0, 'spcp_outbox'))
    assert quiet(b) == []
    assert votes(live, room) == before
    assert a.outbox_acks('forgedvote00001') == b.outbox_acks('forgedvote00001') == []

    b.send_outbox({**forged, 'key': 'realvote0000001'})
    b.wait_for(lambda: b.outbox_acks('realvote0000001') == ['done'], what='my dot acknowledged')
    assert votes(live, room) == before + 1


def test_a_phone_cannot_replay_the_boards_next_phase(live: LiveServer, people: People) -> None:
    room = live.rooms[2]
    board = people.board(room)
    people.advance(board, room, 'issues')
    phone = people.phone(room)
    next_phase = board.find_one(text='Next phase')

    phone.emit_event(next_phase, 'click', client_id=board.client_id,
                     listener_id=board.listener_id(next_phase, 'click'))
    assert quiet(phone, board) == []
    assert live.phase(room['code']) == 'issues'

    board.click(next_phase)  # the board's own click moves the room on
    wait_until(lambda: live.phase(room['code']) == 'vote', what='vote phase')


def malformed_messages(own: str, element_id: int, listener: str) -> list[tuple]:
    """(event name, *payloads): shapes nicegui.js never sends, each aimed at this phone's own client."""
    event = {'id': element_id, 'client_id': own, 'listener_id': listener}
    return [
        ('event', 'not a dict'), ('event', 42), ('event', None), ('event', [own]), ('event',),
        ('event', event, event),                                   # two payloads
        ('event', {}), ('event', {'client_id': own}),              # missing keys
        ('event', {**event, 'client_id': 7}), ('event', {**event, 'id': str(element_id)}),
        ('event', {**event, 'listener_id': ['x']}), ('event', {**event, 'listener_id': 'no-such-listener'}),
        ('event', {**event, 'args': 'not a list'}), ('event', {**event, 'args': [1, 2]}),
        ('event', {**event, 'args': ['{"unclosed": ']}), ('event', {**event, 'args': ['[' * 5000]}),
        ('event', {**event, 'args': ['{' * 60_000]}),  # big, not JSON (under the 64 KiB cap)
        ('ack', {'client_id': own, 'next_message_id': 'soon'}), ('ack', {'client_id': own}),
        ('log', {'client_id': own, 'level': 'shout', 'message': 'x'}), ('log', {'client_id': own, 'level': []}),
        ('javascript_response', {'client_id': own, 'request_id': ['x']}), ('javascript_response', 'x'),
        ('handshake', 'x'), ('handshake', {'client_id': own}), ('handshake', {'client_id': own, 'tab_id': 1}),
    ]


UNDECODABLE = ['2["event",{"id": 1', '2not json', 'zzz', '5-["event"]', '9']  # socket.io packets


def test_malformed_messages_are_dropped_with_one_log_line(live: LiveServer, people: People) -> None:
    room = live.rooms[3]
    board = people.board(room)
    people.advance(board, room, 'issues')
    phone = people.phone(room)
    text_input, add = phone.find_one(label='Your issue'), phone.find_one(text='Add issue')
    log_offset = len(live.log_text())
    shapes = malformed_messages(phone.client_id, add, phone.listener_id(add, 'click'))
    for i in range(500):
        name, *payload = shapes[i % len(shapes)]
        phone.emit_raw(name, *payload)
    for i in range(50):
        phone.send_packet(UNDECODABLE[i % len(UNDECODABLE)])

    # the server still answers this very socket, and new pages
    phone.type_into(text_input, 'Still here')
    phone.click(add)
    phone.wait_for_notification('Added. Thank you.', timeout=10)
    assert cards(live, room) == ['Still here']
    assert people.phone(room).find_one(text='1 issue in the room so far')
    log = log_since(live, log_offset)
    assert 'Traceback' not in log and 'Task exception' not in log, log[-3000:]
    dropped = [line for line in log.splitlines() if 'dropped' in line]
    assert len(dropped) == 2, dropped  # one line a minute for this client, and one for its undecodable packets
    assert 'dropped 1 malformed event from client ' + phone.client_id in dropped[0]
    assert 'dropped 1 malformed event from connection at 127.0.0.1 (packet: ' in dropped[1]


def test_the_log_counts_what_it_dropped_once_a_minute() -> None:
    """The throttle itself, without waiting a minute: a DropLog with a 0.2 s window."""
    import logging

    from spcp.socket_guard import DropLog

    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger = logging.getLogger('spcp.socket_guard')
    logger.addHandler(handler)
    try:
        drops = DropLog(every_s=0.2, max_sources=2)
        for _ in range(5):
            drops.drop('malformed', 'client A', 'first')
        drops.drop('forged', 'client B')
        drops.drop('forged', 'client C')  # a third source: counted with "other sockets"
        drops.drop('forged', 'client D')
        time.sleep(0.25)
        drops.drop('malformed', 'client A')  # no event loop here: the next drop reports the minute
    finally:
        logger.removeHandler(handler)
    assert lines == ['dropped 1 malformed event from client A (first)', 'dropped 1 forged event from client B',
                     'dropped 1 forged event from other sockets', 'dropped 5 malformed events from client A']


def test_json_in_raw_client_matches_nicegui_js() -> None:
    """The raw client encodes each argument on its own, as stringifyEventArgs does."""
    sent: list = []
    client = RawClient('http://127.0.0.1:1')
    client.client_id = 'c'
    client.elements = {5: {'events': [{'type': 'click', 'listener_id': 'L'}]}}
    client.emit_raw = lambda name, payload: sent.append((name, payload))
    client.emit_event(5, 'click', ['k', {'a': 1}, None])
    assert sent == [('event', {'id': 5, 'client_id': 'c', 'listener_id': 'L',
                               'args': [json.dumps('k'), json.dumps({'a': 1}), 'null']})]
