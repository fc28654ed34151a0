"""The garbage collector's policy (spcp/gc_policy.py): small young generations, the full collection only when
the event loop has been quiet and enough has been promoted since the last one."""
from __future__ import annotations

import asyncio
import gc
import time

import pytest

from spcp import gc_policy


@pytest.fixture
def thresholds():
    kept = gc.get_threshold()
    yield
    gc.set_threshold(*kept)


def test_install_keeps_the_young_generations_small(thresholds) -> None:
    gc_policy.install()
    assert gc.get_threshold() == gc_policy.THRESHOLDS
    assert gc_policy.THRESHOLDS[0] * gc_policy.THRESHOLDS[1] <= 20_000  # what a generation-1 pass may walk (~2 us each)


@pytest.mark.parametrize('passes,share,expected', [
    (gc_policy.WORTH_PASSES, 0.0, True), (gc_policy.WORTH_PASSES, gc_policy.QUIET_CPU_SHARE - 0.01, True),
    (gc_policy.WORTH_PASSES - 1, 0.0, False), (gc_policy.WORTH_PASSES, gc_policy.QUIET_CPU_SHARE, False),
    (10 * gc_policy.WORTH_PASSES, 0.9, False),
])
def test_a_full_collection_only_when_worth_it_and_quiet(passes: int, share: float, expected: bool) -> None:
    assert gc_policy.worth_collecting(passes, share) is expected


def watch(load: str, seconds: float = 0.3) -> None:
    """Run the quiet watch beside a loop that is quiet, busy on the CPU, or blocked off the CPU."""
    async def run() -> None:
        loop = asyncio.get_running_loop()
        task = loop.create_task(gc_policy.collect_when_quiet())
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
def collected(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    done: list[int] = []
    monkeypatch.setattr(gc_policy, 'CHECK_S', 0.005)
    monkeypatch.setattr(gc_policy, 'QUIET_S', 0.02)
    monkeypatch.setattr(gc_policy, 'LATE_S', 0.02)
    monkeypatch.setattr(gc_policy, 'QUIET_CPU_SHARE', 0.1)  # spinning: more, or its checks come late
    monkeypatch.setattr(gc_policy, 'collect', lambda: done.append(1))
    monkeypatch.setattr(gc_policy.gc, 'get_count', lambda: (0, 0, gc_policy.WORTH_PASSES))
    return done


def test_a_quiet_loop_collects(collected: list[int]) -> None:
    watch('quiet')
    assert len(collected) >= 3


def test_a_loop_busy_on_the_cpu_does_not(collected: list[int]) -> None:
    watch('busy')
    assert collected == []


def test_a_loop_kept_waiting_does_not(collected: list[int]) -> None:
    watch('blocked')
    assert collected == []
