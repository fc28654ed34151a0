"""The load generator's phones and boards send what Chromium sends (bench/load_phones.py).

In one room, a real Chromium phone and board and a generator phone and board do the same things: the
board moves the room on (Chromium: Welcome -> Issues, generator: Issues -> Vote), each phone submits
an issue and puts a dot on a card. Every websocket frame each side sends is recorded (Playwright's
``websocket``/``framesent`` for Chromium, the generator's own record) and compared by structure,
not by ids: the socket URL's query names, the socket.io packets, each ``event``'s keys, its
arguments (the outbox item's keys in order and their types, the text box's value), the ``ack``. A
cold load fetches the same scripts and styles (fonts aside: a browser fetches only those its glyphs use).
"""
from __future__ import annotations

import asyncio
import json
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import CHROMIUM, heading

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'bench'))
import load_phones as lp  # noqa: E402

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed (apt-get install chromium)'),
]

expect = pytest.importorskip('playwright.sync_api').expect

WAIT_S = 10.0
FONT = re.compile(r'\.(woff2?|ttf)$')


@pytest.fixture(scope='module')
def room_server(make_server):
    """A server of our own: its rooms' phases are ours to move, and the per-address limits are off."""
    return make_server(SPCP_JOINS_PER_ADDRESS='0', SPCP_PAGE_LOADS_PER_ADDRESS='')


class Generator:
    """The generator's tabs live on an event loop of their own thread (Playwright's sync API has the
    test's); ``call`` runs one coroutine there and waits for it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.tabs: list[lp.Tab] = []

    def call(self, coroutine: Any, timeout: float = WAIT_S) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def open(self, base_url: str, path: str) -> lp.Tab:
        async def opened() -> lp.Tab:
            tab = lp.Tab(base_url, record=True, assets=True)
            self.tabs.append(tab)
            return await tab.open(path)
        return self.call(opened())

    def wait(self, tab: lp.Tab, predicate: Any, what: str) -> Any:
        return self.call(tab.wait_for(predicate, timeout=WAIT_S, what=what), WAIT_S + 1)

    def close(self) -> None:
        async def close_all() -> None:
            await asyncio.gather(*(tab.close() for tab in self.tabs))
        self.call(close_all())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def generator() -> Iterator[Generator]:
    made = Generator()
    yield made
    made.close()


def record(page) -> dict[str, Any]:
    """Chromium's websocket URL and sent frames, and the paths the page fetched."""
    seen: dict[str, Any] = {'urls': [], 'sent': [], 'paths': []}

    def on_websocket(ws) -> None:
        seen['urls'].append(ws.url)
        ws.on('framesent', lambda payload: seen['sent'].append(payload))
    page.on('websocket', on_websocket)
    page.on('request', lambda request: seen['paths'].append(urlsplit(request.url).path +
                                                            (f'?{urlsplit(request.url).query}'
                                                             if urlsplit(request.url).query else '')))
    return seen


