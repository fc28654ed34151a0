"""The organizer's live dashboard: every room's card kept up to date from the rooms' changes, element
by element (never a rebuilt page), moving rooms, and alerts as worded badges."""
from __future__ import annotations

import time

import pytest
from nicegui import ui
from nicegui.element_filter import ElementFilter
from nicegui.testing import User

from spcp import actions, db, entry, live
from spcp.domain import access, cards, dashboard, rooms, themes, voting
from spcp.domain.access import Actor
from spcp.domain.models import Room
from spcp.i18n import translator
from spcp.pages.components import dashboard as dashboard_page

from .conftest import RoomInfo, facilitate, settle


@pytest.fixture(autouse=True)
def redraw_at_once(monkeypatch):
    """No pause between two redraws of a room's counts (the pacing itself is tested in tests/test_live.py
    and below, where one burst must make one read)."""
    monkeypatch.setattr(dashboard_page, 'REDRAW_EVERY_S', 0.0)


async def open_dashboard(user: User, event) -> None:
    await user.open(f'/organize/{event.id}?key={event.organizer_key}')
    await user.should_see('Test event')


def in_room(user: User, room: RoomInfo, marker: str) -> ui.element:
    """The one element marked ``marker`` on the room's card."""
    found = list(ElementFilter(marker=marker, local_scope=False).within(marker=f'room-{room.id}'))
    assert len(found) == 1, f'{len(found)} elements {marker!r} on the card of room {room.id}'
    return found[0]


def text(user: User, room: RoomInfo, marker: str) -> str:
    with user:
        element = in_room(user, room, marker)
        return element.text if element.visible else ''


def badges(user: User, room: RoomInfo) -> list[str]:
    with user:
        return [e.text for e in ElementFilter(kind=ui.label, local_scope=False).within(marker=f'room-{room.id}')
                if any(m.startswith('alert-') for m in e._markers) and e.visible]  # noqa: SLF001


def themes_shown(user: User, room: RoomInfo) -> list[str]:
    with user:
        box = in_room(user, room, 'top-themes')
        return [' '.join(label.text for label in row) for row in box if row.visible]


def phase_of(user: User, room: RoomInfo) -> str:
    with user:
        return in_room(user, room, 'room-phase').value


def participant(room: RoomInfo, device: str) -> Actor:
    with db.session() as session:
        actor, changes = rooms.join(session, room.code, device)
    live.publish(changes)
    return actor


def act(actor: Actor, action, *args) -> object:
    """A participant's action through the domain, published as the phone's would be."""
    with db.session() as session:
        result = action(session, actor, actor.room_id, *args)
    live.publish(result[1] if isinstance(result, tuple) else result)
    return result


async def test_several_rooms_changing_at_once_update_their_own_cards(create_user, event) -> None:
    one, two = event.rooms
    organizer, phone = create_user(), create_user()
    await open_dashboard(organizer, event)
    shown = set(organizer.client.elements)
    assert text(organizer, one, 'people') == '0 connected now · 0 joined'
    await phone.open(f'/r/{one.code}')
    facilitate(one, rooms.set_phase, 'issues')
    facilitate(two, rooms.set_phase, 'vote')
    alice, bob = participant(one, 'alice'), participant(one, 'bob')
    await settle()
    assert (phase_of(organizer, one), phase_of(organizer, two)) == ('issues', 'vote')
    assert text(organizer, one, 'people') == '1 connected now · 3 joined'
    assert text(organizer, two, 'people') == '0 connected now · 0 joined'
    assert text(organizer, one, 'room-timer') == '20:00' and text(organizer, two, 'room-timer') == '10:00'

    housing, _ = act(alice, cards.submit, 'Housing', 'k1')
    act(bob, cards.submit, 'Parking', 'k2')
    facilitate(one, rooms.set_phase, 'vote')
    act(alice, voting.add_dot, housing.id, 'k3')
    act(bob, voting.add_dot, housing.id, 'k4')
    await settle()
    assert text(organizer, one, 'work') == '2 issues · 2 of 9 dots spent'
    assert text(organizer, two, 'work') == '0 issues · 0 of 0 dots spent'
    facilitate(one, themes.group, [housing.id], 'Homes')
    await settle()
    assert themes_shown(organizer, one) == ['Homes 2 dots'] and themes_shown(organizer, two) == []
    assert set(organizer.client.elements) == shown  # updated in place: not one element made or removed


async def test_a_burst_of_changes_is_read_once(user: User, event, monkeypatch) -> None:
    one, two = event.rooms
    await open_dashboard(user, event)
    facilitate(one, rooms.set_phase, 'issues')
    facilitate(two, rooms.set_phase, 'issues')
    await settle()
    reads: list[set[int]] = []
    real = dashboard.room_pulses
    monkeypatch.setattr(dashboard, 'room_pulses', lambda s, a, room_ids: reads.append(set(room_ids)) or real(
        s, a, room_ids))
    writer_one, writer_two = participant(one, 'w1'), participant(two, 'w2')
    changes = []
    with db.session() as session:
        for i in range(10):
            for writer in (writer_one, writer_two):
                changes += cards.submit(session, writer, writer.room_id, f'issue {i}', f'key-{writer.room_id}-{i}')[1]
    live.publish(changes)
    await settle()
    assert reads[-1] == {one.id, two.id} and len(reads) <= 2  # the joins, then the twenty issues together
    assert text(user, one, 'work').startswith('10 issues') and text(user, two, 'work').startswith('10 issues')


