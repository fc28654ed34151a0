"""The relay between server processes (spcp/relay.py) on a real PostgreSQL: two relays in this process stand
for two servers; what one sends, the other hands to its pages (``live.receive``), in order, whatever its size."""
from __future__ import annotations

import asyncio
import time

import psycopg
import pytest
from sqlalchemy.engine import make_url

from spcp import live, presence, relay
from spcp.domain.changes import CardChanged, PresenceChanged, VotesChanged
from spcp.domain.views import CardView

pytestmark = pytest.mark.postgres


@pytest.fixture
async def relays(postgres_url):
    """Two started relays on one database, and what each handed to its process's pages (by its origin)."""
    heard: list[tuple[str, list]] = []
    first, second = (relay.Relay(make_url(postgres_url), lambda changes, n=n: heard.append((n, list(changes))))
                     for n in ('first', 'second'))
    first.origin, second.origin = 'first', 'second'
    await first.start()
    await second.start()
    await asyncio.wait_for(asyncio.gather(first.ready.wait(), second.ready.wait()), 10)
    yield first, second, heard
    await first.stop()
    await second.stop()
    live.relay_to(None)
    presence.reset()


async def _until(predicate, what: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f'{what}: not within {timeout} s'
        await asyncio.sleep(0.01)


def _card(card_id: int, text: str) -> CardChanged:
    return CardChanged(1, CardView(card_id, text, None, False, 0, 7, 0))


async def test_a_change_reaches_the_other_process_only(relays):
    first, second, heard = relays
    change = _card(1, 'Parking fines near the school')
    first.send([change])
    await _until(lambda: heard, 'the other relay hears it')
    await asyncio.sleep(0.2)  # time for a wrong second delivery (to the sender itself) to show
    assert heard == [(second.origin, [change])]


async def test_a_change_too_long_for_a_notification_comes_through_the_table(relays, postgres_url):
    first, second, heard = relays
    change = _card(2, 'पुलिस ' * 1_000)  # 6,000 characters, 16,000 bytes of UTF-8: twice what NOTIFY takes
    first.send([change])
    await _until(lambda: heard, 'the long change')
    assert heard == [(second.origin, [change])]
    with psycopg.connect(relay.conninfo(make_url(postgres_url))) as connection:
        assert connection.execute('SELECT count(*) FROM live_change').fetchone() == (1,)


async def test_a_burst_arrives_whole_and_in_order(relays):
    first, second, heard = relays
    burst = [VotesChanged(1, card_id=n, total=n, participant_id=n, dots_on_card=1, dots_left=4) for n in range(600)]
    for change in burst:  # 600 publishes in one turn of the loop: sent as few notifications of < 8,000 bytes
        first.send([change])
    await _until(lambda: sum(len(changes) for _, changes in heard) == len(burst), 'all 600')
    assert [change for _, changes in heard for change in changes] == burst
    assert {origin for origin, _ in heard} == {second.origin}
    assert 1 < len(heard) < 100


async def test_a_published_change_goes_to_the_other_processes(relays):
    first, second, heard = relays
    live.relay_to(first.send)  # as first.start() left it for the last relay started
    live.publish([_card(3, 'Published here')])
    await _until(lambda: heard, 'published change')
    assert heard == [(second.origin, [_card(3, 'Published here')])]


async def test_presence_counts_add_up_across_processes(relays):
    first, second, heard = relays
    presence.presence().arrive(1, participant_id=10)
    await first._heard('{"o": "other", "p": {"1": 3}, "c": [{"type": "PresenceChanged", "data": '
                       '{"room_id": 1, "connected": 99, "refused_joins": 0}}]}')
    # the other process has 3 phones in room 1; its own total (99) is not taken: ours is added to its 3
    assert heard[-1] == (first.origin, [PresenceChanged(1, 4, 0)])
    assert presence.presence().connected(1) == 4


def test_another_process_not_heard_from_is_forgotten(monkeypatch):
    counting = presence.Presence()
    clock = [1000.0]
    monkeypatch.setattr(presence.time, 'monotonic', lambda: clock[0])
    counting.arrive(5, 1)
    counting.remote('a', {5: 2, 6: 1})
    counting.remote('b', {5: 4})
    assert (counting.connected(5), counting.connected(6)) == (7, 1)
    counting.remote('a', {6: 0})             # a's room 6 emptied; its room 5 stays as it was
    assert (counting.connected(5), counting.connected(6)) == (7, 0)
    counting.remote('a', {}, every_room=True)  # a's snapshot: no phones anywhere
    assert counting.connected(5) == 5
    clock[0] += presence.REMOTE_KEEP_S + 1   # b stopped: not heard from
    assert counting.connected(5) == 1


def test_long_batches_are_cut_to_fit_and_keep_their_order():
    burst = [_card(n, 'x' * 100) for n in range(200)]
    parts = list(relay.pieces(burst))
    assert [change for _, changes in parts for change in changes] == burst
    assert all(len(text.encode()) <= relay.NOTIFY_LIMIT for text, _ in parts)
    [(_, alone)] = list(relay.pieces([_card(1, 'y' * 10_000)]))  # one change too long: left whole for the table
    assert len(alone) == 1
