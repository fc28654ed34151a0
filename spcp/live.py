"""The one publish/subscribe seam: every change in a room reaches everyone looking at that room.

Domain calls return :mod:`~spcp.domain.changes`; the page that made the call publishes them here,
and every page showing the room applies them. For several processes the same two functions can sit
on PostgreSQL LISTEN/NOTIFY or Redis without any page changing.

Delivery never runs inside the publisher's handler: ``publish`` queues the changes and returns. One
worker per room hands them to the room's subscribers in order, and gives the event loop back
between slices of subscribers (``SLICE_S``), so a phase change in a room of 300 phones no longer
holds every other room, socket and page load until all 300 have rebuilt (measured: 34 s frozen).
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
from .domain.changes import Change

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
    worker: asyncio.Task | None = None
    after_burst: dict[Callable[[], object], None] = field(default_factory=dict)  # run once the queue is empty


_rooms: dict[int, Channel] = {}


def _channel(room_id: int) -> Channel:
    return _rooms.setdefault(room_id, Channel())


def publish(changes: Iterable[Change]) -> None:
    """Queue the changes for their rooms' subscribers; returns at once, before any subscriber runs."""
    touched: dict[int, Channel] = {}
    for change in changes:
        room_reads.forget(change.room_id)  # the room's shared read is stale from now on
        channel = _channel(change.room_id)
        channel.queue.append(change)
        touched[change.room_id] = channel
    for channel in touched.values():
        _start(channel)


def _start(channel: Channel) -> None:
    if channel.worker is not None and not channel.worker.done():
        return  # the running worker takes the new changes too, in order
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no event loop (a command-line tool): deliver now
        _drain_now(channel)
        return
    channel.worker = loop.create_task(_drain(channel), name='live fan-out')  # the channel keeps it alive


async def _drain(channel: Channel) -> None:
    slice_started = time.perf_counter()
    while channel.queue:
        change = channel.queue.popleft()
        for subscriber in list(channel.subscribers):  # a page may close (unsubscribe) meanwhile
            subscriber.deliver(change)
            if time.perf_counter() - slice_started > SLICE_S:
                await asyncio.sleep(0)
                slice_started = time.perf_counter()
    _run_after_burst(channel)


def _drain_now(channel: Channel) -> None:
    while channel.queue:
        change = channel.queue.popleft()
        for subscriber in list(channel.subscribers):
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
    in_page = bool(Slot.get_stack())
    subscriber = Subscriber(handler, weakref.ref(context.slot) if in_page else None,
                            context.client if in_page else None)
    channel = _channel(room_id)
    channel.subscribers.append(subscriber)
    if subscriber.client is not None:
        subscriber.client.on_delete(lambda: _unsubscribe(channel, subscriber))


def _unsubscribe(channel: Channel, subscriber: Subscriber) -> None:
    if subscriber in channel.subscribers:
        channel.subscribers.remove(subscriber)


def reset() -> None:
    """Forget every room's subscribers, queued changes and shared reads (for tests: a fresh app each time)."""
    _rooms.clear()
    room_reads.reset()
