"""Simulated browser tabs: a phone or a board without a browser, many per process.

One implementation for two users: the load generator (bench/load.py, through bench/load_phones.py)
and the rehearsal of a practice room (spcp/rehearsal/crowd.py), whose phones the server meets as it
meets any phone: real HTTP and a real socket to its own address.

A ``Tab`` does what Chromium does with a NiceGUI 3.18 page, recorded with Playwright's
``websocket``/``framesent`` (tests/browser/test_traffic_shape.py checks it stays so):

- ``GET`` the page with its own cookie jar (one jar = one person; a facilitator link's redirect is
  followed), Chromium's ``Accept``/``Accept-Language``; on a cold load (``assets=True``) also the
  scripts, styles and modules the page names, six at a time as Chromium fetches from one host,
  and the components the socket asks for (``load_js_components``);
- open ``/_nicegui_ws/socket.io/`` over a websocket with permessage-deflate and the query nicegui.js
  sends (``client_id, next_message_id, implicit_handshake, document_id, tab_id, old_tab_id=null``,
  then ``EIO=4&transport=websocket``), send ``40``, answer the engine.io ping ``2`` with ``3``;
- keep the element tree current from ``update`` messages, and send ``ack`` every 3 s when new
  messages came (nicegui.js ``setInterval(ack, 3000)``: the server prunes its replay history);
- send ``event`` frames as nicegui.js does (``{id, client_id, listener_id, args}``, each argument
  JSON-encoded, filtered by the listener's ``args``). A phone's taps go through its outbox
  (``assets/outbox.js``): ``emitEvent('spcp_outbox', item)`` on element 0, with the item's keys in
  the browser's order; a submit is framed by the textarea's ``update:modelValue`` with the text
  before and ``''`` after (what ``fill`` then ``setBox(input, '')`` send).

Every frame a tab sends can be kept (``record=True``) for the traffic test. Times are
``time.monotonic()`` (CLOCK_MONOTONIC: comparable between the generator's processes).
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp

try:
    import orjson
    loads: Callable[[str | bytes], Any] = orjson.loads
except ImportError:  # pragma: no cover - orjson comes with NiceGUI
    loads = json.loads

SOCKET_PATH = '/_nicegui_ws/socket.io/'
ACK_EVERY_S = 3.0          # nicegui.js: setInterval(() => ack(), 3000)
ASSET_CONNECTIONS = 6      # Chromium's connections per host over HTTP/1.1
HEADERS = {  # what Chromium sends with a page GET (gzip only: the server compresses with nothing else)
    'User-Agent': 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Mobile '
                  'Safari/537.36 spcp-load',
    'Accept': 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
    'Accept-Language': 'en-US,en;q=0.9', 'Accept-Encoding': 'gzip, deflate'}
_CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]{36})'")
_NEXT_MESSAGE_ID = re.compile(r"'next_message_id': (\d+)")
_ELEMENTS = re.compile(r'parseElements\(String\.raw`(.*?)`\)', re.S)
_UNESCAPE = (('&#36;', '$'), ('&#96;', '`'), ('&gt;', '>'), ('&lt;', '<'), ('&amp;', '&'))
_ASSET = re.compile(r'''(?:<script[^>]*\ssrc|<link[^>]*\shref|@import url\()=?\s*["']?(/[^"')\s]+)''')
_IMPORTMAP = re.compile(r'<script type="importmap">(.*?)</script>', re.S)
_IMPORT = re.compile(r'import [^;]*? from "([^"./][^"]*)"')
_VERSION = re.compile(r'/_nicegui/([^/]+)/static/')
_JSON = {'separators': (',', ':'), 'ensure_ascii': False}  # JSON.stringify's spelling


class PageError(RuntimeError):
    """The server did not answer the way a browser tab needs (not a NiceGUI page, socket refused...)."""


def parse_page(html: str) -> tuple[str, int, dict[int, dict]]:
    """Client id, next message id and element tree of a NiceGUI 3.18 page (as tests/live/rawclient.py)."""
    client_id, elements = _CLIENT_ID.search(html), _ELEMENTS.search(html)
    if client_id is None or elements is None:
        raise PageError(f'no NiceGUI client in the page: {html[:200]!r}')
    raw = elements.group(1)
    for escaped, plain in _UNESCAPE:
        raw = raw.replace(escaped, plain)
    next_id = _NEXT_MESSAGE_ID.search(html)
    return client_id.group(1), int(next_id.group(1)) if next_id else 0, {int(k): v for k, v in loads(raw).items()}


def asset_paths(html: str) -> list[str]:
    """Same-origin scripts, styles and modules a browser fetches for this page: those it names (no
    favicon) and the import-map modules its inline scripts import (``vue``, ``dompurify``). Fonts are
    left out: a browser fetches only those its glyphs need."""
    paths = [p for p in _ASSET.findall(html) if 'favicon' not in p]
    imported = set(_IMPORT.findall(html))
    for block in _IMPORTMAP.findall(html):
        with contextlib.suppress(ValueError):
            paths += [p for name, p in json.loads(block).get('imports', {}).items() if name in imported]
    return list(dict.fromkeys(paths))


def browser_key(now_ms: int | None = None) -> str:
    """An outbox key as outbox.js makes it: ``Date.now().toString(36)`` and 10 random base-36 digits."""
    return _base36(now_ms if now_ms is not None else int(time.time() * 1000)) + \
        ''.join(random.choice('0123456789abcdefghijklmnopqrstuvwxyz') for _ in range(10))


def _base36(n: int) -> str:
    digits = ''
    while n:
        n, digit = divmod(n, 36)
        digits = '0123456789abcdefghijklmnopqrstuvwxyz'[digit] + digits
    return digits or '0'


def outbox_item(room: str, action: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    """An outbox item with its keys in the browser's order: ``Object.assign({key, room, at}, action)``,
    then ``text`` (a submit), then ``sent`` (set by ``flush`` just before it is emitted)."""
    now = int(time.time() * 1000)
    item: dict[str, Any] = {'key': browser_key(now), 'room': room, 'at': now, **action}
    if text is not None:
        item['text'] = text
    item['sent'] = now
    return item


def browser_args(args: list[Any], wanted: list | None) -> list[str]:
    """nicegui.js ``stringifyEventArgs``: keep the arguments (and keys) the listener asked for, each JSON."""
    result = []
    for i, arg in enumerate(args):
        if wanted is not None and i >= len(wanted):
            break
        if isinstance(arg, dict) and wanted is not None and wanted[i] is not None:
            arg = {k: v for k, v in arg.items() if k in wanted[i]}
        result.append(json.dumps(arg, **_JSON))
    return result


def frame(event: str, payload: dict) -> str:
    """One socket.io EVENT packet as socket.io-client writes it: ``42`` then the JSON array."""
    return '42' + json.dumps([event, payload], **_JSON)


def decode(text: str) -> tuple[str, Any] | None:
    """``(event, data)`` of a socket.io EVENT packet (``42[...]``), None for anything else."""
    if not text.startswith('42'):
        return None
    message = loads(text[2:])
    return message[0], (message[1] if len(message) > 1 else None)


class Tab:
    """One browser tab: ``await open(path)``, then ``find``, ``emit_event``, ``wait_for``, ``close``."""

    def __init__(self, base_url: str, *, record: bool = False, assets: bool = False, deflate: bool = True,
                 accept_language: str | None = None, verify_tls: bool = True) -> None:
        """``accept_language``: the phone's languages (English by default); ``verify_tls=False`` for a
        server reached at its own address, whose certificate names another."""
        self.base_url = base_url.rstrip('/')
        jar = aiohttp.CookieJar(unsafe=True)  # unsafe: keeps the cookies of 127.0.0.1
        headers = HEADERS | ({'Accept-Language': accept_language} if accept_language else {})
        self.http = aiohttp.ClientSession(cookie_jar=jar, headers=headers, timeout=aiohttp.ClientTimeout(total=None),
                                          connector=aiohttp.TCPConnector(ssl=verify_tls))
        # the socket on a connection of its own, as Chromium opens it (never a reused keep-alive one)
        self.ws_http = aiohttp.ClientSession(cookie_jar=jar, headers={'User-Agent': HEADERS['User-Agent']},
                                             timeout=aiohttp.ClientTimeout(total=None),
                                             connector=aiohttp.TCPConnector(ssl=verify_tls))
        self.record, self.assets, self.deflate = record, assets, deflate
        self.sent: list[str] = []                   # every frame sent, when recording
        self.scripts: list[str] = []                # every script the server ran on the page, when recording
        self.fetched: list[str] = []                # every subresource fetched (a cold load)
        self.ws_url = ''
        self.client_id, self.elements, self.next_message_id, self.version = '', {}, 0, ''
        self.acked_message_id = -1
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.connected = False
        self.closing = False                        # we closed it: not a disconnect
        self.disconnected_at: float | None = None   # the server (or the network) closed it
        self.close_code: int | None = None          # and the code it gave (1011: its keepalive ping timed out)
        self.on_update: Callable[[float, dict], None] | None = None
        self.on_javascript: Callable[[float, str], None] | None = None
        self.on_notify: Callable[[float, str], None] | None = None
        self._changed = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._components: list[str] = []
        # a vote list's cards, fetched from its ``src`` as vote_list.js does: element id -> (src, cards)
        self.lists: dict[int, tuple[str, list[dict]]] = {}
        self.lists_loading = 0
        self.list_loaded_at: float | None = None

    # ---------- page and socket ----------

    async def open(self, path: str, *, timeout: float = 30.0) -> Tab:
        """GET the page (following redirects), on a cold load its assets, then connect its socket."""
        async with asyncio.timeout(timeout):
            async with self.http.get(self._absolute(path), allow_redirects=True) as response:
                html = await response.text()
                if response.status != 200 or response.headers.get('X-NiceGUI-Content') != 'page':
                    raise PageError(f'GET {path}: {response.status} {html[:200]!r}')
            self.client_id, self.next_message_id, self.elements = parse_page(html)
            found = _VERSION.search(html)
            self.version = found.group(1) if found else ''
            if self.assets:
                await self.fetch(asset_paths(html))
            await self._connect()
        return self

    def _absolute(self, url: str) -> str:
        parts = urlsplit(url)  # printed links carry the public URL: keep only the path and query
        return self.base_url + parts.path + (f'?{parts.query}' if parts.query else '')

    async def fetch(self, paths: list[str]) -> int:
        """GET ``paths`` as a browser fetches subresources (six at a time); returns the bytes read."""
        gate = asyncio.Semaphore(ASSET_CONNECTIONS)

        async def one(path: str) -> int:
            self.fetched.append(path)
            async with gate, self.http.get(self.base_url + path) as response:
                body = await response.read()
                if response.status != 200:
                    raise PageError(f'GET {path}: {response.status}')
                return len(body)
        return sum(await asyncio.gather(*(one(p) for p in paths)))

    async def _connect(self) -> None:
        query = {'client_id': self.client_id, 'next_message_id': self.next_message_id, 'implicit_handshake': 'true',
                 'document_id': str(uuid.uuid4()), 'tab_id': str(uuid.uuid4()), 'old_tab_id': 'null',
                 'EIO': '4', 'transport': 'websocket'}
        self.ws_url = 'ws' + self.base_url[4:] + SOCKET_PATH + '?' + urlencode(query)
        self.ws = await self.ws_http.ws_connect(self.ws_url, compress=15 if self.deflate else 0, max_msg_size=0,
                                                origin=self.base_url)
        opened = await self.ws.receive_str()
        if not opened.startswith('0'):
            raise PageError(f'engine.io did not open: {opened[:200]!r}')
        await self.send('40')
        answer = await self.ws.receive_str()
        if not answer.startswith('40'):  # 44{"message": ...}: the implicit handshake was refused
            raise PageError(f'socket.io refused the connection: {answer[:200]!r}')
        self.connected = True
        self._tasks = [asyncio.create_task(self._read()), asyncio.create_task(self._ack_every())]

    async def send(self, text: str) -> None:
        if self.ws is None:
            raise PageError('open a page first')
        if self.record:
            self.sent.append(text)
            self._changed.set()  # a wait may be for something sent
        await self.ws.send_str(text)

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for message in self.ws:  # ends on a close frame or a lost connection
                if message.type == aiohttp.WSMsgType.TEXT:
                    self._receive(time.monotonic(), message.data)
        finally:
            self.connected = False
            if not self.closing:
                self.disconnected_at = time.monotonic()
                self.close_code = self.ws.close_code
            self._changed.set()

    def _receive(self, now: float, text: str) -> None:
        if text == '2':  # engine.io ping: socket.io-client answers at once
            self._tasks.append(asyncio.create_task(self.send('3')))
            return
        decoded = decode(text)
        if decoded is None:
            return
        event, data = decoded
        if isinstance(data, dict) and '_id' in data:
            message_id = data.pop('_id')
            if message_id < self.next_message_id:
                return  # a replay: nicegui.js skips it too
            self.next_message_id = message_id + 1
        self._dispatch(now, event, data)
        self._changed.set()

    def _dispatch(self, now: float, event: str, data: Any) -> None:
        if event == 'update':
            for element_id, element in data.items():
                if element is None:
                    self.elements.pop(int(element_id), None)
                else:
                    self.elements[int(element_id)] = element
                    self._follow_list(int(element_id), element)
            if self.on_update:
                self.on_update(now, data)
        elif event == 'run_javascript':  # also an element's method (NiceGUI's run_method)
            if self.record:
                self.scripts.append(str(data.get('code', '')))
            if self.on_javascript:
                self.on_javascript(now, data.get('code', ''))
        elif event == 'notify' and self.on_notify:
            self.on_notify(now, str(data.get('message')))
        elif event == 'load_js_components':
            self._components += [c['key'] for c in data.get('components', [])]

    def _follow_list(self, element_id: int, element: dict) -> None:
        """A vote list names where its cards are (``src``): fetch them, as the browser's component does."""
        src = element.get('props', {}).get('src')
        known = self.lists.get(element_id, ('',))[0]
        if not has_class(element, 'vote-list') or not isinstance(src, str) or known == src:
            return
        self.lists[element_id] = (src, [])
        self.lists_loading += 1
        self._tasks.append(asyncio.create_task(self._fetch_list(element_id, src)))

    async def _fetch_list(self, element_id: int, src: str) -> None:
        self.fetched.append(src)
        try:
            async with self.http.get(self.base_url + src) as response:
                cards = await response.json(loads=loads) if response.status == 200 else []
            if self.lists.get(element_id, ('',))[0] == src:
                self.lists[element_id] = (src, cards)
                self.list_loaded_at = time.monotonic()
        finally:
            self.lists_loading -= 1
            self._changed.set()

    async def load_components(self) -> None:
        """What a cold browser fetches when the socket asks for Vue components it has not loaded."""
        keys, self._components = self._components, []
        await self.fetch([f'/_nicegui/{self.version}/components/{key}' for key in keys])

    async def _ack_every(self) -> None:
        while self.connected:
            await asyncio.sleep(ACK_EVERY_S)
            if self.connected and self.acked_message_id < self.next_message_id:
                await self.send(frame('ack', {'client_id': self.client_id, 'next_message_id': self.next_message_id}))
                self.acked_message_id = self.next_message_id

    def spawn(self, coroutine: Any) -> None:
        """Run ``coroutine`` beside the tab (e.g. a delayed resend); it ends when the tab closes."""
        self._tasks.append(asyncio.create_task(coroutine))

    async def close(self) -> None:
        self.closing = True
        for task in self._tasks:
            task.cancel()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
        await self.http.close()
        await self.ws_http.close()

    # ---------- the element tree ----------

    def find(self, predicate: Callable[[dict], bool]) -> list[int]:
        return sorted(i for i, element in self.elements.items() if predicate(element))

    async def wait_for(self, predicate: Callable[[], Any], *, timeout: float, what: str = '') -> Any:
        """Wait (bounded) until ``predicate()`` is truthy, re-checking after each message."""
        async with asyncio.timeout(timeout):
            while not (result := predicate()):
                if not self.connected:
                    raise ConnectionError(f'{what} not seen: the socket closed')
                self._changed.clear()
                await self._changed.wait()
        return result

    def listener(self, element_id: int, event_type: str) -> dict:
        for listener in self.elements[element_id].get('events', []):
            if listener['type'] == event_type:
                return listener
        raise PageError(f'element {element_id} has no {event_type!r} listener')

    # ---------- what the browser sends ----------

    def event_frame(self, element_id: int, event_type: str, args: list[Any]) -> str:
        listener = self.listener(element_id, event_type)
        return frame('event', {'id': element_id, 'client_id': self.client_id, 'listener_id': listener['listener_id'],
                               'args': browser_args(args, listener.get('args'))})

    async def emit_event(self, element_id: int, event_type: str, args: list[Any]) -> None:
        await self.send(self.event_frame(element_id, event_type, args))


