"""The one publish/subscribe seam: every change in a room reaches everyone looking at that room.

Domain calls return :mod:`~spcp.domain.changes`; the page that made the call publishes them here,
and every page showing the room applies them. Today this is one in-process ``nicegui.Event`` per
room; for several processes the same two functions can sit on PostgreSQL LISTEN/NOTIFY or Redis
without any page changing.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from nicegui import Event

from .domain.changes import Change

_rooms: dict[int, Event[Change]] = {}


def _channel(room_id: int) -> Event[Change]:
    if room_id not in _rooms:
        _rooms[room_id] = Event[Change]()
    return _rooms[room_id]


def publish(changes: Iterable[Change]) -> None:
    """Fan the changes out to the room's subscribers; does not wait for them."""
    for change in changes:
        _channel(change.room_id).emit(change)


def subscribe(room_id: int, handler: Callable[[Change], object]) -> None:
    """Call ``handler`` with each change of the room. Made inside a page, the subscription ends
    when that browser tab's client is deleted."""
    _channel(room_id).subscribe(handler)


def reset() -> None:
    """Forget every room's subscribers (for tests, which start a fresh app each time)."""
    _rooms.clear()
