"""Commits made durable off the event loop, many at once (the server on SQLite).

With ``synchronous=FULL`` every commit waited for the disk on the event loop: 0.3-1 ms each here, about
a tenth of the loop's time at 1,000 participants (100 commits a second; cProfile: 0.93 s of sqlite's
commit for 1,000 submits), and seconds when another program floods the disk. The server runs SQLite with
``synchronous=NORMAL`` in WAL mode instead: a commit writes its pages to the write-ahead log and returns,
and this module's thread fsyncs the log, once for every commit made since its last sync.

A phone's action is acknowledged (the outbox's ``done``, after which the phone forgets it) only once that
sync is done (:func:`synced`), so an acknowledged action still survives a power cut; every other commit
is synced a moment later without anybody waiting on the loop. SQLite's own checkpoints sync the database
file as before, and a crash of the process alone never lost a commit in either mode. On PostgreSQL, and
in the command-line tools, nothing is installed and every commit is durable when it returns.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class GroupCommit:
    """A thread that fsyncs the write-ahead log when asked; each sync covers every ask made before it began."""

    def __init__(self, wal: Path) -> None:
        self.wal = wal
        self.changed = threading.Condition()
        self.asked = 0   # asks so far (each after a commit)
        self.done = 0    # every ask up to this one is on disk
        self.syncs = 0   # fsyncs made (several asks share one)
        self.waiting: list[tuple[int, asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name='spcp-group-commit', daemon=True)
        self.thread.start()

    def ask(self) -> None:
        """Sync what has been committed so far, soon (returns at once)."""
        with self.changed:
            self.asked += 1
            self.changed.notify()

    async def synced(self) -> None:
        """Wait, without holding the loop, until every commit asked for so far is on disk."""
        loop = asyncio.get_running_loop()
        with self.changed:
            if self.done >= self.asked:
                return
            future = loop.create_future()
            self.waiting.append((self.asked, loop, future))
        await future

    def stop(self) -> None:
        """Sync what is left, then end the thread."""
        with self.changed:
            self.stopping = True
            self.changed.notify()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            with self.changed:
                while self.done == self.asked and not self.stopping:
                    self.changed.wait()
                if self.done == self.asked:
                    return
                target = self.asked
            self._sync()
            with self.changed:
                self.done, self.syncs = target, self.syncs + 1
                ready = [w for w in self.waiting if w[0] <= target]
                self.waiting = [w for w in self.waiting if w[0] > target]
            for _, loop, future in ready:
                with contextlib.suppress(RuntimeError):  # a loop closed meanwhile (tests)
                    loop.call_soon_threadsafe(_resolve, future)

    def _sync(self) -> None:
        try:
            descriptor = os.open(self.wal, os.O_RDONLY)  # the log as it is now (SQLite may have made it anew)
        except FileNotFoundError:
            return  # no log: everything is in the database file, which SQLite's checkpoint synced
        try:
            os.fsync(descriptor)
        except OSError:
            log.exception('the write-ahead log could not be synced: recent actions may not survive a power cut')
        finally:
            os.close(descriptor)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


_current: GroupCommit | None = None


def install(database: Path) -> GroupCommit:
    """Sync ``database``'s write-ahead log for this process's actions (the server's composition root)."""
    global _current  # noqa: PLW0603
    stop()
    _current = GroupCommit(database.with_name(database.name + '-wal'))
    return _current


def stop() -> None:
    global _current  # noqa: PLW0603
    if _current is not None:
        _current.stop()
        _current = None


def ask() -> None:
    """After an action's commit: have it synced soon (nothing to do where no group commit runs)."""
    if _current is not None:
        _current.ask()


async def synced() -> None:
    """Before acknowledging an action to a phone: every commit asked for so far is on disk."""
    if _current is not None:
        await _current.synced()
