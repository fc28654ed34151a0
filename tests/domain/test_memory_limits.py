"""Rate limits counted in memory (spcp/rate_limits.py, one process on SQLite): `limits`' moving windows, with
expired entries dropped every few seconds on the counting thread instead of by a new thread after each try."""
from __future__ import annotations

import threading

import pytest

from spcp import rate_limits
from spcp.rate_limits import RateLimits, SparseExpiry

RULES = {'actions_per_participant': '3 per 10 seconds'}


class Clock:
    """`limits` reads time.time(); the expiry walk time.monotonic(): both moved together."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 1_800_000_000.0
        monkeypatch.setattr('limits.storage.memory.time.time', lambda: self.now)
        monkeypatch.setattr('spcp.rate_limits.time.monotonic', lambda: self.now)
        monkeypatch.setattr('spcp.rate_limits.time.time', lambda: self.now)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def storage_of(limits: RateLimits) -> SparseExpiry:
    return limits._limiter.storage  # noqa: SLF001


def test_tries_start_no_thread(monkeypatch, clock) -> None:
    """`limits` alone started a thread 10 ms after a try whenever its last one had ended (137 threads for 200
    tries over 2 s); counting here starts none."""
    limits = RateLimits(RULES)
    started = []
    monkeypatch.setattr(threading.Thread, 'start', lambda thread: started.append(thread))
    for second in range(60):
        clock.now += 0.5
        for participant in range(20):
            limits.hit('actions_per_participant', participant + 100 * second)
    assert started == []


def test_the_window_still_counts_and_ends(clock) -> None:
    limits = RateLimits(RULES)
    assert [limits.hit('actions_per_participant', 7) for _ in range(4)] == [None, None, None, 10.0]
    clock.now += 9.5
    assert limits.hit('actions_per_participant', 7) is not None
    clock.now += 1.0  # the first tries are over 10 s old: free again, with no walk in between
    assert limits.hit('actions_per_participant', 7) is None


def test_expired_entries_are_dropped_every_few_seconds(clock) -> None:
    limits = RateLimits(RULES)
    for participant in range(1000):
        limits.hit('actions_per_participant', participant)
    storage = storage_of(limits)
    assert len(storage.events) == 1000
    clock.now += 11  # past the window, but the walk is due only EXPIRE_EVERY_S after the last one
    storage.expired_at = clock.now - rate_limits.EXPIRE_EVERY_S / 2
    limits.hit('actions_per_participant', 'someone new')
    assert sum(map(len, storage.events.values())) == 1001
    clock.now += rate_limits.EXPIRE_EVERY_S
    limits.hit('actions_per_participant', 'someone else')
    assert {key for key, entries in storage.events.items() if entries} == \
        {'LIMITER/actions_per_participant/someone new/3/10/second',
         'LIMITER/actions_per_participant/someone else/3/10/second'}
    assert set(storage.events) == {'LIMITER/actions_per_participant/someone new/3/10/second',
                                   'LIMITER/actions_per_participant/someone else/3/10/second'}  # keys, not only lists


def test_the_method_overridden_is_limits_own() -> None:
    """SparseExpiry replaces `limits`' private ``__schedule_expiry``: a `limits` that renames it fails here."""
    from limits.storage import MemoryStorage
    assert callable(getattr(MemoryStorage, '_MemoryStorage__schedule_expiry', None))
    assert callable(getattr(MemoryStorage, '_MemoryStorage__expire_events', None))
