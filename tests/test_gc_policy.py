"""The garbage collector's policy (spcp/gc_policy.py): small young generations whose survivors are frozen, and
the full collection only when sockets have closed, with the event loop quiet or no page connected."""
from __future__ import annotations

import asyncio
import gc
import time
import weakref

import pytest

from spcp import gc_policy


@pytest.fixture
def installed():
    kept = gc.get_threshold()
    gc_policy.install()
    yield
    gc.callbacks.remove(gc_policy.freeze_survivors)
    gc.set_threshold(*kept)
    gc.unfreeze()


class Node:
    """An object in a reference cycle (with itself), which only a collection frees."""

    def __init__(self) -> None:
        self.me = self


def test_install_keeps_the_young_generations_small(installed) -> None:
    assert gc.get_threshold() == gc_policy.THRESHOLDS
    assert gc_policy.THRESHOLDS[0] * gc_policy.THRESHOLDS[1] <= 20_000  # what a generation-1 pass may walk


def test_what_survives_a_generation_1_pass_is_frozen_and_no_collection_walks_it(installed) -> None:
    kept = Node()
    gc.collect(1)
    assert not any(found is kept for found in gc.get_objects())  # frozen: in no generation
    gone = weakref.ref(kept)
    del kept
    gc.collect()  # a full collection walks no frozen object: the cycle that died stays
    assert gone() is not None
    assert gc_policy.sweep() >= 1  # the sweep unfreezes and collects everything
    assert gone() is None
    assert gc.get_freeze_count() > 0 and len(gc.get_objects()) < 1_000  # frozen again as it ended


def test_a_generation_0_pass_freezes_nothing(installed) -> None:
    young = Node()
    gc.collect(0)
    assert any(found is young for found in gc.get_objects())


@pytest.mark.parametrize('closed,connected,share,expected', [
    (gc_policy.SWEEP_AFTER_CLOSED, 5, 0.0, True),
    (gc_policy.SWEEP_AFTER_CLOSED, 5, gc_policy.QUIET_CPU_SHARE - 0.01, True),
    (gc_policy.SWEEP_AFTER_CLOSED - 1, 5, 0.0, False),
    (gc_policy.SWEEP_AFTER_CLOSED, 5, gc_policy.QUIET_CPU_SHARE, False),
    (10 * gc_policy.SWEEP_AFTER_CLOSED, 5, 0.9, False),
    (1, 0, 0.0, True), (0, 0, 0.0, False),  # nobody connected: any socket closed is worth it, nothing else
])
def test_a_sweep_only_when_sockets_closed_and_the_loop_is_quiet(closed: int, connected: int, share: float,
                                                                 expected: bool) -> None:
    assert gc_policy.worth_sweeping(closed, connected, share) is expected


def watch(load: str, seconds: float = 0.3) -> None:
    """Run the quiet watch beside a loop that is quiet, busy on the CPU, or blocked off the CPU."""
    async def run() -> None:
        loop = asyncio.get_running_loop()
        task = loop.create_task(gc_policy.sweep_when_quiet(lambda: 5))
        end = loop.time() + seconds
        while loop.time() < end:
            if load == 'busy':
                sum(range(20_000))  # the loop's thread on the CPU all the time
            elif load == 'blocked':
                time.sleep(0.03)  # the loop's thread off the CPU yet not answering: as when the machine starves it
            await asyncio.sleep(0 if load != 'quiet' else 0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    asyncio.run(run())


@pytest.fixture
def swept(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    done: list[int] = []
    monkeypatch.setattr(gc_policy, 'CHECK_S', 0.005)
    monkeypatch.setattr(gc_policy, 'QUIET_S', 0.02)
    monkeypatch.setattr(gc_policy, 'LATE_S', 0.02)
    monkeypatch.setattr(gc_policy, 'QUIET_CPU_SHARE', 0.1)  # spinning: more, or its checks come late
    monkeypatch.setattr(gc_policy, 'sweep', lambda: done.append(1))
    monkeypatch.setattr(gc_policy, '_closed', [gc_policy.SWEEP_AFTER_CLOSED])
    return done


def test_a_quiet_loop_sweeps(swept: list[int]) -> None:
    watch('quiet')
    assert len(swept) >= 3


def test_a_loop_busy_on_the_cpu_does_not(swept: list[int]) -> None:
    watch('busy')
    assert swept == []


def test_a_loop_kept_waiting_does_not(swept: list[int]) -> None:
    watch('blocked')
    assert swept == []


def test_closed_sockets_are_counted_and_a_sweep_starts_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gc_policy, '_closed', [0])
    gc_policy.socket_closed()
    gc_policy.socket_closed()
    assert gc_policy._closed == [2]  # noqa: SLF001
    gc_policy.sweep()
    assert gc_policy._closed == [0]  # noqa: SLF001
