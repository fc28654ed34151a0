"""Backups during the day: while ``spcp serve`` runs, a copy of the database every few minutes.

SQLite's online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot while the
server keeps writing (WAL: readers never block the writer). The copies go to ``<data dir>/backups``,
private like the database (0600 in a 0700 folder), the newest ``KEEP`` kept. A thread of its own
makes them, off the event loop that serves the phones; a copy is written under a temporary name
and renamed, so a backup file is always whole.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER = 'backups'
EVERY_S = 300      # five minutes: at most five minutes of a day lost with a laptop's disk
KEEP = 6           # the last half hour
PREFIX, SUFFIX = 'spcp-', '.sqlite3'


def database_file(url: str) -> Path | None:
    """The SQLite file behind a database URL (None: not an SQLite file)."""
    if not url.startswith('sqlite:///'):
        return None
    path = url.removeprefix('sqlite:///')
    return None if path in ('', ':memory:') else Path(path)


def backup_once(database: Path, folder: Path, *, keep: int = KEEP, now: float | None = None) -> Path:
    """Copy ``database`` into ``folder`` as ``spcp-YYYYMMDD-HHMMSS.sqlite3``; keep the newest ``keep``."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = time.strftime('%Y%m%d-%H%M%S', time.localtime(now if now is not None else time.time()))
    target = folder / f'{PREFIX}{stamp}{SUFFIX}'
    partial = folder / f'.{target.name}.part'
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # private from the first byte
    source = sqlite3.connect(database, timeout=5)  # reads only; read-only mode would need the WAL's files
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    partial.replace(target)
    for old in backups(folder)[:-keep]:
        old.unlink(missing_ok=True)
    return target


def backups(folder: Path) -> list[Path]:
    """The backups in ``folder``, oldest first."""
    return sorted(folder.glob(f'{PREFIX}*{SUFFIX}')) if folder.is_dir() else []


class Backups:
    """A thread that backs the database up every ``every_s`` seconds until stopped."""

    def __init__(self, database: Path, folder: Path, *, every_s: float = EVERY_S, keep: int = KEEP) -> None:
        self.database, self.folder, self.every_s, self.keep = database, folder, every_s, keep
        self.made = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name='spcp-backups', daemon=True)

    def start(self) -> Backups:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                backup_once(self.database, self.folder, keep=self.keep)
                self.made += 1
            except (OSError, sqlite3.Error):  # a full disk must not stop the day: say so, try again later
                log.exception('backup of %s failed', self.database)


def start(database_url: str, data_dir: Path) -> Backups | None:
    """Back up the event's SQLite file during the day (nothing for another database)."""
    database = database_file(database_url)
    if database is None:
        return None
    return Backups(database, Path(data_dir) / FOLDER).start()
