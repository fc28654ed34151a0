"""The organizer's set-up page (/organize/ID/setup): event details, dots and minutes, rooms, posters, new event."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from nicegui.testing import User
from sqlmodel import select

from spcp import db
from spcp.domain import rooms as room_rules
from spcp.domain.events import rooms_of
from spcp.domain.models import Event, Room
from spcp.i18n import translator

PUBLIC = 'http://spcp.test:8080'  # SPCP_PUBLIC_URL in conftest


async def sign_in(user: User, event) -> None:
    await user.open(f'/organize/{event.id}?key={event.organizer_key}')
    await user.open(f'/organize/{event.id}/setup')


def stored_event(event_id: int) -> tuple[Event, list[Room]]:
    with db.session() as session:
        return session.get(Event, event_id), rooms_of(session, event_id)


def retype(user: User, marker: str, text: str) -> None:
    user.find(marker=marker).clear().type(text)


async def test_the_set_up_needs_the_organizer_link(user: User, event) -> None:
    await user.open(f'/organize/{event.id}/setup')
    await user.should_see('Sign in with your organizer link.')
    await user.should_not_see('Download posters (PDF)')
    await user.open(f'/organize/{event.id}?key=wrong')
    await user.should_see('This organizer link is not valid.')
    await user.open(f'/organize/{event.id}/setup')
    await user.should_see('Sign in with your organizer link.')
    await sign_in(user, event)
    await user.should_see('Download posters (PDF)')
    await user.open(f'/organize/{event.id + 1}/setup')  # signed in to one event only
    await user.should_see('Sign in with your organizer link.')


async def test_the_page_shows_the_event_its_rooms_and_minutes(user: User, event) -> None:
    await sign_in(user, event)
    await user.should_see('Test event')
    for room in event.rooms:
        await user.should_see(f'{room.code[:3]}-{room.code[3:]}')
    await user.should_see(marker='minutes-issues')
    assert user.find(marker='minutes-issues').elements.pop().value == 20
    assert user.find(marker='dots').elements.pop().value == 3
    await user.should_see('Back to the rooms')
    note = user.find(marker='network-note').elements.pop().text  # what carries a hall, said where Wi-Fi is set
    assert '8 to 10 phones' in note and 'travel router' in note and 'mobile data' in note


async def test_the_organizer_edits_the_event(user: User, event) -> None:
    await sign_in(user, event)
    retype(user, 'event-name', 'Riverside SPCP')
    retype(user, 'event-date', '2025-05-12')
    retype(user, 'event-venue', 'Riverside Library')
    user.find(marker='language-hi').click()
    retype(user, 'wifi-name', 'Library-Guest')
    retype(user, 'wifi-password', 'trust2025')
    user.find(marker='save-event').click()
    await user.should_see('Saved.')
    stored, _ = stored_event(event.id)
    assert (stored.name, stored.date, stored.venue, stored.languages, stored.wifi_name, stored.wifi_password) == (
        'Riverside SPCP', dt.date(2025, 5, 12), 'Riverside Library', ['en', 'hi'], 'Library-Guest', 'trust2025')
    await user.open(f'/organize/{event.id}/setup')
    await user.should_see('Riverside SPCP')
    assert user.find(marker='language-hi').elements.pop().value is True


async def test_a_refused_edit_says_why_and_changes_nothing(user: User, event) -> None:
    await sign_in(user, event)
    user.find(marker='language-en').click()  # no language left
    user.find(marker='save-event').click()
    await user.should_see('Choose at least one language.')
    retype(user, 'event-name', ' ')
    user.find(marker='save-event').click()
    await user.should_see('Please write some text.')
    assert stored_event(event.id)[0].name == 'Test event'


async def test_dots_and_minutes_are_saved_and_rooms_voting_keep_their_dots(user: User, event) -> None:
    from tests.pages.conftest import facilitate
    facilitate(event.rooms[1], room_rules.set_phase, 'vote')
    await sign_in(user, event)
    retype(user, 'dots', '5')
    retype(user, 'minutes-issues', '25')
    user.find(marker='save-timing').click()
    await user.should_see('1 room has started voting and keeps its dots.')
    await user.should_see('Saved.')
    stored, rooms = stored_event(event.id)
    assert [r.dots_per_participant for r in rooms] == [5, 3]
    assert next(p['minutes'] for p in stored.plan['phases'] if p['id'] == 'issues') == 25
    retype(user, 'minutes-vote', '0')
    user.find(marker='save-timing').click()
    await user.should_see('A phase lasts between 1 and 240 minutes.')


async def test_rooms_are_added_edited_and_removed_until_someone_joins(user: User, event) -> None:
    with db.session() as session:
        room_rules.join(session, event.rooms[0].code, 'a-phone')
    await sign_in(user, event)
    first, second = event.rooms
    assert user.find(marker=f'room-{first.id}-remove').elements.pop().enabled is False  # someone joined
    assert user.find(marker=f'room-{second.id}-remove').elements.pop().enabled is True
    await user.should_see(marker=f'room-{first.id}-joined')
    retype(user, f'room-{first.id}-name', 'Hall A')
    retype(user, f'room-{first.id}-facilitator', 'Maya Ortiz')
    retype(user, f'room-{first.id}-size', '20')
    user.find(marker=f'room-{first.id}-save').click()
    await user.should_see('Saved.')
    retype(user, 'new-room-name', 'Youth room')
    retype(user, 'new-room-facilitator', 'Sam Lee')
    user.find(marker='add-room').click()
    user.find(marker=f'room-{second.id}-remove').click()
    _, rooms = stored_event(event.id)
    assert [(r.name, r.facilitator_name, r.expected_size) for r in rooms] == [
        ('Hall A', 'Maya Ortiz', 20), ('Youth room', 'Sam Lee', None)]
    await user.should_see(marker=f'room-{rooms[1].id}-name')
    await user.should_not_see(marker=f'room-{second.id}-name')
    user.find(marker='add-room').click()  # the add row is empty again: refused with the reason
    await user.should_see('Every room needs a name.')


async def test_posters_download_as_a_pdf_with_every_rooms_link(user: User, event, tmp_path) -> None:
    tools = [shutil.which(name) for name in ('pdftoppm', 'zbarimg')]
    if None in tools:
        pytest.skip('pdftoppm and zbarimg are needed (apt-get install poppler-utils zbar-tools)')
    await sign_in(user, event)
    user.find(marker='download-posters').click()
    response = await user.download.next(timeout=20)
    (tmp_path / 'posters.pdf').write_bytes(response.content)
    subprocess.run([tools[0], '-r', '72', '-png', str(tmp_path / 'posters.pdf'), str(tmp_path / 'page')], check=True,
                   timeout=60)
    pages = sorted(tmp_path.glob('page-*.png'))
    decoded = [subprocess.run([tools[1], '--raw', '-q', str(page)], capture_output=True, text=True,
                              timeout=30).stdout.split() for page in pages]
    assert [sorted(codes) for codes in decoded] == [
        [f'{PUBLIC}/r/{event.rooms[0].code}'], [f'{PUBLIC}/r/{event.rooms[1].code}'],
        sorted([f'{PUBLIC}/board/{event.rooms[0].code}?key={event.rooms[0].key}',
                f'{PUBLIC}/remote/{event.rooms[0].code}?key={event.rooms[0].key}']),
        sorted([f'{PUBLIC}/board/{event.rooms[1].code}?key={event.rooms[1].key}',
                f'{PUBLIC}/remote/{event.rooms[1].code}?key={event.rooms[1].key}'])]


async def test_a_new_event_opens_signed_in(user: User, event) -> None:
    await sign_in(user, event)
    retype(user, 'new-event-name', 'Eastside SPCP')
    user.find(marker='create-event').click()
    await user.should_see('Eastside SPCP')
    with db.session() as session:
        made = session.exec(select(Event).where(Event.name == 'Eastside SPCP')).one()
        assert [r.name for r in rooms_of(session, made.id)] == ['Room 1']
    await user.open(f'/organize/{made.id}/setup')  # signed in to the new event...
    await user.should_see('Download posters (PDF)')
    await user.open(f'/organize/{event.id}/setup')  # ...and still to the first
    await user.should_see('Test event')


@pytest.mark.parametrize('locale', ['es', 'hi', 'ar'])
async def test_no_english_left_on_the_set_up_page(user: User, event, locale) -> None:
    from .test_no_english_left import english_messages, shown
    user.http_client.headers['Accept-Language'] = locale
    await sign_in(user, event)
    await user.should_see(marker='download-posters')
    texts = shown(user)
    assert {translator(locale)(m) for m in ('Download posters (PDF)', 'Room name', 'Venue')} <= texts
    assert texts & english_messages() == set()
