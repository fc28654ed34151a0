"""The per-address and per-message limits, against a real ``spcp serve`` with every limit at its default.

Each test drives the server over HTTP and its websocket as phones would, asserts exactly what the
people involved are told, and compares the whole database before and after: a refused request
changes nothing, an allowed one changes only its own rows.

Every limit here is counted per network address (the address of the page's HTTP request), so each
test sends from its own loopback address (``127.0.0.2``, ``127.0.0.3``...: Linux routes all of
``127.0.0.0/8`` to the loopback interface) and starts with full allowances, whatever ran before.
Boards and the fixture's start-up check come from ``127.0.0.1``.
"""
from __future__ import annotations

import contextlib
import re
from urllib.parse import urlencode

import pytest
import requests
import socketio
from requests.adapters import HTTPAdapter

from spcp.domain.rooms import GROUPS

from .conftest import LiveServer, People, wait_until
from .rawclient import SOCKET_PATH, PageError, RawClient, parse_page

PAGE_LOADS_PER_10_S = 30    # SPCP_PAGE_LOADS_PER_ADDRESS: '30 per 10 seconds;120 per minute'
JOINS_PER_ADDRESS = 4       # SPCP_JOINS_PER_ADDRESS
CODE_GUESSES = 10           # SPCP_CODE_GUESSES_PER_ADDRESS: '10 per minute;60 per hour'
ACTIONS_PER_10_S = 30       # SPCP_ACTIONS_PER_PARTICIPANT: '30 per 10 seconds;120 per minute'
TOO_FAST = re.compile(r'Too many at once: wait (\d+) seconds, then try again\. Nothing you wrote is lost\.')
FULL = ('This room already has as many phones from your network as it allows. '
        'If you are a new participant, ask the facilitator.')
ADDED = 'Added. Thank you.'


class _FromAddress(HTTPAdapter):
    """Connections that leave from one local address, so the server sees that address."""

    def __init__(self, address: str) -> None:
        self.address = address  # before super().__init__(), which builds the pool manager
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def browser(address: str) -> requests.Session:
    """A new browser (empty cookie jar) on a device with this network address."""
    http = requests.Session()
    http.mount('http://', _FromAddress(address))
    return http


