"""``SPCP_TRUSTED_PROXIES`` against a real ``spcp serve``: phones behind a proxy, counted apart only when the
proxy is trusted.

Two servers with small per-address limits (page loads, joins, actions): ``untrusted`` has the default
(no proxy trusted), ``trusted`` trusts ``127.0.0.1`` and ``127.0.1.0/24``. A "proxy" is a local source
address (Linux routes all of 127.0.0.0/8 to the loopback interface); each phone behind it sends
``X-Forwarded-For`` on its page loads and on its websocket, as HAProxy, Caddy or nginx would. Each test
uses its own proxy address and its own forwarded addresses, so no test spends another's allowance.
The unit tests of the same rules (and of the setting) are in tests/test_trusted_proxies.py.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
import requests
import socketio

from .conftest import LiveServer, People, running_server, wait_until
from .rawclient import SOCKET_PATH, RawClient
from .test_limits_live import ADDED, FULL, TOO_FAST, browser

PAGE_LOADS = 5
LIMITS = {'SPCP_PAGE_LOADS_PER_ADDRESS': f'{PAGE_LOADS} per minute', 'SPCP_JOINS_PER_ADDRESS': '1',
          'SPCP_ACTIONS_PER_ADDRESS': '2 per minute'}
TRUSTED = '127.0.0.1, 127.0.1.0/24'


@pytest.fixture(scope='module')
def untrusted_server(tmp_path_factory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory, 'untrusted-proxy', LIMITS) as server:
        yield server


@pytest.fixture(scope='module')
def trusted_server(tmp_path_factory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory, 'trusted-proxy', {**LIMITS, 'SPCP_TRUSTED_PROXIES': TRUSTED}) as server:
        yield server


@pytest.fixture(params=['untrusted', 'trusted'])
def server(request) -> LiveServer:
    return request.getfixturevalue(f'{request.param}_server')


def through(proxy: str, forwarded_for: str) -> requests.Session:
    """A new browser whose requests reach the server from ``proxy``, saying they come from ``forwarded_for``."""
    http = browser(proxy)
    http.headers['X-Forwarded-For'] = forwarded_for
    return http


class ProxiedTab(RawClient):
    """A raw tab behind a proxy: its websocket's upgrade request carries the same X-Forwarded-For."""

    def _connect(self, timeout: float) -> None:  # RawClient._connect, with the header on the websocket
        query = {'client_id': self.client_id, 'tab_id': self.tab_id, 'document_id': str(uuid.uuid4()),
                 'next_message_id': self._next_message_id, 'implicit_handshake': 'true'}
        self.sio = socketio.Client(reconnection=False, http_session=self.http, request_timeout=timeout)
        self.sio.on('*', self._on_message)
        self.sio.on('disconnect', self._on_disconnect)
        self.sio.connect(f'{self.base_url}?{urlencode(query)}', socketio_path=SOCKET_PATH, transports=['websocket'],
                         headers={'X-Forwarded-For': self.http.headers['X-Forwarded-For']}, wait_timeout=timeout)


def join(live: LiveServer, room: dict, proxy: str, phone: str) -> tuple[str, ProxiedTab]:
    """A new phone behind ``proxy`` opens the room: 'joined' or 'refused' (the room's limit per address)."""
    tab = ProxiedTab(live.base_url, through(proxy, phone)).open(room['join_url'])
    # the room may be on the page before it has joined: joined once 'Connecting…' is gone
    outcome = tab.wait_for(lambda: 'refused' if tab.find(text='Cannot join this room') else 'joined'
                           if tab.find(classes='phone-room') and not tab.find(text='Connecting…') else '',
                           what='join or refusal')
    assert outcome == 'joined' or FULL in tab.texts()
    return outcome, tab


def page_loads(live: LiveServer, proxy: str, *forwarded_for: str) -> list[int]:
    """The status of one home page load per forwarded address (a new browser each)."""
    return [through(proxy, address).get(live.base_url + '/', timeout=5).status_code for address in forwarded_for]


def test_page_loads_are_counted_per_forwarded_address_only_from_a_trusted_proxy(server: LiveServer) -> None:
    trusted = 'SPCP_TRUSTED_PROXIES' in server.env
    # from 127.0.0.1, whose own allowance the server's start-up check has begun: what uvicorn trusted alone
    first = []
    for _ in range(PAGE_LOADS + 1):
        first += page_loads(server, '127.0.0.1', '10.1.0.1')
        if first[-1] == 429:
            break
    second = page_loads(server, '127.0.0.1', '10.1.0.2')
    if trusted:
        assert (first, second) == ([200] * PAGE_LOADS + [429], [200])
    else:  # one address: the start-up check's load and both phones' count together
        assert first == [200] * (len(first) - 1) + [429] and len(first) <= PAGE_LOADS
        assert second == [429]


