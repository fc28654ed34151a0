"""The live seam's fan-out: publish returns before any subscriber runs, changes arrive in order,
delivery gives the event loop back between slices, and one failing page does not stop the others."""
from __future__ import annotations

import asyncio
import time

import pytest

from spcp import live
from spcp.domain.changes import PhaseChanged, TimerChanged
from spcp.domain.views import TimerView


@pytest.fixture(autouse=True)
def fresh_channels():
    live.reset()
    yield
    live.reset()


async def delivered(room_id: int = 1) -> None:
    """Wait (bounded) until the room's worker has handed out everything queued."""
    for _ in range(500):
        channel = live._rooms.get(room_id)
        if channel is None or (not channel.queue and (channel.worker is None or channel.worker.done())):
            return
        await asyncio.sleep(0.01)
    raise AssertionError('the live worker did not finish')


async def test_publish_returns_before_any_subscriber_runs_and_keeps_the_order() -> None:
    seen: list[str] = []
    live.subscribe(1, lambda change: seen.append(change.phase))
    live.subscribe(2, lambda change: seen.append('other room ' + change.phase))
    live.publish([PhaseChanged(1, 'issues'), PhaseChanged(1, 'vote')])
    live.publish([PhaseChanged(1, 'themes')])
    assert seen == []  # nothing ran inside the publisher's handler
    await delivered()
    assert seen == ['issues', 'vote', 'themes']


async def test_a_room_of_slow_pages_lets_the_loop_run_between_slices() -> None:
    ticks: list[int] = []
    seen_ticks: list[int] = []

    def slow_page(_change) -> None:
        time.sleep(0.005)  # a page rebuilding itself
        seen_ticks.append(len(ticks))

    async def ticker() -> None:  # another socket, another room, a page load
        while len(seen_ticks) < 40:
            ticks.append(1)
            await asyncio.sleep(0)

    for _ in range(40):
        live.subscribe(1, slow_page)
    live.publish([PhaseChanged(1, 'vote')])
    await asyncio.gather(ticker(), delivered())
    assert len(seen_ticks) == 40
    assert seen_ticks[0] == seen_ticks[1]  # pages are handed the change in slices ...
    assert seen_ticks[-1] > seen_ticks[0]  # ... with the loop's other work between them (once per 20 ms)


async def test_a_failing_page_does_not_stop_the_others() -> None:
    seen: list[int] = []

    def broken(_change) -> None:
        raise RuntimeError('this page is broken')

    live.subscribe(1, broken)
    live.subscribe(1, lambda change: seen.append(change.timer.remaining_s))
    live.publish([TimerChanged(1, TimerView(None, 60))])
    await delivered()
    assert seen == [60]


def test_without_an_event_loop_changes_are_delivered_at_once() -> None:
    seen: list[str] = []
    live.subscribe(1, lambda change: seen.append(change.phase))
    live.publish([PhaseChanged(1, 'issues')])  # e.g. a command-line tool
    assert seen == ['issues']


async def test_a_counter_is_updated_once_per_burst() -> None:
    counted: list[str] = []
    seen: list[tuple[str, bool]] = []  # each change and whether more of its burst waited

    class CounterPage:  # e.g. a phone's "N issues in the room so far"
        def apply(self, change) -> None:
            seen.append((change.phase, live.backlog(1)))
            live.after_burst(1, self.count)

        def count(self) -> None:
            counted.append(seen[-1][0])

    live.subscribe(1, CounterPage().apply)
    live.publish([PhaseChanged(1, 'issues'), PhaseChanged(1, 'vote'), PhaseChanged(1, 'themes')])
    await delivered()
    assert seen == [('issues', True), ('vote', True), ('themes', False)]
    assert counted == ['themes']  # once, after the last change of the burst
    live.publish([PhaseChanged(1, 'solutions')])  # alone: counted at once
    await delivered()
    assert counted == ['themes', 'solutions']
