"""When the server's garbage collector runs: short young collections always, the full one when the server is quiet.

A collection stops the event loop, so every phone of the hall waits for it. A young collection costs
about what it walks (~2 us of CPU per object here: pages are dicts and lists of many references); with
1,000 participants' pages in memory (1.7-2.8 million objects tracked) a full one takes 1.7-2.2 s of CPU.
Measured with ``bench/load.py`` (``gc_pauses`` in its report; 1,000 participants in 100 rooms, a submit
each every 10 s, CPU ms per pass): ``(50_000, 50, 100)``, before, gave generation-0 passes up to 77-124
ms and a generation-1 pass of 1,340 ms; ``(5_000, 20)`` generation-1 passes up to 109 ms, ``(2_000, 15)``
up to 113, ``(5_000, 5)`` up to 92, ``(1_000, 10)`` up to 50 (mean 20) with generation-0 passes up
to 19 ms, for about a second more CPU per 45 s run in all. So the young generations are kept small
(:data:`THRESHOLDS`), and the full collection, which only returns memory held in reference cycles (a
page's old elements after a phase change: 230-300 thousand objects for 1,000 phones), runs when the
event loop has been quiet for a moment (:func:`collect_when_quiet`) or, as a last resort, after
``THRESHOLDS[2]`` generation-1 passes (about every 80 minutes of that load).
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time

log = logging.getLogger(__name__)

THRESHOLDS = (1_000, 10, 5_000)
CHECK_S = 0.5             # how often the loop's quiet is checked
QUIET_S = 5.0             # quiet for this long: every check on time, and
LATE_S = 0.02             # (a check this late: the loop had work, or the machine gave its CPU to others)
QUIET_CPU_SHARE = 0.3     # the event loop's thread used under 30% of a core meanwhile
                          # (1,000 connected phones doing nothing keep it at ~13%; their steady submits above 80%)
WORTH_PASSES = 50         # generation-1 passes since the last full collection before a quiet one is worth it


def install() -> None:
    """Small young generations from now on. Call before the app starts; then :func:`started` on its loop."""
    gc.set_threshold(*THRESHOLDS)


async def started() -> None:
    """At start-up: what the app holds by now (modules, the model) is never walked again; watch for quiet."""
    gc.freeze()
    asyncio.get_running_loop().create_task(collect_when_quiet())


def worth_collecting(passes_since_full: int, loop_cpu_share: float) -> bool:
    """A full collection now: enough young passes since the last one, and the loop was quiet meanwhile."""
    return passes_since_full >= WORTH_PASSES and loop_cpu_share < QUIET_CPU_SHARE


async def collect_when_quiet() -> None:
    """The full collection, on the loop's thread, once the loop has been quiet for ``QUIET_S`` and it is
    :func:`worth_collecting`. Quiet needs both: a loop starved of the CPU by other processes uses little of
    it too, but its checks come late (measured: a "quiet" collection taken then stopped it for 14 s)."""
    cpu, since = time.thread_time(), time.monotonic()
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            asked = time.monotonic()
            await asyncio.sleep(CHECK_S)
            now = time.monotonic()
            if now - asked - CHECK_S > LATE_S:
                cpu, since = time.thread_time(), now  # not quiet: start over
            elif now - since >= QUIET_S:
                if worth_collecting(gc.get_count()[2], (time.thread_time() - cpu) / (now - since)):
                    collect()
                cpu, since = time.thread_time(), time.monotonic()


def collect() -> None:
    began = time.perf_counter()
    found = gc.collect()
    log.info('full garbage collection while quiet: %.0f ms, %d objects freed', (time.perf_counter() - began) * 1000,
             found)