def test_joins_are_counted_per_forwarded_address_only_from_a_trusted_proxy(server: LiveServer) -> None:
    trusted = 'SPCP_TRUSTED_PROXIES' in server.env
    room, tabs = server.rooms[0], []
    try:
        outcomes = []
        for phone in ('10.2.0.1', '10.2.0.2', '10.2.0.1'):  # two phones, the first of them twice
            outcome, tab = join(server, room, '127.0.1.1', phone)
            outcomes.append(outcome)
            tabs.append(tab)
        assert outcomes == (['joined', 'joined', 'refused'] if trusted else ['joined', 'refused', 'refused'])
        # the websocket's scope names the phone too: a message forged over it is logged with its address (the
        # websocket library leaves from 127.0.0.1 whatever the page's requests do: a proxy of ours, or not)
        log_offset = len(server.log_text())
        forger, victim = tabs[0], tabs[1]
        forger.emit_event(1, 'click', [], client_id=victim.client_id, listener_id='x')
        line = _wait_for_line(server, log_offset, f'forged event from client {forger.client_id}')
        assert f' at {"10.2.0.1" if trusted else "127.0.0.1"} (' in line, line
    finally:
        for tab in tabs:
            tab.close()
    joined = server.query('SELECT count(*) FROM participant WHERE room_id = ?', server.room_id(room['code']))[0][0]
    assert joined == (2 if trusted else 1)


def _wait_for_line(live: LiveServer, offset: int, text: str) -> str:
    return wait_until(lambda: next((line for line in live.log_text()[offset:].splitlines() if text in line), ''),
                      what=f'a log line with {text!r}')


def submit(tab: RawClient, text: str) -> str:
    """Add an issue card; the notification it brings."""
    before = len(tab.notifications())
    tab.type_into(tab.find_one(label='Your issue'), text)
    tab.click(tab.find_one(text='Add issue'))
    tab.wait_for(lambda: len(tab.notifications()) > before, what=f'answer to {text!r}')
    return tab.notifications()[before]


def test_actions_are_counted_per_forwarded_address_only_from_a_trusted_proxy(server: LiveServer) -> None:
    trusted = 'SPCP_TRUSTED_PROXIES' in server.env
    rooms, tabs = server.rooms[1:3], []
    try:
        for n, room in enumerate(rooms):  # boards straight from their own addresses, no proxy
            board = RawClient(server.base_url, browser(f'127.0.2.{n + 1}')).open(room['facilitator_url'])
            tabs.append(board)
            People(server).advance(board, room, 'issues')
        first, second = (join(server, room, '127.0.1.2', phone) for room, phone in zip(rooms, ('10.3.0.1', '10.3.0.2'),
                                                                                         strict=True))
        tabs += [first[1], second[1]]
        assert (first[0], second[0]) == ('joined', 'joined')  # two rooms: the join limit is per room
        said = [submit(first[1], 'Lighting'), submit(first[1], 'Parking'), submit(second[1], 'Noise'),
                submit(first[1], 'Traffic')]
    finally:
        for tab in tabs:
            tab.close()
    assert said[:2] == [ADDED, ADDED]
    assert TOO_FAST.fullmatch(said[3])  # the allowance of 10.3.0.1, or of the proxy's one address
    assert (said[2] == ADDED) if trusted else TOO_FAST.fullmatch(said[2]), said


def test_a_forwarded_chain_counts_its_right_most_untrusted_address(trusted_server: LiveServer) -> None:
    """A phone writes whatever it likes into X-Forwarded-For; the proxy appends where it really came from."""
    live = trusted_server
    spoofed = [f'198.51.100.{n}, 10.4.0.1' for n in range(PAGE_LOADS + 1)]  # a new lie each time: one phone
    assert page_loads(live, '127.0.1.3', *spoofed) == [200] * PAGE_LOADS + [429]
    # claiming the address that is out of allowance costs another phone nothing, and the reverse
    assert page_loads(live, '127.0.1.3', '10.4.0.1, 10.4.0.2', '10.4.0.2, 10.4.0.1') == [200, 429]
    # through two proxies of ours (127.0.0.1, then 127.0.1.3): the phone is left of both
    assert page_loads(live, '127.0.1.3', '10.4.0.1, 127.0.0.1', '10.4.0.3, 127.0.0.1') == [429, 200]
    # a proxy that is not ours (127.0.3.1) is believed by nobody: its own address counts
    assert page_loads(live, '127.0.3.1', *(f'10.4.1.{n}' for n in range(PAGE_LOADS + 1))) == \
        [200] * PAGE_LOADS + [429]

