"""The one publish/subscribe seam: every change in a room reaches everyone looking at that room.

Domain calls return :mod:`~spcp.domain.changes`; the page that made the call publishes them here,
and every page showing the room applies them. With several server processes on one PostgreSQL,
``spcp/relay.py`` hands each published change to the other processes (LISTEN/NOTIFY), which
``receive`` it for their own pages: no page knows the difference.

Delivery never runs inside the publisher's handler: ``publish`` queues the changes and returns. One
dispatcher hands every room's changes to the room's subscribers, in order, the rooms taking turns, and
gives the event loop back after each slice of its time (``SLICE_S``), so a phase change in a room of 300
phones no longer holds every other room, socket and page load until all 300 have rebuilt (measured: 34 s
frozen).

An organizer's page follows a whole event (``subscribe_event``): it is handed every change of the
event's rooms, right after the room's pages, and the changes meant for the event itself
(:class:`~spcp.domain.changes.EventChange`). Such a page gathers
what changed and redraws its summary through a :class:`Pacer`: a few times a second at most.
"""
from __future__ import annotations

import asyncio
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field

from nicegui import background_tasks, core, helpers
from nicegui.client import Client
from nicegui.context import context
from nicegui.slot import Slot

from . import room_reads
from .domain.changes import Change, EventChange, PresenceChanged

SLICE_S = 0.02  # at most this long handing a change to subscribers before the loop gets a turn


@dataclass(eq=False)
class Subscriber:
    handler: Callable[[Change], object]
    slot: weakref.ref[Slot] | None  # the page element it was subscribed in: its handler runs in that context
    client: Client | None

    def deliver(self, change: Change) -> None:
        """Run the handler in its page's context; an error is that page's, never the publisher's."""
        if self.client is not None and self.client.is_deleted:
            return
        with (self.slot and self.slot()) or nullcontext():
            try:
                result = self.handler(change)
                if helpers.should_await(result):
                    background_tasks.create(result, name='live change')
            except Exception as error:  # noqa: BLE001 (one page's failure must not stop the others' changes)
                core.app.handle_exception(error)


@dataclass(eq=False)
class Channel:
    subscribers: list[Subscriber] = field(default_factory=list)
    queue: deque[Change] = field(default_factory=deque)
    after_burst: dict[Callable[[], object], None] = field(default_factory=dict)  # run once the queue is empty
    current: Change | None = None  # the change being handed out, to ``handing`` (a big room's takes several slices)
    handing: deque[Subscriber] = field(default_factory=deque)
    waiting: bool = False  # in the dispatcher's turns


_rooms: dict[int, Channel] = {}
_events: dict[int, Channel] = {}   # event id -> pages following the whole event, and its EventChanges
_event_of: dict[int, int] = {}     # room id -> its event, for the rooms such pages follow


def _channel(room_id: int) -> Channel:
    return _rooms.setdefault(room_id, Channel())


_outward: Callable[[list[Change]], None] | None = None  # other server processes (spcp/relay.py), if any


def relay_to(sender: Callable[[list[Change]], None] | None) -> None:
    """Also hand every published change to ``sender`` (the relay to other processes; ``None``: stop)."""
    global _outward  # noqa: PLW0603
    _outward = sender


def publish(changes: Iterable[Change]) -> None:
    """Queue the changes for their rooms' subscribers (an EventChange: its event's), here and in the other
    server processes if any; returns at once, before any subscriber runs."""
    changes = list(changes)
    receive(changes)
    if _outward is not None and changes:
        _outward(changes)


def receive(changes: Iterable[Change]) -> None:
    """Queue changes for this process's subscribers: its own, and those another process published."""
    touched: dict[int, Channel] = {}
    for change in changes:
        if isinstance(change, EventChange):
            channel = _events.setdefault(change.event_id, Channel())
        else:
            if not isinstance(change, PresenceChanged):  # who is connected is not in the read; the rest is
                room_reads.forget(change.room_id)  # the room's shared read is stale from now on
            channel = _channel(change.room_id)
        channel.queue.append(change)
        touched[id(channel)] = channel
    for channel in touched.values():
        _start(channel)


def _receivers(channel: Channel, change: Change) -> list[Subscriber]:
    """The channel's subscribers, then (for a room's change) the pages following the room's event."""
    receivers = list(channel.subscribers)  # a page may close (unsubscribe) meanwhile
    event_id = None if isinstance(change, EventChange) else _event_of.get(change.room_id)
    if event_id is not None and event_id in _events:
        receivers += _events[event_id].subscribers
    return receivers


def _start(channel: Channel) -> None:
    if channel.waiting:
        return  # its turn comes: the new changes are handed out after the earlier ones, in order
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no event loop (a command-line tool): deliver now
        _drain_now(channel)
        return
    channel.waiting = True
    _dispatcher.ready.append(channel)
    _dispatcher.wake(loop)


