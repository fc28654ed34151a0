"""One read of a room shared by every page that re-reads it after the same change.

A phase change in a room of 300 phones made 300 phones read the whole room from the database, one
after the other (7 ms each with 300 cards: 2 s in all). Now the first page to ask reads it
(``views.room_state``) and the others get it from here, each adding only what is its own (its dots,
its endorsements: ``views.view_of``). Every published change of a room forgets its read
(:func:`forget`, called by :mod:`spcp.live`), and a read is never kept longer than ``KEEP_S``, so a
write that published nothing is seen at the latest that much later.
"""
from __future__ import annotations

import time

from sqlmodel import Session

from .domain.access import Actor
from .domain.views import RoomState, RoomView, room_state, view_of

KEEP_S = 2.0

_reads: dict[int, tuple[float, RoomState]] = {}


def forget(room_id: int) -> None:
    _reads.pop(room_id, None)


def snapshot(session: Session, actor: Actor, room_id: int) -> RoomView:
    """``views.snapshot`` from the room's shared read (for ``actions.read``)."""
    kept = _reads.get(room_id)
    now = time.monotonic()
    if kept is None or now - kept[0] > KEEP_S:
        kept = _reads[room_id] = (now, room_state(session, room_id))
    return view_of(session, kept[1], actor)


def reset() -> None:
    _reads.clear()
