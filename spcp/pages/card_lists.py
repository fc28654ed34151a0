"""A room's card list, served once as a file that all its voting phones fetch.

Sent inside each phone's element, 300 cards were 26.5 KB that the server serialised, framed and
compressed 300 times at the phase change to Vote (300 phones: the slowest waited 1.4 s and the event
loop was blocked 0.7 s). Now each phone's element carries only the list's address, named by a digest
of its content (``/room-cards/ROOM/DIGEST``); the list is encoded and gzipped once, kept here, and
the phones fetch it over plain HTTP (cacheable for good: the same address is always the same list).
Only a participant of the room (by the browser's signed cookie) may fetch it.

What changes afterwards (a new card, a hidden one) still reaches each phone as a small call on its
element (``vote_list.py``); a phone whose list is no longer kept here asks its element for a fresh one.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from nicegui import app
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import entry
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
    return SharedList(items, f'{PATH}/{room_id}/{digest}')


def reset() -> None:
    _bodies.clear()
    _encoded.clear()


@app.get(PATH + '/{room_id}/{digest}')
def room_cards(room_id: int, digest: str, request: Request) -> Response:
    """The list, to a participant of the room only; 404 when it is no longer kept (the phone asks again)."""
    device = request.session.get('id', '') if 'session' in request.scope else ''
    if not device or not entry.is_participant(room_id, device):
        return JSONResponse({'error': 'not a participant of this room'}, status_code=403)
    body = _bodies.get((room_id, digest))
    if body is None:
        return JSONResponse({'error': 'no longer kept'}, status_code=404)
    headers = {'Cache-Control': 'private, max-age=86400, immutable', 'Vary': 'Accept-Encoding'}
    if 'gzip' in request.headers.get('accept-encoding', ''):
        headers['Content-Encoding'] = 'gzip'
        return Response(body.gzipped, media_type='application/json', headers=headers)
    return Response(body.plain, media_type='application/json', headers=headers)