class _Dispatcher:
    """One task hands out every channel's changes, a change at a time, the channels taking turns, and gives
    the loop back once a slice (``SLICE_S``) is used. Before, each room had its own worker and the workers
    took turns through a lock; each hand-over of the lock cost a turn of the loop, so at 1,000 participants
    (100 rooms, a hundred changes a second) the rooms queued for the lock and a card reached its board
    2-3 s late while the loop was 70% busy. Now many rooms' small changes share one turn of the loop, and
    a big room (the plenary's 300 phones) is handed a change over several turns."""

    def __init__(self) -> None:
        self.ready: deque[Channel] = deque()  # channels with changes to hand out, in turn
        self.task: asyncio.Task | None = None

    def wake(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.task is None or self.task.done() or self.task.get_loop() is not loop:  # (tests run several loops)
            self.task = loop.create_task(self.run(), name='live fan-out')

    async def run(self) -> None:
        while self.ready:
            slice_started = time.perf_counter()
            while self.ready and time.perf_counter() - slice_started <= SLICE_S:
                channel = self.ready[0]
                if _hand_out(channel, slice_started):
                    self.ready.popleft()
                    channel.waiting = False
                    _run_after_burst(channel)
                else:
                    self.ready.rotate(-1)  # the next channel's turn
            await asyncio.sleep(0)  # the loop's turn: pages send, requests are answered


_dispatcher = _Dispatcher()


def _hand_out(channel: Channel, slice_started: float) -> bool:
    """Hand the channel's next change to its receivers until they all have it or the slice is used;
    True when nothing of the channel is left to hand out."""
    if channel.current is None:
        if not channel.queue:
            return True
        channel.current = channel.queue.popleft()
        channel.handing = deque(_receivers(channel, channel.current))
    while channel.handing:
        channel.handing.popleft().deliver(channel.current)
        if channel.handing and time.perf_counter() - slice_started > SLICE_S:
            return False
    channel.current = None
    return not channel.queue


def _drain_now(channel: Channel) -> None:
    while channel.queue:
        change = channel.queue.popleft()
        for subscriber in _receivers(channel, change):
            subscriber.deliver(change)
    _run_after_burst(channel)


def _run_after_burst(channel: Channel) -> None:
    callbacks, channel.after_burst = list(channel.after_burst), {}
    for callback in callbacks:
        try:
            callback()
        except Exception as error:  # noqa: BLE001 (as in Subscriber.deliver)
            core.app.handle_exception(error)


def backlog(room_id: int) -> bool:
    """Whether more changes of the room wait to be handed out."""
    channel = _rooms.get(room_id)
    return bool(channel and channel.queue)


def after_burst(room_id: int, callback: Callable[[], object]) -> None:
    """Call ``callback`` once the room's waiting changes are all handed out (at once if none wait): a
    page updates a counter once per burst instead of once per change. The same callback asked for
    twice in a burst runs once."""
    channel = _channel(room_id)
    if channel.queue:
        channel.after_burst[callback] = None
    else:
        channel.after_burst.pop(callback, None)  # asked for earlier in this burst: this is that one time
        callback()


def subscribe(room_id: int, handler: Callable[[Change], object]) -> None:
    """Call ``handler`` with each change of the room. Made inside a page, the subscription ends
    when that browser tab's client is deleted."""
    _add(_channel(room_id), handler)


def subscribe_event(event_id: int, rooms: Iterable[int], handler: Callable[[Change], object]) -> None:
    """Call ``handler`` with each change of the event's ``rooms`` and each EventChange of the event
    (the page says which rooms it follows: the ones it shows). Ends with the page, as ``subscribe``."""
    for room_id in rooms:
        _event_of[room_id] = event_id
    _add(_events.setdefault(event_id, Channel()), handler)


def _add(channel: Channel, handler: Callable[[Change], object]) -> None:
    in_page = bool(Slot.get_stack())
    subscriber = Subscriber(handler, weakref.ref(context.slot) if in_page else None,
                            context.client if in_page else None)
    channel.subscribers.append(subscriber)
    if subscriber.client is not None:
        subscriber.client.on_delete(lambda: _unsubscribe(channel, subscriber))


def _unsubscribe(channel: Channel, subscriber: Subscriber) -> None:
    if subscriber in channel.subscribers:
        channel.subscribers.remove(subscriber)


class Pacer:
    """Calls ``callback`` soon after :meth:`poke`, but at most once every ``every_s``: a page that
    sums up many rooms redraws once after a burst of changes (300 phones voting), a few times a
    second while they keep coming, and a lone change shows at once. The callback runs outside any
    page's context: it updates elements it holds (and enters one to add to it)."""

    def __init__(self, callback: Callable[[], object], every_s: float = 0.3,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.callback, self.every_s, self.clock = callback, every_s, clock
        self.pending = False
        self.last = -every_s

    def poke(self) -> None:
        if self.pending:
            return  # the coming run takes this change too
        self.pending = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop: now
            self._run()
            return
        # even at once (0 s) it runs after the dispatcher's slice: one run for the changes handed out together
        loop.call_later(max(0.0, self.last + self.every_s - self.clock()), self._run)

    def _run(self) -> None:
        self.pending, self.last = False, self.clock()
        try:
            self.callback()
        except Exception as error:  # noqa: BLE001 (as in Subscriber.deliver)
            core.app.handle_exception(error)


def reset() -> None:
    """Forget every room's subscribers, queued changes and shared reads (for tests: a fresh app each time)."""
    relay_to(None)
    _dispatcher.ready.clear()
    _rooms.clear()
    _events.clear()
    _event_of.clear()
    room_reads.reset()