# ---------- what a phone and a board look like on the wire ----------

def has_class(element: dict, name: str) -> bool:
    return name in element.get('class', [])


def text_of(element: dict) -> str:
    """What a button or label shows: its text, its label, else its aria-label."""
    props = element.get('props', {})
    return element.get('text') or props.get('label') or props.get('aria-label') or ''


async def click(tab: Tab, label: str, timeout: float) -> float:
    """Click the button showing ``label`` once it is there (a plain NiceGUI click); returns when it was sent."""
    found = await tab.wait_for(lambda: tab.find(lambda e: text_of(e) == label), timeout=timeout, what=label)
    await tab.emit_event(found[0], 'click', [{'isTrusted': True}])
    return time.monotonic()


def is_next_phase(element: dict) -> bool:
    """The board's *Next phase* button: named by its label, or by its aria-label when it shows an icon only."""
    props = element.get('props', {})
    return 'Next phase' in (props.get('aria-label'), props.get('label'), element.get('text'))


def issue_box(tab: Tab) -> int | None:
    found = tab.find(lambda e: e.get('props', {}).get('data-draft') == 'issue')
    return found[0] if found else None


def outbox_room(tab: Tab) -> str | None:
    """The room code the phone's outbox config carries (``<div class="spcp-outbox" data-room>``): the
    phone's screen is built once it is there."""
    found = tab.find(lambda e: has_class(e, 'spcp-outbox'))
    return tab.elements[found[0]].get('props', {}).get('data-room') if found else None


