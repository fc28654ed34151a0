"""When the server's garbage collector runs: short young collections; the full one only for what pages that
closed sockets leave behind, and only when the event loop is quiet.

A collection stops the event loop, so every phone of the hall waits for it. It costs about what it walks
(~1-3 us of CPU per object: pages are dicts and lists of many references). With 1,000 participants' pages in
memory (1.7-2.5 million objects tracked) a full collection takes 1.5-2.2 s, and 0.36-0.39 s in the 300-phone
plenary. It only ever returns objects held in reference cycles, and what makes those here was measured
(``bench/load.py``'s ``gc_full_after``, by kind): a page's old elements after a phase change (252,857 objects at
1,000 phones, until ``framework_speedups.remove_elements`` broke their cycles: 1,490 since), and a socket that
closed (~34 objects each: the socket, its tasks, the tracebacks of their ending); 45 s of 1,000 participants
submitting left nothing more worth a collection.

So: the young generations are small (:data:`THRESHOLDS`; ``(50_000, 50, 100)`` gave generation-0 passes up to
77-124 ms, ``(1_000, 10)`` up to 15-29 ms and generation-1 passes up to 34-61 ms), and what survives a
generation-1 pass (pages, the rooms' reads, the model) is frozen at once (:func:`freeze_survivors`,
``gc.freeze``: a move of one list, no walk), so no collection walks it again and Python's own full collection
walks only what came since the last young pass. The full collection over everything (:func:`sweep`) runs
once ``SWEEP_AFTER_CLOSED`` sockets have closed since the last one, when the loop has been quiet
for a moment (:func:`sweep_when_quiet`), or at once when no page is connected (nobody waits for it).
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

THRESHOLDS = (1_000, 10, 5_000)
CHECK_S = 0.5             # how often the loop's quiet is checked
QUIET_S = 5.0             # quiet for this long: every check on time, and
LATE_S = 0.02             # (a check this late: the loop had work, or the machine gave its CPU to others)
QUIET_CPU_SHARE = 0.3     # the event loop's thread used under 30% of a core meanwhile
                          # (1,000 connected phones doing nothing keep it at ~13%; their steady submits above 80%)
SWEEP_AFTER_CLOSED = 300  # sockets closed since the last sweep before one is worth it (their cycles: ~10,000
                          # objects; a deleted page's own elements are freed by reference counting)
_closed = [0]             # sockets closed since the last sweep


def install() -> None:
    """Small young generations, their survivors frozen, from now on. Call before the app starts; then
    :func:`started` on its loop, and :func:`socket_closed` each time a page's socket closes."""
    gc.set_threshold(*THRESHOLDS)
    if freeze_survivors not in gc.callbacks:
        gc.callbacks.append(freeze_survivors)


def freeze_survivors(phase: str, info: dict) -> None:
    """After a generation-1 (or full) collection the young generations are empty and the survivors are in the
    old one: freeze them (inside the collection's callback, before any new object is tracked)."""
    if phase == 'stop' and info['generation'] >= 1:
        gc.freeze()


def socket_closed() -> None:
    _closed[0] += 1


async def started(connected: Callable[[], int]) -> None:
    """At start-up: what the app holds by now (modules, the model) is never walked again; watch for a sweep
    (``connected`` tells how many pages have their socket connected)."""
    gc.freeze()
    asyncio.get_running_loop().create_task(sweep_when_quiet(connected))


def worth_sweeping(closed: int, connected: int, loop_cpu_share: float) -> bool:
    """A full collection now: sockets closed, and no page waits for it or enough closed and the loop was quiet."""
    return closed > 0 and (connected == 0 or (closed >= SWEEP_AFTER_CLOSED and loop_cpu_share < QUIET_CPU_SHARE))


async def sweep_when_quiet(connected: Callable[[], int]) -> None:
    """:func:`sweep`, on the loop's thread, once the loop has been quiet for ``QUIET_S`` and it is
    :func:`worth_sweeping`. Quiet needs both: a loop starved of the CPU by other processes uses little of
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
                if worth_sweeping(_closed[0], connected(), (time.thread_time() - cpu) / (now - since)):
                    sweep()
                cpu, since = time.thread_time(), time.monotonic()


def sweep() -> int:
    """Everything unfrozen and collected (what died in cycles since it was frozen), then frozen again."""
    began = time.perf_counter()
    _closed[0] = 0
    gc.unfreeze()
    found = gc.collect()  # freeze_survivors freezes again as it ends
    log.info('full garbage collection while quiet: %.0f ms, %d objects freed', (time.perf_counter() - began) * 1000,
             found)
    return found
