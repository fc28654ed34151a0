"""The live seam's fan-out: publish returns before any subscriber runs, changes arrive in order,
delivery gives the event loop back between slices, and one failing page does not stop the others."""
from __future__ import annotations

import asyncio
import time

import pytest

from spcp import live
from spcp.domain.changes import EventChange, PhaseChanged, TimerChanged
from spcp.domain.views import TimerView


@pytest.fixture(autouse=True)
def fresh_channels():
    live.reset()
    yield
    live.reset()


async def delivered(room_id: int = 1, *, event_id: int | None = None) -> None:
    """Wait (bounded) until the room's (or event's) worker has handed out everything queued."""
    for _ in range(500):
        channel = live._rooms.get(room_id) if event_id is None else live._events.get(event_id)
        if channel is None or not channel.waiting:
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


async def test_busy_rooms_take_turns_so_the_loop_waits_one_slice_not_one_per_room(monkeypatch) -> None:
    """Ten rooms' workers each gave the loop back every 20 ms, but all in the same turn of the loop (the
    hall moving to the plenary blocked it 550 ms). Now between two turns of the loop the pages of all
    rooms together are handed at most one slice (20 ms, and the page that ran over it), and the rooms
    take turns a change at a time. A clock moved 15 ms by each page makes the slices exact."""
    now = [0.0]
    monkeypatch.setattr(live.time, 'perf_counter', lambda: now[0])
    log: list[str] = []

    def page(room: str):
        def apply(_change) -> None:
            now[0] += 0.015  # a page rebuilding itself
            log.append(room)
        return apply

    async def ticker() -> None:
        while sum(entry != 'tick' for entry in log) < 24:
            log.append('tick')
            await asyncio.sleep(0)

    for room_id in (1, 2, 3):
        for _ in range(4):
            live.subscribe(room_id, page(f'room{room_id}'))
    live.publish([PhaseChanged(room_id, phase) for phase in ('vote', 'themes') for room_id in (1, 2, 3)])
    await asyncio.gather(ticker(), delivered(1), delivered(2), delivered(3))
    between_ticks = [run.split() for run in ' '.join(log).split('tick')]
    assert max(len(pages) for pages in between_ticks) == 2, log  # 15 ms, then 30 ms: over the slice, the turn ends
    assert sum(len(pages) for pages in between_ticks) == 24
    handed = [page for pages in between_ticks for page in pages]
    first_change_done = [handed[:12].count(f'room{n}') for n in (1, 2, 3)]
    assert first_change_done == [4, 4, 4], handed  # each room's first change before any room's second


async def test_many_small_rooms_share_a_turn_of_the_loop_while_a_big_room_takes_its_slices(monkeypatch) -> None:
    """A big room's phase change takes several slices; meanwhile a hundred rooms get a card each. They are
    handed out in a few turns of the loop. Before, rooms queued for a lock held across the big room's
    slices and each hand-over of the lock cost a turn of the loop: at 1,000 participants the queue never
    emptied and a card reached its board 2-3 s late with the loop 70% busy."""
    now = [0.0]
    monkeypatch.setattr(live.time, 'perf_counter', lambda: now[0])
    seen: list[int] = []
    turns = [0]

    def page(change) -> None:
        now[0] += 0.015 if change.room_id == 0 else 0.0001  # the plenary's phones rebuild; a board adds a card
        seen.append(change.room_id)

    async def ticker() -> None:
        while len(seen) < 110:
            turns[0] += 1
            await asyncio.sleep(0)

    for room_id in range(101):
        for _ in range(10 if room_id == 0 else 1):
            live.subscribe(room_id, page)
    live.publish([PhaseChanged(0, 'vote')])
    await asyncio.sleep(0)  # the big room's first slice has begun
    live.publish([PhaseChanged(room_id, 'vote') for room_id in range(1, 101)])
    await asyncio.gather(ticker(), *(delivered(room_id) for room_id in range(101)))
    assert sorted(seen) == [0] * 10 + list(range(1, 101))
    assert turns[0] <= 12, turns  # the big room's 5 slices, the small rooms in the gaps (101 turns before)


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


async def test_an_event_page_gets_its_rooms_changes_and_its_events_own() -> None:
    seen: list[tuple[str, int | None]] = []
    room_pages: list[object] = []
    live.subscribe(1, room_pages.append)
    live.subscribe_event(7, [1, 2], lambda change: seen.append((type(change).__name__, change.room_id)))
    live.subscribe_event(8, [3], lambda change: seen.append(('other event', change.room_id)))
    live.publish([PhaseChanged(1, 'issues'), PhaseChanged(2, 'vote'), PhaseChanged(1, 'vote'),
                  PhaseChanged(4, 'vote'),  # a room nobody follows as part of an event
                  EventChange(None, 7), EventChange(2, 7), EventChange(None, 9)])
    assert seen == []
    for room_id in (1, 2, 4):
        await delivered(room_id)
    await delivered(event_id=7)
    assert sorted(seen, key=str) == [('EventChange', 2), ('EventChange', None), ('PhaseChanged', 1),
                                     ('PhaseChanged', 1), ('PhaseChanged', 2)]
    assert [c.phase for c in room_pages] == ['issues', 'vote']  # a room's pages never get the event's changes


async def test_an_event_pages_changes_of_one_room_keep_their_order() -> None:
    phases: list[str] = []
    live.subscribe_event(7, [1], lambda change: phases.append(change.phase))
    live.publish([PhaseChanged(1, p) for p in ('issues', 'vote', 'themes')])
    live.publish([PhaseChanged(1, 'solutions')])
    await delivered(1)
    assert phases == ['issues', 'vote', 'themes', 'solutions']


def test_without_an_event_loop_an_event_page_is_told_at_once() -> None:
    seen: list[object] = []
    live.subscribe_event(7, [1], seen.append)
    live.publish([PhaseChanged(1, 'issues'), EventChange(None, 7)])
    assert seen == [PhaseChanged(1, 'issues'), EventChange(None, 7)]


async def test_a_pacer_runs_once_per_burst_and_at_most_once_per_period() -> None:
    now = [100.0]
    runs: list[float] = []
    pacer = live.Pacer(lambda: runs.append(now[0]), every_s=0.05, clock=lambda: now[0])
    live.subscribe_event(7, [1, 2], lambda _change: pacer.poke())
    live.publish([PhaseChanged(room, 'vote') for room in (1, 2, 1, 2)])  # a burst in two rooms
    await delivered(1)
    await delivered(2)
    await asyncio.sleep(0.01)
    assert runs == [100.0]  # once for the four changes
    pacer.poke()            # another change at once after: waits out the period (the clock stood still) ...
    pacer.poke()
    await asyncio.sleep(0.01)
    assert runs == [100.0]
    for _ in range(100):    # ... then runs once (bounded wait)
        if len(runs) == 2:
            break
        await asyncio.sleep(0.01)
    assert runs == [100.0, 100.0]
    now[0] += 1             # a lone change long after: at once (its wait is 0 s by the clock)
    pacer.poke()
    await asyncio.sleep(0.01)
    assert runs == [100.0, 100.0, 101.0]