_CARD_ID = re.compile(r'"card_id": (\d+)')


def vote_cards(tab: Tab) -> dict[str, int]:
    """A voting phone's cards: text -> card id. Read from a vote list's fetched cards (one element for
    all the cards, drawn in the browser), its ``cards`` prop (before the list was fetched from the
    server), or else from each card button's outbox handler."""
    cards = {card['text']: card['id'] for _src, listed in tab.lists.values() for card in listed}
    for element in tab.elements.values():
        listed = element.get('props', {}).get('cards')
        if isinstance(listed, list):
            cards |= {card['text']: card['id'] for card in listed if isinstance(card, dict) and 'id' in card}
        elif has_class(element, 'vote-card'):
            for listener in element.get('events', []):
                if (found := _CARD_ID.search(listener.get('js_handler') or '')) is not None:
                    cards[element.get('text') or element.get('props', {}).get('label', '')] = int(found.group(1))
    return cards


async def submit(tab: Tab, room: str, text: str) -> str:
    """Type an issue and tap *Add issue*, as Chromium does; returns the outbox key."""
    box = issue_box(tab)
    if box is None:
        raise PageError('no issue box on this phone')
    return await typed_item(tab, box, outbox_item(room, {'kind': 'submit', 'field': 'issue'}, text))


async def typed_item(tab: Tab, box: int, item: dict[str, Any]) -> str:
    """An outbox item that carries the text of ``box``: the typing, the tap, the emptied box."""
    typed = value_event(tab, box)
    await tab.emit_event(box, typed, [item['text']])
    await tab.emit_event(0, 'spcp_outbox', [item])
    await tab.emit_event(box, typed, [''])  # outbox.js empties the box: the server hears that too
    return item['key']