def shape(value: Any) -> Any:
    """Structure without values: dict keys in order with their values' shapes, list items' shapes,
    a JSON string argument decoded first, else the type's name."""
    if isinstance(value, dict):
        return [(key, shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def frame_shape(text: str) -> Any:
    """A socket.io frame's structure: its packet type, event name and payload shape (an event's
    ``id`` only as root or element, its arguments decoded as nicegui.js encoded them)."""
    decoded = lp.decode(text)
    if decoded is None:
        return text
    event, payload = decoded
    if event == 'event':
        payload = dict(payload, id='root' if payload['id'] == 0 else 'element',
                       args=[json.loads(arg) for arg in payload['args']])
    return [event, shape(payload)]


def actions(frames: list[str]) -> list[Any]:
    """The frames a tap or a click makes (the periodic ``ack`` set apart)."""
    return [frame_shape(f) for f in frames if not f.startswith('42["ack"')]


def outbox_items(frames: list[str]) -> list[dict]:
    events = [lp.decode(f)[1] for f in frames if f.startswith('42["event"')]
    return [json.loads(e['args'][0]) for e in events if e['id'] == 0]


@dataclass
class Scene:
    """One room: Chromium's board and phone (recorded), the generator's board and phone."""
    code: str
    board: Any
    board_seen: dict[str, Any]
    phone: Any
    phone_seen: dict[str, Any]
    sim_board: lp.Tab
    sim: lp.Tab


def open_scene(pages, room_server, generator: Generator) -> Scene:
    room = room_server.rooms[0]
    board = pages.board(room)
    board_seen = record(board)
    board.reload()  # the recording starts with the page: its socket and everything it sends
    context = pages.browser.new_context(viewport={'width': 390, 'height': 844}, is_mobile=True)
    pages.contexts.append(context)
    phone = context.new_page()
    phone_seen = record(phone)
    phone.goto(room['join_url'])
    expect(heading(phone, 'Welcome')).to_be_visible()
    scene = Scene(room['code'].replace('-', ''), board, board_seen, phone, phone_seen,
                  generator.open(room_server.base_url, room['facilitator_url']),
                  generator.open(room_server.base_url, room['join_url']))
    generator.wait(scene.sim, lambda: lp.outbox_room(scene.sim), 'the phone screen')
    return scene


def submit_on_both(scene: Scene, generator: Generator) -> tuple[list[str], list[str]]:
    """Chromium's board: Welcome -> Issues; each phone submits an issue. Returns the frames each sent."""
    sim = scene.sim
    scene.board.get_by_role('button', name='Next phase').click()
    expect(heading(scene.phone, 'Name the issues')).to_be_visible()
    generator.wait(sim, lambda: lp.issue_box(sim), 'the issue box')
    phone_before = len(scene.phone_seen['sent'])
    scene.phone.locator('textarea').fill('Issue from Chromium')
    scene.phone.get_by_role('button', name='Add issue').click()
    expect(scene.phone.locator('textarea')).to_have_value('')
    sim_before = len(sim.sent)
    generator.call(lp.submit(sim, scene.code, 'Issue from the generator'))
    expect(scene.board.locator('.board-card').filter(has_text='Issue from the generator')).to_be_visible()
    return scene.phone_seen['sent'][phone_before:], sim.sent[sim_before:]


def dot_on_both(scene: Scene, generator: Generator) -> tuple[list[str], list[str]]:
    """The generator's board: Issues -> Vote; each phone dots the other's card. Returns the frames each sent."""
    sim = scene.sim
    generator.call(lp.next_phase(scene.sim_board))
    expect(heading(scene.phone, 'Vote')).to_be_visible()
    cards = generator.wait(sim, lambda: lp.vote_cards(sim), 'the vote cards')
    phone_before, sim_before = len(scene.phone_seen['sent']), len(sim.sent)
    scene.phone.locator('.vote-card').filter(has_text='Issue from the generator').click()
    expect(scene.phone.get_by_text('Dots left: 2 of 3')).to_be_visible()
    generator.call(lp.dot(sim, scene.code, cards['Issue from Chromium']))
    generator.wait(sim, lambda: any('Dots left: 2 of 3' in script for script in sim.scripts),  # its vote list's
                   'its dot')                                                                # set_dots
    return scene.phone_seen['sent'][phone_before:], sim.sent[sim_before:]


def wait_for_acks(scene: Scene, generator: Generator) -> None:
    generator.call(scene.sim.load_components())
    generator.wait(scene.sim, lambda: any(f.startswith('42["ack"') for f in scene.sim.sent), 'an ack')
    for _ in range(50):  # nicegui.js acks every 3 s; Playwright hands over frames while the page waits
        if any(f.startswith('42["ack"') for f in scene.phone_seen['sent']):
            return
        scene.phone.wait_for_timeout(100)


def test_generator_frames_have_chromium_shapes(pages, room_server, generator) -> None:
    scene = open_scene(pages, room_server, generator)
    chromium_submit, sim_submit = submit_on_both(scene, generator)
    chromium_dot, sim_dot = dot_on_both(scene, generator)
    wait_for_acks(scene, generator)

    assert_same_socket(scene.phone_seen['urls'][0], scene.sim.ws_url, scene.phone_seen['sent'][0], scene.sim.sent[0])
    assert_same_socket(scene.board_seen['urls'][-1], scene.sim_board.ws_url, scene.board_seen['sent'][0],
                       scene.sim_board.sent[0])
    assert actions(sim_submit) == actions(chromium_submit)                  # text, outbox item, ''
    assert [i['kind'] for i in outbox_items(sim_submit)] == ['submit']
    assert outbox_items(sim_submit)[0]['room'] == outbox_items(chromium_submit)[0]['room'] == scene.code
    assert actions(sim_dot) == actions(chromium_dot) == [['event', shape_of_dot(chromium_dot)]]
    clicks = [[frame_shape(f) for f in frames if f.startswith('42["event"')]
              for frames in (scene.board_seen['sent'], scene.sim_board.sent)]
    assert clicks[1] == clicks[0] and len(clicks[0]) == 1                   # Next phase: a click, no arguments
    assert_same_ack(scene.phone_seen['sent'], scene.sim.sent)
    assert_same_assets(scene.phone_seen['paths'], scene.sim.fetched, urlsplit(scene.phone.url).path)


def shape_of_dot(frames: list[str]) -> Any:
    """The one frame a dot is, as Chromium sent it: an outbox item on the root with a card id."""
    [item] = outbox_items(frames)
    assert list(item) == ['key', 'room', 'at', 'kind', 'card_id', 'sent'] and item['kind'] == 'dot'
    return frame_shape(frames[0])[1]


def assert_same_socket(chromium_url: str, sim_url: str, chromium_first: str, sim_first: str) -> None:
    chromium, sim = urlsplit(chromium_url), urlsplit(sim_url)
    assert sim.path == chromium.path == lp.SOCKET_PATH
    assert list(parse_qs(sim.query, keep_blank_values=True)) == list(parse_qs(chromium.query, keep_blank_values=True))
    assert parse_qs(sim.query)['old_tab_id'] == parse_qs(chromium.query)['old_tab_id'] == ['null']
    assert sim_first == chromium_first == '40'


def assert_same_ack(chromium: list[str], sim: list[str]) -> None:
    [first_chromium, first_sim] = [next(f for f in frames if f.startswith('42["ack"')) for frames in (chromium, sim)]
    assert frame_shape(first_sim) == frame_shape(first_chromium)


def assert_same_assets(chromium_paths: list[str], fetched: list[str], page: str) -> None:
    """Everything the generator fetched, Chromium fetched too, and the other way round (fonts aside)."""
    wanted = {p for p in chromium_paths if p != page and not FONT.search(p) and 'favicon' not in p}
    assert set(fetched) == wanted