def dump(live: LiveServer) -> dict[str, set[tuple]]:
    """Every row of every table, to tell exactly what a test changed."""
    tables = [row[0] for row in live.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {table: set(live.query(f'SELECT * FROM "{table}"')) for table in tables}


def changed(before: dict[str, set[tuple]], after: dict[str, set[tuple]]) -> dict[str, tuple[int, int]]:
    """``{table: (rows added, rows removed)}`` for each table that changed (an updated row counts as both)."""
    return {table: (len(rows - before[table]), len(before[table] - rows))
            for table, rows in after.items() if rows != before[table]}


def participants(live: LiveServer, room: dict) -> int:
    return live.query('SELECT count(*) FROM participant WHERE room_id = ?', live.room_id(room['code']))[0][0]


def too_fast_seconds(text: str) -> int:
    match = TOO_FAST.fullmatch(text)
    assert match, f'not a rate refusal: {text!r}'
    return int(match.group(1))


@pytest.fixture
def people(limits_server: LiveServer):
    opened = People(limits_server)
    yield opened
    opened.close()


# ---------- 1. one address cannot fill a room with new participants ----------

def join_once(live: LiveServer, room: dict, address: str) -> str:
    """A new browser opens the join URL and connects: 'joined', 'refused' (with the reason) or 'http 429'."""
    http = browser(address)
    responses: list[requests.Response] = []
    http.hooks['response'].append(lambda response, *_, **__: responses.append(response))
    phone = RawClient(live.base_url, http)
    try:
        phone.open(room['join_url'])
    except PageError:
        (response,) = responses
        assert response.status_code == 429, response.text[:300]
        assert 1 <= int(response.headers['Retry-After']) <= 60
        assert 'Too many pages opened from this device.' in response.text
        return 'http 429'
    try:
        outcome = phone.wait_for(lambda: 'refused' if phone.find(text='Cannot join this room')
                                 else 'joined' if phone.find(classes='spcp-outbox') else '', what='join or refusal')
        if outcome == 'refused':  # the room shown before the socket connected has left the screen
            assert FULL in phone.texts() and not phone.find(classes='phone-room')
        return outcome
    finally:
        phone.close()


def test_one_address_makes_at_most_four_participants_and_a_plain_get_makes_none(limits_server: LiveServer) -> None:
    live, room = limits_server, limits_server.rooms[0]
    before = dump(live)

    # 50 link previews / prefetches: cookie-less GETs that never connect a socket
    statuses = [browser('127.0.0.3').get(room['join_url'], timeout=5).status_code for _ in range(50)]
    assert statuses[:PAGE_LOADS_PER_10_S] == [200] * PAGE_LOADS_PER_10_S
    assert set(statuses) <= {200, 429}
    assert dump(live) == before, 'a GET without a socket changed the database'

    # 60 "new phones" from one address: cookie-less, each really connects
    outcomes = [join_once(live, room, '127.0.0.2') for _ in range(60)]
    served = outcomes.count('joined') + outcomes.count('refused')
    assert outcomes[:JOINS_PER_ADDRESS] == ['joined'] * JOINS_PER_ADDRESS
    assert outcomes[JOINS_PER_ADDRESS:PAGE_LOADS_PER_10_S] == ['refused'] * (PAGE_LOADS_PER_10_S - JOINS_PER_ADDRESS)
    assert outcomes.count('joined') == JOINS_PER_ADDRESS
    assert served + outcomes.count('http 429') == 60, outcomes
    assert participants(live, room) == JOINS_PER_ADDRESS
    assert changed(before, dump(live)) == {'participant': (JOINS_PER_ADDRESS, 0)}


# ---------- 2. codes cannot be guessed one after another ----------

def opened(page: RawClient) -> list[str]:
    """The paths the server told this page to go to (``ui.navigate.to``)."""
    return [m.data['path'] for m in page.messages if m.type == 'open' and isinstance(m.data, dict)]


def test_guessing_codes_over_one_home_page_socket_is_slowed_down(limits_server: LiveServer) -> None:
    live = limits_server
    real = {room['code'] for room in live.rooms}
    wrong = [f'WXY{n:03d}' for n in range(15)]  # the form of a real code (letters from CODE_LETTERS)
    assert real.isdisjoint(wrong)
    before = dump(live)
    home = RawClient(live.base_url, browser('127.0.0.4')).open('/')
    try:
        code_input, join = home.find_one(label='Room code'), home.find_one(text='Join')
        for n, code in enumerate([*wrong, live.rooms[0]['code']]):
            home.type_into(code_input, code)
            home.click(join)
            home.wait_for(lambda n=n: len(home.notifications()) > n or opened(home), what=f'answer to code {n + 1}')
        assert opened(home) == []  # not even the right code opened the room
        shown = home.notifications()
        assert shown[:CODE_GUESSES] == [f'No room has the code {code}. Check the code and try again.'
                                        for code in wrong[:CODE_GUESSES]]
        waits = [too_fast_seconds(text) for text in shown[CODE_GUESSES:]]
        assert len(waits) == 6 and all(1 <= seconds <= 60 for seconds in waits)  # 5 wrong codes, then the right one
    finally:
        home.close()

    # the same right code from another address opens the room: the refusal above was the limit
    other = RawClient(live.base_url, browser('127.0.0.5')).open('/')
    try:
        other.type_into(other.find_one(label='Room code'), live.rooms[0]['code'])
        other.click(other.find_one(text='Join'))
        assert other.wait_for(lambda: opened(other), what='navigation') == [f"/r/{live.rooms[0]['code']}"]
    finally:
        other.close()
    assert dump(live) == before


# ---------- 3. an oversized message costs its sender the socket, nobody else anything ----------

def test_an_oversized_message_closes_its_socket_and_other_rooms_go_on(limits_server: LiveServer,
                                                                        people: People) -> None:
    live = limits_server
    flooded, other_room = live.rooms[1], live.rooms[2]
    for room in (flooded, other_room):
        people.advance(people.board(room), room, 'issues')
    sender, neighbour = people.phone(flooded, browser('127.0.0.6')), people.phone(other_room, browser('127.0.0.6'))
    text_box, add = sender.find_one(label='Your issue'), sender.find_one(text='Add issue')
    before = dump(live)

    # just under 64 KiB the message arrives: the card is refused as too long, the socket stays
    sender.type_into(text_box, 'x' * 60_000)
    sender.click(add)
    sender.wait_for_notification('Please keep it to 280 characters or fewer (now 60,000).')  # the reader's digits

    sender.type_into(text_box, 'x' * 900_000)
    with contextlib.suppress(socketio.exceptions.SocketIOError):  # the socket may already be gone
        sender.click(add)
    wait_until(lambda: not sender.connected, what='the server closing the oversized socket')
    assert ADDED not in sender.notifications()

    neighbour.type_into(neighbour.find_one(label='Your issue'), 'Still heard')
    neighbour.click(neighbour.find_one(text='Add issue'))
    neighbour.wait_for_notification(ADDED)
    assert live.query('SELECT room_id, text FROM card WHERE room_id IN (?, ?)', live.room_id(flooded['code']),
                      live.room_id(other_room['code'])) == [(live.room_id(other_room['code']), 'Still heard')]
    assert changed(before, dump(live)) == {'card': (1, 0), 'receipt': (1, 0)}


# ---------- 4. only this server's own pages may open a socket ----------

def open_socket(live: LiveServer, origin: str, transport: str) -> socketio.Client:
    """A socket.io connection for a freshly loaded home page, claiming to come from a page at ``origin``."""
    http = browser('127.0.0.7')
    page = http.get(live.base_url + '/', timeout=5)
    client_id, next_message_id, _ = parse_page(page.text)
    query = {'client_id': client_id, 'tab_id': 'tab', 'document_id': 'doc', 'next_message_id': next_message_id,
             'implicit_handshake': 'true'}
    # websocket-client adds its own "Origin: http://<host>" and sends connect(headers=...) after it, so the
    # server would read two origins joined by a comma: the websocket's origin goes in its own option
    sio = socketio.Client(reconnection=False, http_session=http, request_timeout=5,
                          websocket_extra_options={'origin': origin})
    sio.connect(f'{live.base_url}?{urlencode(query)}', socketio_path=SOCKET_PATH, transports=[transport],
                headers={'Origin': origin} if transport == 'polling' else {}, wait_timeout=5)
    return sio


def hang_up(sio: socketio.Client) -> None:
    """Close without waiting: python-engineio's polling client may otherwise wait out its long poll (~30 s)."""
    sio.eio.disconnect(abort=True)


@pytest.mark.parametrize('transport', ['websocket', 'polling'])
def test_a_socket_from_another_origin_is_refused(limits_server: LiveServer, transport: str) -> None:
    live = limits_server
    before = dump(live)
    for origin in ('http://evil.example', f'http://127.0.0.1:{live.port + 1}', 'null'):
        with pytest.raises(socketio.exceptions.ConnectionError):  # polling: status 400; websocket: refused upgrade
            hang_up(open_socket(live, origin, transport))

    own = open_socket(live, live.base_url, transport)  # the same connection from the page's own origin
    try:
        assert own.connected
    finally:
        hang_up(own)
    assert dump(live) == before


# ---------- 5. one phone's burst of actions ----------

def test_a_burst_of_actions_from_one_phone_stops_at_thirty(limits_server: LiveServer, people: People) -> None:
    """Choosing a group is an action that nothing else caps (unlike cards or dots): 40 changes at once."""
    live, room = limits_server, limits_server.rooms[3]
    phone = people.phone(room, browser('127.0.0.8'))
    radio = phone.find_one(aria_label='Your group')
    options = ['', *GROUPS]  # the radio's option values, by index, as the page lists them
    allowed = ['community', 'law_enforcement'] * (ACTIONS_PER_10_S // 2)
    over = ['faith', 'youth'] * 5  # each differs from the one before, so every one is a change
    before = dump(live)

    for group in allowed + over:
        phone.emit_event(radio, 'update:modelValue', [options.index(group)])
    # 30 commits must fit in the 10-second window (they take ~10 ms each): a long bound for a loaded machine
    phone.wait_for(lambda: len(phone.notifications()) >= 40, timeout=20, what='40 answers')

    shown = phone.notifications()
    assert shown[:ACTIONS_PER_10_S] == ['Saved.'] * ACTIONS_PER_10_S, shown
    assert len(shown) == 40 and all(1 <= too_fast_seconds(text) <= 10 for text in shown[ACTIONS_PER_10_S:])
    assert live.query('SELECT "group" FROM participant WHERE room_id = ?', live.room_id(room['code'])) == \
        [(allowed[-1],)]  # the last saved choice; none of the refused ones
    assert changed(before, dump(live)) == {'participant': (1, 1)}
