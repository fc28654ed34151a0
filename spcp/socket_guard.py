"""NiceGUI's socket.io handlers, re-registered so a socket can only speak for its own browser tab.

NiceGUI 3.18's handlers for ``event``, ``javascript_response``, ``ack`` and ``log`` look the client up
by the ``client_id`` written inside each message and never compare it with the socket that sent it:
a phone that learns another tab's client id (the board's, a neighbour's) could click as that tab.
The handshake already puts every socket into a socket.io room named after its client id
(``sio.enter_room(sid, client.id)``), so here a message is only accepted when its ``client_id`` is
one of the sending socket's rooms. Anything else is dropped.

A malformed message (not one dict, missing keys, wrong types, args that are not JSON) used to raise
inside the handler: one traceback in the log per message, which lets any phone flood the log.
Both kinds of drop are now counted and logged as one warning line per source per minute. The same
goes for a malformed ``handshake`` (explicit, or implicit in the ``connect`` query), whose shape is
checked before NiceGUI's own handler runs, and for a packet python-socketio cannot decode.

Everything else mirrors NiceGUI 3.18's ``nicegui/nicegui.py`` and ``Client.handle_event`` line for
line. That is why ``pyproject.toml`` pins NiceGUI to ``>=3.18,<3.19``: these handlers copy private
behaviour (``Element._handle_event``, ``_event_listeners``, ``outbox.prune_history``), so every
NiceGUI upgrade must re-read those functions and update this copy.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from nicegui import core, json
from nicegui.client import Client
from nicegui.javascript_request import JavaScriptRequest
from nicegui.nicegui import _on_connect as nicegui_connect
from nicegui.nicegui import _on_handshake as nicegui_handshake
from socketio.exceptions import ConnectionRefusedError as SocketRefused

log = logging.getLogger(__name__)

NICEGUI_MINOR = '3.18'  # the version whose handlers are mirrored below
LOG_EVERY_S = 60.0      # at most one warning line per source (client or socket) per minute
MAX_SOURCES = 50        # beyond this many noisy sources a minute (new sockets), the rest are counted together
OTHERS = 'other sockets'
# The longest thing a phone sends is a card's text (280 characters, at most ~1.2 KB as JSON even in
# Devanagari); engine.io accepted 1 MB messages, and 900 KB submits slowed every other room down.
MAX_MESSAGE_BYTES = 64 * 1024
LOG_LEVELS = {'debug', 'info', 'warning', 'error'}


class Malformed(ValueError):
    """A message that does not have the shape NiceGUI's browser code sends."""


class Forged(ValueError):
    """A message naming a client that the sending socket did not handshake as."""


@dataclass
class _Tally:
    logged_at: float
    pending: int = 0


class DropLog:
    """Counts dropped messages per (kind, source); logs the first at once, the rest once a minute.

    A line reads ``dropped 1 malformed event from client 3e23... at 10.0.0.7 ('event': args are not
    JSON)``; its detail describes the first message of the line only.
    """

    def __init__(self, every_s: float = LOG_EVERY_S, max_sources: int = MAX_SOURCES) -> None:
        self.every_s, self.max_sources = every_s, max_sources
        self._tallies: dict[tuple[str, str], _Tally] = {}

    def drop(self, kind: str, source: str, detail: str = '') -> None:
        if (kind, source) not in self._tallies and len(self._tallies) >= self.max_sources:
            source, detail = OTHERS, ''  # bounded memory and log lines under a flood from many sockets
        key, now = (kind, source), time.monotonic()
        tally = self._tallies.get(key)
        if tally is None:
            self._tallies[key] = _Tally(logged_at=now)
            self._write(kind, source, 1, detail)
            self._schedule_flush(key, self.every_s)
        elif now - tally.logged_at >= self.every_s:  # no loop to flush with (e.g. tests): log lazily
            self._write(kind, source, tally.pending + 1, detail)
            tally.logged_at, tally.pending = now, 0
        else:
            tally.pending += 1

    def flush(self, key: tuple[str, str]) -> None:
        """End of a source's minute: report what was counted since its last line, or forget it."""
        tally = self._tallies.get(key)
        if tally is None:
            return
        wait = tally.logged_at + self.every_s - time.monotonic()
        if wait > 0:  # drop() logged lazily in between: its minute ends later
            self._schedule_flush(key, wait)
        elif tally.pending == 0:
            del self._tallies[key]
        else:
            self._write(*key, tally.pending, '')
            tally.logged_at, tally.pending = time.monotonic(), 0
            self._schedule_flush(key, self.every_s)

    def _schedule_flush(self, key: tuple[str, str], delay: float) -> None:
        with contextlib.suppress(RuntimeError):  # outside the event loop the lazy branch in drop() reports
            asyncio.get_running_loop().call_later(delay, self.flush, key)

    @staticmethod
    def _write(kind: str, source: str, count: int, detail: str) -> None:
        plural = '' if count == 1 else 's'
        log.warning('dropped %d %s event%s from %s%s', count, kind, plural, source, f' ({detail})' if detail else '')