def solution_boxes(tab: Tab) -> dict[int, int]:
    """A phone in Solutions: theme id -> the element of its *Your solution* box (``data-draft=solution-N``)."""
    boxes = {}
    for element_id, element in tab.elements.items():
        draft = str(element.get('props', {}).get('data-draft', ''))
        if draft.startswith('solution-') and draft[9:].isdigit():
            boxes[int(draft[9:])] = element_id
    return boxes


def endorsable(tab: Tab) -> dict[int, bool]:
    """Solutions this phone may endorse (others' solutions): solution id -> whether it endorses it now."""
    found = {}
    for element in tab.elements.values():
        solution = element.get('props', {}).get('data-solution')
        if isinstance(solution, str) and solution.isdigit():
            found[int(solution)] = element['props'].get('aria-pressed') == 'true'
    return found


async def propose(tab: Tab, room: str, theme_id: int, text: str) -> str:
    """Type a solution under a theme and tap *Propose*; returns the outbox key."""
    box = solution_boxes(tab).get(theme_id)
    if box is None:
        raise PageError(f'no solution box for theme {theme_id} on this phone')
    field = f'solution-{theme_id}'
    return await typed_item(tab, box, outbox_item(room, {'kind': 'propose', 'theme_id': theme_id, 'field': field},
                                                  text))


