"""Changes between server processes on one PostgreSQL: LISTEN/NOTIFY under the live seam.

With several ``spcp serve`` processes behind a proxy, a phone's vote is made in one process and the room's
board may be served by another. Each process publishes its changes here as well as to its own pages
(:func:`spcp.live.publish`); every other process hears them on one PostgreSQL channel and hands them to its
pages (:func:`spcp.live.receive`) as if made there. PostgreSQL delivers one sender's notifications in the
order they were sent, so a room's changes arrive in order.

A notification carries JSON (``change_json``) up to ``NOTIFY_LIMIT`` bytes; a batch longer than that is
split, and a single change longer than that (a card with many merged duplicates) is written to the
``live_change`` table and the notification carries its id. Who is connected is counted per process: each
process sends its own counts (``presence``) with its presence changes and every ``SNAPSHOT_S``, and the
others add them to theirs (``spcp/presence.py``), forgetting a process not heard from for a while.

Only the server runs a relay (the composition root, ``server.start``); SQLite means one process, no relay.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Callable, Iterable
from typing import Any

import psycopg
from sqlalchemy.engine import URL

from . import live
from .domain import change_json
from .domain.changes import Change, PresenceChanged
from .presence import presence

log = logging.getLogger(__name__)

CHANNEL = 'spcp_live'
NOTIFY_LIMIT = 7_900   # PostgreSQL refuses a notification payload of 8,000 bytes or more
KEEP_S = 60            # a long change's row is read within milliseconds; kept a minute, then deleted
SNAPSHOT_S = 20        # each process repeats its connected counts this often ...
RECONNECT_S = 1.0      # ... and a lost connection to PostgreSQL is tried again after this long


def conninfo(url: URL) -> str:
    """psycopg's connection string for SQLAlchemy's ``postgresql+psycopg://`` URL (password included)."""
    return url.set(drivername='postgresql').render_as_string(hide_password=False)


def pieces(changes: list[Change]) -> Iterable[tuple[str, list[Change]]]:
    """The changes as JSON texts that fit a notification, in order: halves of a long batch, and a single
    change that does not fit alone as it is (the sender stores that one in ``live_change``)."""
    text = change_json.dumps(changes)
    if len(text.encode()) <= NOTIFY_LIMIT or len(changes) == 1:
        yield text, changes
        return
    middle = len(changes) // 2
    yield from pieces(changes[:middle])
    yield from pieces(changes[middle:])