drops = DropLog()


# ---------- who sent it ----------

def _is_test_sid(sid: str) -> bool:
    """NiceGUI's ``User`` fixture handshakes with made-up ``test-`` sids that join no room; a real
    socket's sid is made by the server and is connected, so it cannot take this path."""
    return sid.startswith('test-') and not core.sio.manager.is_connected(sid, '/')


def _in_room(sid: str, client_id: str) -> bool:
    """Whether the socket joined its client's room: one look-up in the room (``sio.rooms(sid)`` scans every
    room of the server, measured as a cost per message that grows with the connected pages)."""
    return sid in core.sio.manager.rooms.get('/', {}).get(client_id, {})


def _own_clients(sid: str) -> list[str]:
    return [room for room in core.sio.rooms(sid) if room != sid]


def _source(sid: str) -> str:
    """The sender as a log line names it: its own client if it has one, else its socket; and its address."""
    clients = [room for room in _own_clients(sid) if room in Client.instances]
    name = f'client {clients[0]}' if clients else f'socket {sid}'
    scope = (core.sio.get_environ(sid) or {}).get('asgi.scope', {})
    address = (scope.get('client') or ('',))[0]
    return f'{name} at {address}' if address else name


def _authorized_client_id(sid: str, msg: Any) -> str:
    """The message's client id, if the sending socket handshook as that client."""
    if not isinstance(msg, dict) or not isinstance(msg.get('client_id'), str):
        raise Malformed('no client_id')
    client_id = msg['client_id']
    if _is_test_sid(sid) or _in_room(sid, client_id):
        return client_id
    raise Forged(client_id)


def _guarded(kind: str, handler: Callable[[str, Any], None]) -> Callable[..., None]:
    """Accept exactly one payload; turn a malformed or forged one into a counted, throttled drop."""
    def on_message(sid: str, *payload: Any) -> None:
        try:
            if len(payload) != 1:
                raise Malformed(f'{len(payload)} payloads')
            handler(sid, payload[0])
        except Malformed as malformed:
            drops.drop('malformed', _source(sid), f'{kind!r}: {malformed}')
        except Forged as forged:
            drops.drop('forged', _source(sid), f'{kind!r} as client {str(forged)[:64]}')
    on_message.__name__ = f'guarded_{kind}'
    return on_message


# ---------- the four handlers (mirroring nicegui/nicegui.py of NiceGUI 3.18) ----------

def _parse_args(raw: Any) -> Any:
    """``Client.handle_event``'s argument decoding, refusing what would raise there."""
    if not isinstance(raw, list):
        raise Malformed('args is not a list')
    try:
        args = [None if arg is None else json.loads(_str(arg)) for arg in raw]
    except (ValueError, TypeError, RecursionError) as error:
        raise Malformed('args are not JSON') from error
    return args[0] if len(args) == 1 else args


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise Malformed('not a string')
    return value


def on_event(sid: str, msg: Any) -> None:
    client_id = _authorized_client_id(sid, msg)
    element_id, listener_id = msg.get('id'), msg.get('listener_id')
    if not isinstance(element_id, int) or isinstance(element_id, bool) or not isinstance(listener_id, str):
        raise Malformed('id or listener_id')
    client = Client.instances.get(client_id)
    if not client or not client.has_socket_connection:
        return
    with client:  # Client.handle_event, with its KeyError/JSON errors turned into drops
        sender = client.elements.get(element_id)
        if sender is not None and not sender.is_ignoring_events:
            if listener_id not in sender._event_listeners:  # noqa: SLF001 (mirrors Element._handle_event)
                raise Malformed('unknown listener')
            msg['args'] = _parse_args(msg.get('args', []))
            sender._handle_event(msg)  # noqa: SLF001


