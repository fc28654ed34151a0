"""A room's card list, served once as a file that all its voting phones fetch.

Sent inside each phone's element, 300 cards were 26.5 KB that the server serialised, framed and
compressed 300 times at the phase change to Vote (300 phones: the slowest waited 1.4 s and the event
loop was blocked 0.7 s). Now each phone's element carries only the list's address, named by a digest
of its content (``/room-cards/ROOM/DIGEST``); the list is encoded and gzipped once, kept here, and
the phones fetch it over plain HTTP (cacheable for good: the same address is always the same list).
Only a participant of the room (by the browser's signed cookie) may fetch it.

What changes afterwards (a new card, a hidden one) still reaches each phone as a small call on its
element (``vote_list.py``); a phone whose list is no longer kept here asks its element for a fresh one.

A room's phones all fetch at the phase change, so the fetch is answered ahead of every middleware
(:class:`CardListRoute`, wrapped around the app by :func:`serve_ahead_of_middleware`): through the
stack (NiceGUI's three ``BaseHTTPMiddleware``, sessions, ours, then a worker thread for the route) it
cost ~2.9 ms of the event loop per phone; the same check of the signed cookie, the same answers.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from base64 import b64decode
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import itsdangerous
from fastapi import FastAPI
from nicegui import app
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request, cookie_parser
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import entry, hardening
from ..domain.views import CardView

PATH = '/room-cards'
KEEP_LISTS = 1024      # distinct lists kept (gzipped, a few KB each): 100 rooms changing phase at once,
                       # with the lists of cards arriving meanwhile, outran 64 (real phones got 404s)
KEEP_IDENTITIES = 64   # card tuples already encoded (the room's shared read hands the same tuple to every phone)

Items = tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class SharedList:
    items: Items   # [{id, text}] in order: the server's copy, for tests and for sharing again
    url: str
    size: int      # bytes of its JSON


@dataclass(frozen=True)
class _Body:
    plain: bytes
    gzipped: bytes


_bodies: OrderedDict[tuple[int, str], _Body] = OrderedDict()
_encoded: OrderedDict[int, tuple[tuple[CardView, ...], SharedList]] = OrderedDict()


def share_cards(room_id: int, cards: tuple[CardView, ...]) -> SharedList:
    """The list of ``cards`` as a phone shows it, and where to fetch it. Encoded once per tuple."""
    found = _encoded.get(id(cards))
    if found is not None and found[0] is cards:
        _encoded.move_to_end(id(cards))
        return found[1]
    shared = share_items(room_id, tuple({'id': card.id, 'text': card.text} for card in cards))
    _encoded[id(cards)] = (cards, shared)  # the tuple is kept with it, so its id cannot be reused meanwhile
    while len(_encoded) > KEEP_IDENTITIES:
        _encoded.popitem(last=False)
    return shared


def share_items(room_id: int, items: Items) -> SharedList:
    plain = json.dumps(items, ensure_ascii=False, separators=(',', ':')).encode()
    digest = hashlib.blake2b(plain, digest_size=16).hexdigest()
    key = (room_id, digest)
    if key in _bodies:
        _bodies.move_to_end(key)
    else:
        _bodies[key] = _Body(plain, gzip.compress(plain, compresslevel=6, mtime=0))
        while len(_bodies) > KEEP_LISTS:
            _bodies.popitem(last=False)
    return SharedList(items, f'{PATH}/{room_id}/{digest}', len(plain))


def reset() -> None:
    _bodies.clear()
    _encoded.clear()


Headers = list[tuple[bytes, bytes]]
JSON = (b'content-type', b'application/json')
REFUSED = b'{"error":"not a participant of this room"}'
GONE = b'{"error":"no longer kept"}'


def answer(room_id: int, digest: str, device: str, accept_encoding: str) -> tuple[int, Headers, bytes]:
    """The list, to a participant of the room only; 404 when it is no longer kept (the phone asks again)."""
    if not device or not entry.is_participant(room_id, device):
        return 403, [JSON], REFUSED
    body = _bodies.get((room_id, digest))
    if body is None:
        return 404, [JSON], GONE
    headers = [JSON, (b'cache-control', b'private, max-age=86400, immutable'), (b'vary', b'Accept-Encoding')]
    if 'gzip' in accept_encoding:
        return 200, [*headers, (b'content-encoding', b'gzip')], body.gzipped
    return 200, headers, body.plain


@app.get(PATH + '/{room_id}/{digest}')
def room_cards(room_id: int, digest: str, request: Request) -> Response:
    """The same answer through the middleware: where :class:`CardListRoute` is not wrapped around the app."""
    device = request.session.get('id', '') if 'session' in request.scope else ''
    status, headers, body = answer(room_id, digest, device, request.headers.get('accept-encoding', ''))
    response = Response(body, status_code=status)
    response.raw_headers = [*headers, (b'content-length', str(len(body)).encode())]
    return response


class CardListRoute:
    """Pure ASGI: answers ``GET /room-cards/ROOM/DIGEST`` itself, with the browser id from the signed session
    cookie (read as starlette's SessionMiddleware reads it) and the security headers; all else goes on."""

    def __init__(self, app: ASGIApp, device: Callable[[str], str]) -> None:
        self.app, self.device = app, device
        # what SecurityHeaders adds to every answer, and the Vary that SessionMiddleware adds when it reads the cookie
        self.extra = [(b'vary', b'Cookie'), *((name.lower().encode('latin-1'), value.encode('latin-1'))
                                              for name, value in hardening.SECURITY_HEADERS.items())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = _room_and_digest(scope)
        if found is None:
            await self.app(scope, receive, send)
            return
        device = self.device(_header(scope, b'cookie'))
        status, answered, body = answer(*found, device, _header(scope, b'accept-encoding'))
        await send({'type': 'http.response.start', 'status': status,
                    'headers': [*answered, (b'content-length', str(len(body)).encode()), *self.extra]})
        await send({'type': 'http.response.body', 'body': body})


def _room_and_digest(scope: Scope) -> tuple[int, str] | None:
    """``(room, digest)`` of a GET of a card list; None for anything else (the app answers it as before)."""
    if scope['type'] != 'http' or scope.get('method') != 'GET' or not scope.get('path', '').startswith(PATH + '/'):
        return None
    parts = scope['path'][len(PATH) + 1:].split('/')
    if len(parts) != 2 or not parts[0].isascii() or not parts[0].isdigit() or not parts[1]:
        return None
    return int(parts[0]), parts[1]


def _header(scope: Scope, name: bytes) -> str:
    """The first value of a request header, as starlette's ``Headers.get`` reads it ('' when there is none)."""
    return next((value.decode('latin-1') for key, value in scope.get('headers') or () if key == name), '')


def session_device(secret: str, cookie_name: str = 'session', max_age: int | None = 14 * 24 * 60 * 60,
                   ) -> Callable[[str], str]:
    """The browser id in a ``Cookie`` header's signed session (as SessionMiddleware reads it; '' if none)."""
    signer = itsdangerous.TimestampSigner(secret)

    def device(cookie_header: str) -> str:
        signed = cookie_parser(cookie_header).get(cookie_name) if cookie_header else None
        if not signed:
            return ''
        try:
            session = json.loads(b64decode(signer.unsign(signed.encode('utf-8'), max_age=max_age)))
        except (itsdangerous.BadSignature, ValueError):
            return ''
        found = session.get('id', '') if isinstance(session, dict) else ''
        return found if isinstance(found, str) else ''
    return device


def serve_ahead_of_middleware(fastapi_app: FastAPI) -> None:
    """Put :class:`CardListRoute` outside every middleware. ``ui.run`` adds NiceGUI's after ours, and the stack
    is built at the first request (its start-up), so it is wrapped there, with the session cookie's settings."""
    build = fastapi_app.build_middleware_stack

    def wrapped() -> ASGIApp:
        sessions = next((m for m in fastapi_app.user_middleware if m.cls is SessionMiddleware), None)
        if sessions is None:  # no storage secret: no browser has an id, so nobody is a participant
            return CardListRoute(build(), lambda _cookie: '')
        kwargs = sessions.kwargs
        secret = str(kwargs.get('secret_key', sessions.args[0] if sessions.args else ''))
        return CardListRoute(build(), session_device(secret, kwargs.get('session_cookie', 'session'),
                                                     kwargs.get('max_age', 14 * 24 * 60 * 60)))
    fastapi_app.build_middleware_stack = wrapped  # type: ignore[method-assign]
