"""The event-loop watchdog (spcp/loop_watch.py) notices a blocked loop, says where, and counts the beats."""
from __future__ import annotations

import asyncio
import logging
import time

from spcp import loop_watch


def busy_for(seconds: float) -> None:
    """Something slow that forgets to give the loop back."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        sum(range(1000))


async def test_a_blocked_loop_is_reported_with_where_it_was(caplog) -> None:
    caplog.set_level(logging.WARNING, logger='spcp.loop_watch')
    since = time.monotonic()
    watch = loop_watch.start()
    try:
        await asyncio.sleep(0.1)  # a few beats on time
        busy_for(0.3)
        await asyncio.sleep(0.1)  # the beat after the block, and the watcher's report
        for _ in range(50):  # on a busy machine the watcher's thread may report later: wait for it (bounded)
            if any('event loop blocked' in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.05)
    finally:
        watch.running = False
    beats, lates = watch.lateness(since)
    assert beats >= 5 and max(lates) >= 0.25
    before_block, lates_before = watch.lateness(since, since + 0.09)  # only the beats that came before the block
    assert 0 < before_block < beats and all(late < 0.25 for late in lates_before)
    [report] = [r.getMessage() for r in caplog.records if 'event loop blocked' in r.getMessage()]
    assert 'busy_for' in report and 'test_loop_watch.py' in report