class Relay:
    """One process's link to the others: a connection that listens, one that sends."""

    def __init__(self, url: URL, receive: Callable[[list[Change]], object] = live.receive) -> None:
        self.conninfo = conninfo(url)
        self.receive = receive  # hands the others' changes to this process's pages
        self.origin = secrets.token_hex(6)  # this process, so it skips its own notifications
        self.outgoing: asyncio.Queue[list[Change]] | None = None
        self.tasks: list[asyncio.Task] = []
        self.sender: psycopg.AsyncConnection | None = None
        self.ready = asyncio.Event()  # listening (tests wait for it)

    # ---------- sending ----------

    def send(self, changes: list[Change]) -> None:
        """Queue this process's changes for the others (called by live.publish; never waits)."""
        if self.outgoing is not None:
            self.outgoing.put_nowait(changes)

    async def start(self) -> None:
        self.outgoing = asyncio.Queue()
        self.tasks = [asyncio.create_task(self._listen(), name='relay listen'),
                      asyncio.create_task(self._send_loop(), name='relay send'),
                      asyncio.create_task(self._snapshots(), name='relay presence')]
        live.relay_to(self.send)

    async def stop(self) -> None:
        live.relay_to(None)
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.sender is not None:
            await self.sender.close()

    async def _send_loop(self) -> None:
        assert self.outgoing is not None
        while True:
            changes = await self.outgoing.get()
            while not self.outgoing.empty():  # a burst (300 dots) goes out in few notifications
                changes = changes + self.outgoing.get_nowait()
            for text, part in pieces(changes):
                await self._deliver(text, part)

    async def _deliver(self, text: str, changes: list[Change]) -> None:
        """Notify the others; after a lost connection, once more on a new one (then it is logged and lost)."""
        for attempt in (1, 2):
            try:
                connection = await self._sender()
                await connection.execute('SELECT pg_notify(%s, %s)', (CHANNEL, await self._message(text, changes)))
                return
            except psycopg.Error:
                log.warning('changes not relayed to other processes (attempt %d)', attempt, exc_info=True)
                self.sender = None
                await asyncio.sleep(RECONNECT_S if attempt == 1 else 0)

    async def _sender(self) -> psycopg.AsyncConnection:
        if self.sender is None or self.sender.closed:
            self.sender = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
        return self.sender

    async def _message(self, text: str, changes: list[Change]) -> str:
        message: dict[str, Any] = {'o': self.origin, 'p': self._presence(changes)}
        if len(text.encode()) + 200 <= NOTIFY_LIMIT:
            message['c'] = json.loads(text)
        else:
            message['ref'] = await self._store(text)
        return json.dumps(message, ensure_ascii=False, separators=(',', ':'))

    async def _store(self, text: str) -> int:
        connection = await self._sender()
        async with connection.transaction():
            await connection.execute("DELETE FROM live_change WHERE created_at < now() - make_interval(secs => %s)",
                                     (KEEP_S,))
            cursor = await connection.execute(
                'INSERT INTO live_change (payload, created_at) VALUES (%s, now()) RETURNING id', (text,))
            row = await cursor.fetchone()
        assert row is not None
        return row[0]

    @staticmethod
    def _presence(changes: list[Change]) -> dict[str, int]:
        """This process's own connected count of each room whose presence changed (not the total it shows)."""
        rooms = {change.room_id for change in changes if isinstance(change, PresenceChanged)}
        return {str(room): presence().local(room) for room in rooms}

    async def _snapshots(self) -> None:
        while True:
            await asyncio.sleep(SNAPSHOT_S)
            counts = {str(room): n for room, n in presence().local_counts().items()}
            with contextlib.suppress(psycopg.Error):
                connection = await self._sender()
                await connection.execute('SELECT pg_notify(%s, %s)', (CHANNEL, json.dumps(
                    {'o': self.origin, 'p': counts, 'c': [], 'all': True}, separators=(',', ':'))))

    # ---------- hearing ----------

    async def _listen(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True) as connection:
                    await connection.execute(f'LISTEN {CHANNEL}')
                    self.ready.set()
                    async for note in connection.notifies():
                        await self._heard(note.payload)
            except psycopg.Error:
                self.ready.clear()
                log.warning('not hearing other processes; trying again in %.0f s', RECONNECT_S, exc_info=True)
                await asyncio.sleep(RECONNECT_S)

    async def _heard(self, payload: str) -> None:
        try:
            message = json.loads(payload)
            if message.get('o') == self.origin:
                return  # our own: our pages had them already
            counts = {int(room): n for room, n in message.get('p', {}).items()}
            presence().remote(message['o'], counts, every_room=bool(message.get('all')))
            text = await self._fetch(message['ref']) if 'ref' in message else None
            changes = change_json.loads(text) if text is not None else \
                [change_json.from_plain(plain) for plain in message.get('c', [])]
        except (ValueError, KeyError, TypeError, psycopg.Error):
            log.exception('a relayed change could not be read')
            return
        self.receive([self._with_totals(change) for change in changes])

    async def _fetch(self, ref: int) -> str | None:
        connection = await self._sender()
        cursor = await connection.execute('SELECT payload FROM live_change WHERE id = %s', (ref,))
        row = await cursor.fetchone()
        return row[0] if row else None

    @staticmethod
    def _with_totals(change: Change) -> Change:
        """A presence change shows the room's phones connected to every process, as this one counts them."""
        if isinstance(change, PresenceChanged):
            return PresenceChanged(change.room_id, presence().connected(change.room_id), change.refused_joins)
        return change