def on_javascript_response(sid: str, msg: Any) -> None:
    client_id = _authorized_client_id(sid, msg)
    if not isinstance(msg.get('request_id'), str):
        raise Malformed('request_id')
    if Client.instances.get(client_id):
        JavaScriptRequest.resolve(msg['request_id'], msg.get('result'))  # = Client.handle_javascript_response


def on_ack(sid: str, msg: Any) -> None:
    client_id = _authorized_client_id(sid, msg)
    next_id = msg.get('next_message_id')
    if not isinstance(next_id, int | float) or isinstance(next_id, bool):
        raise Malformed('next_message_id')
    if client := Client.instances.get(client_id):
        client.outbox.prune_history(next_id)


def on_log(sid: str, msg: Any) -> None:
    client_id = _authorized_client_id(sid, msg)
    if not isinstance(msg.get('level'), str) or msg['level'] not in LOG_LEVELS:
        raise Malformed('level')
    if client := Client.instances.get(client_id):
        client.handle_log_message(msg)


HANDLERS: dict[str, Callable[[str, Any], None]] = {
    'event': on_event,
    'javascript_response': on_javascript_response,
    'ack': on_ack,
    'log': on_log,
}


# ---------- handshakes and packets: shape checks in front of NiceGUI's and python-socketio's code ----------

def _handshake_shape(data: Any) -> bool:
    """What ``_on_handshake`` and ``Client.handle_handshake`` index and convert without a check."""
    return (isinstance(data, dict)
            and all(isinstance(data.get(key), str) for key in ('client_id', 'tab_id', 'document_id'))
            and isinstance(data.get('old_tab_id'), str | None)
            and _message_id(data.get('next_message_id')))


def _message_id(value: Any) -> bool:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return True
    return isinstance(value, str) and value.isascii() and value.isdigit()  # the query string's form


async def on_handshake(sid: str, *payload: Any) -> bool:
    if len(payload) != 1 or not _handshake_shape(payload[0]):
        drops.drop('malformed', _source(sid), "'handshake'")
        return False  # as for an unknown client: the browser reloads
    return await nicegui_handshake(sid, payload[0])


async def on_connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
    query = {k: v[0] for k, v in parse_qs(environ.get('QUERY_STRING', '')).items()}  # as _on_connect reads it
    if query.get('implicit_handshake', '') == 'true' and not _handshake_shape(query):
        drops.drop('malformed', _source(sid), 'implicit handshake')
        raise SocketRefused('Implicit handshake failed')
    await nicegui_connect(sid, environ, auth)


def _guarded_packets(handle: Callable[[str, Any], Awaitable[None]]) -> Callable[[str, Any], Awaitable[None]]:
    """python-socketio logs a traceback for every packet it cannot decode: count those instead."""
    async def on_packet(eio_sid: str, data: Any) -> None:
        try:
            await handle(eio_sid, data)
        except Exception as error:  # noqa: BLE001 (event handlers run in their own tasks: only decoding is here)
            scope = (core.sio.environ.get(eio_sid) or {}).get('asgi.scope', {})
            address = (scope.get('client') or ('?',))[0]
            drops.drop('malformed', f'connection at {address}', f'packet: {type(error).__name__}: {error}'[:200])
    return on_packet


def install() -> None:
    """Replace NiceGUI's message and handshake handlers (``sio.on(name, handler=...)`` overwrites the
    entry) and wrap python-socketio's packet decoding (registered with engine.io as ``'message'``)."""
    for name, handler in HANDLERS.items():
        core.sio.on(name, handler=_guarded(name, handler))
    core.sio.on('handshake', handler=on_handshake)
    core.sio.on('connect', handler=on_connect)
    core.sio.eio.on('message', _guarded_packets(core.sio._handle_eio_message))  # noqa: SLF001
    core.sio.eio.max_http_buffer_size = MAX_MESSAGE_BYTES  # longer messages close that socket
    # NiceGUI allows sockets from any origin ('*'); None lets only pages served by this laptop connect
    # (a browser always sends Origin, so another site cannot open a socket with a phone's cookies)
    core.sio.eio.cors_allowed_origins = None
