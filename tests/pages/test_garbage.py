"""A phase change leaves nothing for the full garbage collection: each collection of it stops the event
loop (1.5 s with 1,000 phones), and 250,000 objects of a page's old elements waited for one after each
phase change before ``framework_speedups.remove_elements`` broke their props', classes' and style's cycles."""
from __future__ import annotations

import collections
import gc

from spcp import framework_speedups
from spcp.domain import rooms

from .conftest import facilitate, settle, write


async def test_old_phases_elements_are_freed_without_the_full_collection(create_user, event) -> None:
    framework_speedups.install()
    room = event.rooms[0]
    phones = [create_user() for _ in range(3)]
    for phone in phones:
        await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(phones[0], 'The station is far from the bus stop')
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collection finds is kept in gc.garbage, to be looked at
    try:
        for phase in ('themes', 'solutions', 'issues', 'vote'):
            facilitate(room, rooms.set_phase, phase)
            await settle()
        gc.collect()
        kinds = collections.Counter(type(found).__qualname__ for found in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    await phones[1].should_see('The station is far from the bus stop')  # the pages were rebuilt: the vote list's cards
    assert not {'Props', 'Classes', 'Style'} & set(kinds), kinds
    # nor a phase's part: its seat holds the room's view as the phone first read it (300 cards a phone in a
    # plenary: 90,000 CardViews kept until the full collection, when one handler made a cycle of it)
    assert not {'IssuesPhase', 'VotePhase', 'PhoneSeat', 'RoomView', 'CardView'} & set(kinds), kinds
    assert sum(kinds.values()) < 50, kinds
