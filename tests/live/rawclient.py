"""A tiny NiceGUI browser without a browser: HTTP with a cookie jar, then the page's socket.io socket.

It does what NiceGUI 3.18's ``templates/index.html`` and ``static/nicegui.js`` do, and no more:

- ``GET`` the page with a ``requests.Session`` (one cookie jar = one browser; redirects are followed,
  so a facilitator link that stores a grant in the cookie and redirects to ``/board/CODE`` works);
- read the client id from the socket query the template renders (``query: {'client_id': ...}``)
  and the element tree from ``createApp(parseElements(String.raw`...`))``, undoing
  ``Client.build_response``'s HTML escaping as ``parseElements`` does;
- connect to ``/_nicegui_ws/socket.io`` over the websocket transport with the query the browser sends
  (client_id, tab_id, document_id, next_message_id, implicit_handshake), so the server handshakes
  during ``connect``, puts the socket into the client's room and (newer pages) joins the participant;
- keep the element tree current from ``update`` messages and record every message
  (``notify`` carries ``ui.notify``'s text), so tests can wait for what a person would see;
- emit ``event`` messages exactly as ``nicegui.js`` does: ``{id, client_id, listener_id, args}`` with
  each argument JSON-encoded; a phone's outbox item (``send_outbox``) is such an event, and its
  acknowledgement (``outbox_acks``) a ``run_javascript`` message.

``.mark()`` markers never reach the browser (they live in ``Element._markers`` on the server only),
so elements are found by text, props (a label, a placeholder) and classes. Every wait is bounded.
"""
from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
import socketio

from spcp.rehearsal import phones

SOCKET_PATH = '_nicegui_ws/socket.io'
DEFAULT_TIMEOUT_S = 5.0
_OUTBOX_ACK = re.compile(r'spcpOutbox\.ack\("([^"]*)", "(\w+)"')  # spcp/pages/outbox.py: Outbox.ack


class PageError(AssertionError):
    """The server did not serve a NiceGUI page the way this client understands."""


@dataclass(frozen=True)
class Message:
    type: str
    data: Any


def parse_page(html: str) -> tuple[str, int, dict[int, dict]]:
    """Client id, next message id and element tree of a page served by NiceGUI 3.18 (read as the load
    generator's tabs read it: spcp/rehearsal/phones.py), failing the test when it is not such a page."""
    try:
        return phones.parse_page(html)
    except phones.PageError as error:
        raise PageError(str(error)) from None


