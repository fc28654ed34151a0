"""spcp/group_commit.py: the write-ahead log is synced off the event loop, several commits per sync, and
whoever waits is told only once the sync that covers their commit is done."""
from __future__ import annotations

import asyncio
import os
import sqlite3
import threading

import pytest
from sqlalchemy import text

from spcp import db, group_commit
from spcp.group_commit import GroupCommit


@pytest.fixture
def fsyncs(monkeypatch):
    """Record the files synced; ``gate`` holds each sync until it is set."""
    calls: list[str] = []
    gate = threading.Event()
    gate.set()
    real = os.fsync

    def recording(descriptor: int) -> None:
        gate.wait(5)
        calls.append(os.readlink(f'/proc/self/fd/{descriptor}'))
        real(descriptor)
    monkeypatch.setattr(group_commit.os, 'fsync', recording)
    return calls, gate


def wal_file(tmp_path):
    database = tmp_path / 'spcp.sqlite3'
    connection = sqlite3.connect(database)
    connection.execute('PRAGMA journal_mode=WAL')
    connection.execute('CREATE TABLE t (x)')
    connection.execute('INSERT INTO t VALUES (1)')
    connection.commit()
    return database, connection


async def test_asks_made_during_a_sync_share_the_next_one(tmp_path, fsyncs) -> None:
    calls, gate = fsyncs
    database, connection = wal_file(tmp_path)
    committer = GroupCommit(database.with_name(database.name + '-wal'))
    try:
        gate.clear()
        committer.ask()  # the first sync starts and is held
        for _ in range(50):
            await asyncio.sleep(0.01)
            if committer.asked == 1:
                break
        for _ in range(20):
            committer.ask()  # 20 commits while the disk is busy
        waiter = asyncio.ensure_future(committer.synced())
        await asyncio.sleep(0.05)
        assert not waiter.done()  # told nothing before its commits are on disk
        gate.set()
        await asyncio.wait_for(waiter, 5)
        assert committer.done == committer.asked == 21
        assert 1 <= committer.syncs <= 2  # 21 commits, one or two syncs
        assert set(calls) == {str(database) + '-wal'}
    finally:
        committer.stop()
        connection.close()


async def test_nothing_asked_nothing_to_wait_for_and_no_log_is_no_error(tmp_path, fsyncs) -> None:
    calls, _ = fsyncs
    committer = GroupCommit(tmp_path / 'absent.sqlite3-wal')
    try:
        await asyncio.wait_for(committer.synced(), 1)  # at once
        committer.ask()
        await asyncio.wait_for(committer.synced(), 5)
        assert calls == [] and committer.syncs == 1  # no log: everything was already in the database file
    finally:
        committer.stop()


def test_stop_syncs_what_is_left(tmp_path, fsyncs) -> None:
    calls, _ = fsyncs
    database, connection = wal_file(tmp_path)
    committer = GroupCommit(database.with_name(database.name + '-wal'))
    committer.ask()
    committer.stop()
    assert committer.done == 1 and len(calls) == 1 and not committer.thread.is_alive()
    connection.close()


def test_the_server_commits_with_normal_and_the_tools_with_full(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(db, '_synchronous', 'FULL')
    db.configure(f'sqlite:///{tmp_path / "spcp.sqlite3"}')
    with db.engine().connect() as connection:
        assert connection.execute(text('PRAGMA synchronous')).scalar() == 2  # FULL
    assert db.commit_in_groups() == tmp_path / 'spcp.sqlite3'
    with db.engine().connect() as connection:
        assert connection.execute(text('PRAGMA synchronous')).scalar() == 1  # NORMAL: group_commit syncs


def test_without_a_group_commit_asking_and_waiting_cost_nothing() -> None:
    group_commit.stop()
    group_commit.ask()
    asyncio.run(asyncio.wait_for(group_commit.synced(), 1))
