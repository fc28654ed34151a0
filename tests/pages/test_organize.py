"""The organizer's page: every room of the event, only with the organizer key (the dashboard itself:
test_dashboard.py)."""
from __future__ import annotations

from nicegui.testing import User


async def test_organizer_sees_every_room_with_the_key_only(user: User, event) -> None:
    await user.open(f'/organize/{event.id}?key=wrong')
    await user.should_see('This organizer link is not valid.')
    await user.should_not_see('Room 1')
    await user.open(f'/organize/{event.id}?key={event.organizer_key}')
    await user.should_see('Test event')
    for room in event.rooms:
        await user.should_see(f'{room.code[:3]}-{room.code[3:]}')
    phases = [e for e in user.find(marker='room-phase').elements]
    assert [(e.value, e.props['aria-label']) for e in phases] == [('welcome', 'Phase: Welcome')] * 2
    await user.open(f'/organize/999?key={event.organizer_key}')
    await user.should_see('This organizer link is not valid.')