class RawClient:
    """One browser tab: ``open(url)`` then ``find``, ``emit_event``, ``wait_for``, ``close``."""

    def __init__(self, base_url: str, http: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip('/')
        self.http = http or requests.Session()  # share a Session between tabs of the same browser
        self.tab_id = str(uuid.uuid4())
        self.client_id = ''
        self.url = ''
        self.elements: dict[int, dict] = {}
        self.messages: list[Message] = []
        self.sio: socketio.Client | None = None
        self._next_message_id = 0
        self._early: dict[int, tuple[str, Any]] = {}  # messages that overtook an earlier one, by id
        self._changed = threading.Condition()

    # ---------- page and socket ----------

    def open(self, url: str, *, timeout: float = DEFAULT_TIMEOUT_S) -> RawClient:
        """GET the page (following redirects) and connect its socket; ``url`` may be a path."""
        self.close()
        response = self.http.get(self._absolute(url), timeout=timeout, allow_redirects=True)
        if response.status_code != 200 or response.headers.get('X-NiceGUI-Content') != 'page':
            raise PageError(f'GET {url}: {response.status_code} {response.text[:300]!r}')
        self.url = response.url
        self.client_id, next_id, elements = parse_page(response.text)
        with self._changed:
            self._next_message_id, self.elements, self.messages, self._early = next_id, elements, [], {}
        self._connect(timeout)
        return self

    def _absolute(self, url: str) -> str:
        parts = urlsplit(url)  # facilitator links carry the public URL: keep only path and query
        path = parts.path + (f'?{parts.query}' if parts.query else '')
        return self.base_url + (path if path.startswith('/') else '/' + path)

    def _connect(self, timeout: float) -> None:
        query = {'client_id': self.client_id, 'tab_id': self.tab_id, 'document_id': str(uuid.uuid4()),
                 'next_message_id': self._next_message_id, 'implicit_handshake': 'true'}
        self.sio = socketio.Client(reconnection=False, http_session=self.http, request_timeout=timeout)
        self.sio.on('*', self._on_message)
        self.sio.on('disconnect', self._on_disconnect)
        # nicegui.js: io(url, {path: `${prefix}/_nicegui_ws/socket.io`, query}); the prefix is '' here
        self.sio.connect(f'{self.base_url}?{urlencode(query)}', socketio_path=SOCKET_PATH,
                         transports=['websocket'], wait_timeout=timeout)

    def close(self) -> None:
        if self.sio is not None:
            self.sio.disconnect()
            self.sio = None

    @property
    def connected(self) -> bool:
        return self.sio is not None and self.sio.connected

    # ---------- what the server sends ----------

    def _on_message(self, event: str, data: Any = None, *_: Any) -> None:
        with self._changed:
            if isinstance(data, dict) and '_id' in data:
                message_id = data.pop('_id')
                if message_id < self._next_message_id or message_id in self._early:
                    return  # a replay after a rewind: nicegui.js skips it too
                # The socket library hands each message to a thread of its own, so a small message can
                # overtake a big one (measured: a phone's Vote page, then a later update, arrived swapped and
                # the page was dropped as a replay). Take them in the server's order, as nicegui.js gets them.
                self._early[message_id] = (event, data)
                while self._next_message_id in self._early:
                    self._take(*self._early.pop(self._next_message_id))
                    self._next_message_id += 1
            else:
                self._take(event, data)
            self._changed.notify_all()

    def _take(self, event: str, data: Any) -> None:
        self.messages.append(Message(event, data))
        if event == 'update' and isinstance(data, dict):
            for element_id, element in data.items():
                if element is None:
                    self.elements.pop(int(element_id), None)
                else:
                    self.elements[int(element_id)] = element

    def _on_disconnect(self, *_: Any) -> None:
        with self._changed:
            self._changed.notify_all()  # waiters give up at once instead of running out their time

    def wait_for(self, predicate: Callable[[], Any], *, timeout: float = DEFAULT_TIMEOUT_S, what: str = '') -> Any:
        """Wait (bounded) until ``predicate()`` is truthy, re-checking after each message; return its value.
        Raises ``TimeoutError``, or ``ConnectionError`` as soon as the socket closes (a killed server)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not (result := predicate()):
                left = deadline - time.monotonic()
                if not self.connected:
                    raise ConnectionError(f'{what or predicate} not seen: the socket of {self.url} is closed')
                if left <= 0:
                    raise TimeoutError(f'{what or predicate} not seen within {timeout} s on {self.url}')
                self._changed.wait(left)
            return result

    def notifications(self) -> list[str]:
        with self._changed:
            return [str(m.data.get('message')) for m in self.messages
                    if m.type == 'notify' and isinstance(m.data, dict)]

    def wait_for_notification(self, text: str, *, after: int = 0, timeout: float = DEFAULT_TIMEOUT_S) -> int:
        """Wait for the ``after``-th-or-later notification saying ``text``; return how many there are now."""
        def seen() -> int:
            shown = self.notifications()
            return len(shown) if text in shown[after:] else 0
        return self.wait_for(seen, timeout=timeout, what=f'notification {text!r}')

    # ---------- the element tree ----------

    def find(self, *, text: str | None = None, classes: str | None = None, tag: str | None = None,
             marker: str | None = None, **props: Any) -> list[int]:
        """Ids of the elements (in id order) whose text, classes, tag and props all match."""
        if marker is not None:
            raise ValueError('.mark() markers are not sent to the browser; find by text, props or classes')
        with self._changed:
            return sorted(element_id for element_id, element in self.elements.items()
                          if _matches(element, text, classes, tag, props))

    def find_one(self, *, timeout: float = DEFAULT_TIMEOUT_S, **criteria: Any) -> int:
        """The single element matching ``criteria``, waiting (bounded) for it to appear."""
        found = self.wait_for(lambda: self.find(**criteria), timeout=timeout, what=f'element {criteria}')
        if len(found) != 1:
            raise AssertionError(f'{len(found)} elements match {criteria}: {found}')
        return found[0]

    def element(self, element_id: int) -> dict:
        with self._changed:
            return self.elements[element_id]

    def vote_cards(self) -> list[dict]:
        """The cards of the phone's vote list: in the element when the list is small, else fetched from its
        ``src`` as vote_list.js does (with this browser's cookie: only a participant of the room gets them)."""
        props = self.element(self.find_one(classes='vote-list'))['props']
        if 'cards' in props:
            return list(props['cards'])
        src = props['src']
        response = self.http.get(self._absolute(src), timeout=DEFAULT_TIMEOUT_S)
        response.raise_for_status()
        return response.json()

    def texts(self) -> list[str]:
        with self._changed:
            return [e['text'] for e in self.elements.values() if e.get('text')]

    def listener_id(self, element_id: int, event_type: str) -> str:
        listeners = [e['listener_id'] for e in self.element(element_id).get('events', []) if e['type'] == event_type]
        if not listeners:
            raise AssertionError(f'element {element_id} has no {event_type!r} listener')
        return listeners[0]

    # ---------- what the browser sends ----------

    def emit_event(self, element_id: int, event_type: str, args: list[Any] | None = None, *,
                   client_id: str | None = None, listener_id: str | None = None) -> None:
        """Send ``event`` as nicegui.js does: each argument JSON-encoded. ``client_id`` lets a test lie."""
        self.emit_raw('event', {
            'id': element_id,
            'client_id': client_id or self.client_id,
            'listener_id': listener_id or self.listener_id(element_id, event_type),
            'args': [json.dumps(arg) for arg in (args or [])],
        })

    def click(self, element_id: int, key: str | None = None) -> str:
        """A click; buttons with SPCP's ``CLIENT_KEY_JS`` send a browser-made key, returned for retries."""
        key = key or uuid.uuid4().hex[:16]
        self.emit_event(element_id, 'click', [key])
        return key

    def send_outbox(self, item: dict[str, Any]) -> None:
        """A tap as the phone's outbox sends it (assets/outbox.js): ``emitEvent('spcp_outbox', item)``, an event
        of the layout (element 0); ``item`` holds key, room, kind and the kind's fields (e.g. card_id)."""
        self.emit_event(0, 'spcp_outbox', [item])

    def outbox_acks(self, key: str) -> list[str]:
        """The states the server acknowledged outbox item ``key`` with, in order (done, retry, kept, dropped)."""
        with self._changed:
            codes = [str(m.data.get('code')) for m in self.messages if m.type == 'run_javascript'
                     and isinstance(m.data, dict)]
        return [state for code in codes for acked, state in _OUTBOX_ACK.findall(code) if acked == key]

    def type_into(self, element_id: int, value: str) -> None:
        """What an input or textarea sends on each keystroke: ``update:value`` from NiceGUI's own
        input component (``ui.input``, ``ui.textarea``), ``update:modelValue`` from Quasar's."""
        types = {e['type'] for e in self.element(element_id).get('events', [])}
        self.emit_event(element_id, 'update:value' if 'update:value' in types else 'update:modelValue', [value])

    def send_packet(self, raw: str) -> None:
        """Send one engine.io message as is, bypassing socket.io's encoder (for undecodable packets)."""
        if self.sio is None:
            raise PageError('open a page first')
        self.sio.eio.send(raw)

    def emit_raw(self, event: str, *payload: Any) -> None:
        """Send any socket.io event with any payload (for malformed-message tests)."""
        if self.sio is None:
            raise PageError('open a page first')
        self.sio.emit(event, payload[0] if len(payload) == 1 else payload)


def _matches(element: dict, text: str | None, classes: str | None, tag: str | None, props: dict[str, Any]) -> bool:
    if text is not None and element.get('text') != text and element.get('props', {}).get('label') != text:
        return False
    if classes is not None and not set(classes.split()) <= set(element.get('class', [])):
        return False
    if tag is not None and element.get('tag') != tag:
        return False
    element_props = element.get('props', {})
    return all(element_props.get(name.replace('_', '-')) == value for name, value in props.items())