async def test_move_all_rooms_after_confirming(create_user, event) -> None:
    one, two = event.rooms
    organizer, board = create_user(), create_user()
    await board.open(f'/board/{one.code}?key={one.key}')
    await open_dashboard(organizer, event)
    with organizer:
        organizer.find(marker='move-all-phase').elements.pop().set_value('vote')
    organizer.find(marker='move-all').click()
    await organizer.should_see('Move every room to Vote?')
    organizer.find('Cancel').click()
    await settle()
    assert room_phases(event) == ['welcome', 'welcome']
    organizer.find(marker='move-all').click()
    organizer.find(marker='confirm-move-all').click()
    await settle()
    assert room_phases(event) == ['vote', 'vote']
    assert (phase_of(organizer, one), phase_of(organizer, two)) == ('vote', 'vote')
    await board.should_see('Spend your dots on the issues that matter most to you.')  # the room's board moved too


async def test_one_room_moves_from_its_own_control(user: User, event) -> None:
    one, two = event.rooms
    await open_dashboard(user, event)
    with user:
        in_room(user, two, 'room-phase').set_value('themes')
    await settle()
    assert room_phases(event) == ['welcome', 'themes']
    assert (phase_of(user, one), phase_of(user, two)) == ('welcome', 'themes')
    assert text(user, two, 'room-timer') == '15:00'
    with user:
        select = in_room(user, two, 'room-phase')
        assert select.props['aria-label'] == 'Phase: Themes'


def room_phases(event) -> list[str]:
    with db.session() as session:
        return [session.get(Room, r.id).phase for r in event.rooms]


async def test_alerts_are_worded_badges_on_the_right_room(user: User, event, monkeypatch) -> None:
    one, two = event.rooms
    facilitate(one, rooms.set_phase, 'issues')
    writer = participant(one, 'writer')
    rude, _ = act(writer, cards.submit, 'rude words', 'k1')
    await open_dashboard(user, event)
    assert badges(user, one) == [] and badges(user, two) == []
    facilitate(one, cards.set_hidden, rude.id, True)
    await settle()
    assert badges(user, one) == ['1 hidden card'] and badges(user, two) == []

    actions.limits().joins.per_address = 1  # one phone per address: the same address tries four more
    for i in range(5):
        entry.join(two.code, device=f'same-network-{i}', address='10.0.0.9')
    await settle()
    assert badges(user, two) == ['4 joins refused']
    assert badges(user, one) == ['1 hidden card']


async def test_a_working_room_quiet_for_ten_minutes_is_flagged(user: User, event, monkeypatch) -> None:
    one, two = event.rooms
    facilitate(one, rooms.set_phase, 'issues')  # two stays at Welcome: never idle
    later = time.time() + 11 * 60
    monkeypatch.setattr(dashboard_page, 'clock', lambda: later)
    await open_dashboard(user, event)
    assert badges(user, one) == ['No activity for 11 minutes'] and badges(user, two) == []
    act(participant(one, 'writer'), cards.submit, 'at last', 'k1')
    await settle()
    assert badges(user, one) == []



def log_lines(user: User) -> list[str]:
    """The log's lines as shown, top first, without their time."""
    with user:
        box = next(iter(ElementFilter(marker='audit-log', local_scope=False)))
        rows = [e for e in box.descendants() if 'audit-entry' in e._markers]  # noqa: SLF001
        return [' | '.join(label.text for label in list(row)[1:]) for row in rows]


async def test_the_log_shows_staff_actions_live_newest_first_and_no_participant(create_user, event) -> None:
    one, two = event.rooms
    organizer, board = create_user(), create_user()
    await board.open(f'/board/{one.code}?key={one.key}')
    await open_dashboard(organizer, event)
    await organizer.should_see('Nothing yet.')
    board.find(marker='next-phase').click()  # the facilitator, on the board
    await settle()
    act(participant(one, 'writer'), cards.submit, 'Private words of a participant', 'k1')
    with organizer:
        in_room(organizer, two, 'room-phase').set_value('vote')  # the organizer, on the dashboard
    await settle()
    expected = ['Room 2 | Organizer | Changed the phase to Vote',
                'Room 1 | Facilitator | Changed the phase to Name the issues']
    assert log_lines(organizer) == expected
    await organizer.should_not_see('Nothing yet.')
    await open_dashboard(organizer, event)  # read again: the same lines
    assert log_lines(organizer) == expected


async def test_the_log_is_in_the_organizers_language(create_user, event) -> None:
    tr = translator('es')
    one = event.rooms[0]
    organizer = create_user()
    organizer.http_client.headers['Accept-Language'] = 'es'
    await open_dashboard(organizer, event)
    with db.session() as session:
        fac = access.facilitator(session, one.code, one.key)
    assert actions.perform(fac, rooms.set_phase, room_id=one.id, phase='vote').done
    assert actions.perform(fac, rooms.reveal_votes, room_id=one.id, revealed=True).done
    await settle()
    role = tr('Facilitator')
    assert log_lines(organizer) == [f'Room 1 | {role} | {tr("Showed the votes")}',
                                    f'Room 1 | {role} | ' + tr('Changed the phase to {phase}', phase=tr('Vote'))]
    assert role != 'Facilitator' and tr('Showed the votes') != 'Showed the votes'


async def test_the_dashboard_links_every_organizer_page(create_user, event) -> None:
    organizer: User = create_user()
    await organizer.open(f'/organize/{event.id}?key={event.organizer_key}')
    for path, title in (('setup', 'Set up the event'), ('plan', 'Action plan'), ('council', 'Council volunteers'),
                        ('exports', 'Exports')):
        link = organizer.find(marker=f'link-{path}').elements.pop()
        assert link.props['href'] == f'/organize/{event.id}/{path}'
        await organizer.open(link.props['href'])  # the page is there and this browser is signed in to it
        await organizer.should_see(title)
        await organizer.open(f'/organize/{event.id}')