async def endorse(tab: Tab, room: str, solution_id: int, endorsed: bool = True) -> str:
    """Tap *Endorse* (outbox.js adds whether the tap endorses, from the button's ``aria-pressed``)."""
    item = outbox_item(room, {'kind': 'endorse', 'solution_id': solution_id, 'endorsed': endorsed})
    await tab.emit_event(0, 'spcp_outbox', [item])
    return item['key']


def group_choice(tab: Tab) -> int | None:
    """The phone's *Which group do you come from?* radio (a Quasar option group), if shown."""
    found = tab.find(lambda e: e.get('tag') == 'q-option-group')
    return found[0] if found else None


async def choose_group(tab: Tab, index: int) -> None:
    """Pick the ``index``-th option of the group choice (0 is *Prefer not to say*), as Quasar sends it."""
    choice = group_choice(tab)
    if choice is None:
        raise PageError('no group choice on this phone')
    await tab.emit_event(choice, 'update:modelValue', [index])


def value_event(tab: Tab, element_id: int) -> str:
    """What a text box sends as it changes: ``update:value`` from NiceGUI's own input component
    (``ui.textarea``), ``update:modelValue`` from Quasar's."""
    types = {listener['type'] for listener in tab.elements[element_id].get('events', [])}
    return 'update:value' if 'update:value' in types else 'update:modelValue'


async def dot(tab: Tab, room: str, card_id: int, add: bool = True) -> str:
    """Tap a card (a dot) or its take-back; returns the outbox key."""
    item = outbox_item(room, {'kind': 'dot' if add else 'undot', 'card_id': card_id})
    await tab.emit_event(0, 'spcp_outbox', [item])
    return item['key']


async def next_phase(tab: Tab) -> None:
    """The board's *Next phase* click: a plain NiceGUI click (no arguments)."""
    found = tab.find(is_next_phase)
    if not found:
        raise PageError('no Next phase button on this board')
    await tab.emit_event(found[0], 'click', [{'isTrusted': True}])


_ACK = re.compile(r'spcpOutbox\.ack\("([0-9a-z]+)", "(\w+)"')


def outbox_acks(code: str) -> list[tuple[str, str]]:
    """``(key, state)`` of the outbox acknowledgements in a ``run_javascript`` message."""
    return _ACK.findall(code)
