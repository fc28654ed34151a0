"""Trust at the page level: sign-in links leave no key behind, a GET joins nobody, one address
cannot fill a room, code guessing and page floods are slowed down, a refusal is never 'Saved.'."""
from __future__ import annotations

from nicegui import ui
from nicegui.testing import User
from sqlmodel import func, select

from spcp import actions, db, settings
from spcp.domain import passwords, rooms
from spcp.domain.models import Participant, Room

from .conftest import facilitate, settle


def participants(room_id: int) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(Participant).where(Participant.room_id == room_id)).one()


async def test_facilitator_link_signs_in_and_leaves_no_key(user: User, event) -> None:
    room = event.rooms[0]
    response = await user.http_client.get(f'/board/{room.code}?key={room.key}')
    assert response.status_code == 303
    assert response.headers['location'] == f'/board/{room.code}'
    page = await user.http_client.get(f'/board/{room.code}')
    assert page.status_code == 200 and 'Next phase' in page.text
    assert room.key not in page.text and event.organizer_key not in page.text
    await user.open(f'/board/{room.code}')
    await user.should_see('Next phase')


async def test_a_clean_board_address_without_sign_in_asks_for_the_link(user: User, event) -> None:
    await user.open(f'/board/{event.rooms[0].code}')
    await user.should_see('Sign in with your facilitator link. Ask the organizer if you do not have it.')
    await user.should_not_see('Next phase')


async def test_a_wrong_key_is_refused_on_the_clean_address(user: User, event) -> None:
    room = event.rooms[0]
    response = await user.http_client.get(f'/board/{room.code}?key=forged')
    assert response.headers['location'] == f'/board/{room.code}'
    await user.open(f'/board/{room.code}')
    await user.should_see('This facilitator link is not valid. Ask the organizer for the right link.')
    await user.should_not_see('Next phase')


async def test_one_room_key_opens_no_other_room(user: User, event) -> None:
    room_a, room_b = event.rooms
    await user.open(f'/board/{room_a.code}?key={room_a.key}')
    await user.open(f'/board/{room_b.code}')
    await user.should_see('Sign in with your facilitator link')


async def test_organizer_links_to_boards_carry_no_key(user: User, event) -> None:
    response = await user.http_client.get(f'/organize/{event.id}?key={event.organizer_key}')
    assert response.headers['location'] == f'/organize/{event.id}'
    await user.open(f'/organize/{event.id}')
    await user.should_see('Test event')
    links = [e for e in user.find(ui.link).elements if 'Open board' in e.text]
    assert sorted(link.props['href'] for link in links) == sorted(f'/board/{r.code}' for r in event.rooms)
    await user.open(f'/board/{event.rooms[1].code}')  # the organizer's sign-in opens every board
    await user.should_see('Next phase')


async def test_fifty_cookieless_gets_of_a_join_url_create_no_participant(user: User, event) -> None:
    room = event.rooms[0]
    for _ in range(50):
        user.http_client.cookies.clear()
        response = await user.http_client.get(f'/r/{room.code}')
        assert response.status_code in (200, 429)
    await settle()
    assert participants(room.id) == 0


async def test_one_address_creates_only_the_configured_number_of_participants(create_user, event, monkeypatch):
    monkeypatch.setenv('SPCP_JOINS_PER_ADDRESS', '3')
    monkeypatch.setenv('SPCP_PAGE_LOADS_PER_ADDRESS', '')  # 30 phones at once must all load
    actions.configure(settings.load())
    room = event.rooms[0]
    board = create_user()
    await board.open(f'/board/{room.code}?key={room.key}')
    phones = [create_user() for _ in range(30)]
    for phone in phones:
        await phone.open(f'/r/{room.code}')
    assert participants(room.id) == 3
    for phone in phones[:3]:
        await phone.should_see('Welcome')
    for phone in phones[3:]:
        await phone.should_see('Cannot join this room')
        await phone.should_see('This room already has as many phones from your network as it allows.')
    await board.should_see('3 joined')
    await board.should_see('27 joins refused (too many from one network address)')
    await phones[0].open(f'/r/{room.code}')  # a phone that already joined comes back in
    await phones[0].should_see('Welcome')
    assert participants(room.id) == 3


async def test_board_counts_connected_phones_apart_from_joined(create_user, event) -> None:
    room = event.rooms[0]
    board, phone = create_user(), create_user()
    await board.open(f'/board/{room.code}?key={room.key}')
    await phone.open(f'/r/{room.code}')
    await board.should_see('1 joined')
    await board.should_see('1 connected now')


async def test_expected_size_warns_when_more_phones_join(create_user, event) -> None:
    room = event.rooms[0]
    board = create_user()
    await board.open(f'/board/{room.code}?key={room.key}')
    board.find(marker='expected-size').type('1')
    board.find(marker='set-expected').click()
    for _ in range(2):
        await create_user().open(f'/r/{room.code}')
    await board.should_see('More phones joined (2) than people expected (1).')


async def test_rotating_the_key_signs_out_other_boards(create_user, event) -> None:
    room = event.rooms[0]
    board, other = create_user(), create_user()
    await board.open(f'/board/{room.code}?key={room.key}')
    await other.open(f'/board/{room.code}?key={room.key}')
    board.find(marker='rotate-key').click()
    board.find(marker='confirm-rotate').click()
    await settle()
    await other.should_see('Sign in with your facilitator link')
    board.find(marker='next-phase').click()  # the board that rotated stays signed in
    await settle()
    with db.session() as session:
        stored = session.get(Room, room.id)
        assert stored.phase == 'issues' and stored.facilitator_key != room.key
    await board.open(f'/board/{room.code}')  # and after a reload
    await board.should_see('Next phase')
    await other.open(f'/board/{room.code}?key={room.key}')  # the old link no longer signs in
    await other.should_see('This facilitator link is not valid.')


async def test_a_refused_group_choice_does_not_say_saved(user: User, event) -> None:
    room = event.rooms[0]
    await user.open(f'/r/{room.code}')
    with db.session() as session:  # the room moves on without this phone hearing of it yet
        stored = session.get(Room, room.id)
        stored.phase = 'vote'
        session.commit()
    user.find(ui.radio).elements.pop().set_value('youth')
    await user.should_see('Groups can only be chosen at the start of the session.')
    await user.should_not_see('Saved.')


async def test_wrong_codes_from_one_address_are_slowed_down(user: User, event) -> None:
    await user.open('/')
    for _ in range(10):
        user.find(ui.input).clear().type('ZZZ999')
        user.find('Join').click()
    await user.should_see('No room has the code ZZZ999.')
    user.find(ui.input).clear().type(event.rooms[0].code)  # even a right code waits now
    user.find('Join').click()
    await user.should_see('Too many at once: wait')


async def test_a_flood_of_page_loads_gets_429_with_retry_after(user: User, event, monkeypatch) -> None:
    statuses = []
    for _ in range(40):
        response = await user.http_client.get('/')
        statuses.append(response.status_code)
    assert statuses[:30] == [200] * 30
    assert set(statuses[30:]) == {429}
    assert int(response.headers['retry-after']) >= 1
    assert 'Too many pages opened from this device.' in response.text
    assert 'Traceback' not in response.text


async def test_phone_page_refuses_too_many_actions_with_a_retry_message(create_user, event, monkeypatch) -> None:
    monkeypatch.setenv('SPCP_ACTIONS_PER_PARTICIPANT', '3 per minute')
    actions.configure(settings.load())
    room = event.rooms[0]
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    for n in range(4):
        phone.find(marker='issue-input').type(f'issue {n}')
        phone.find('Add issue').click()
    await phone.should_see('Too many at once: wait')
    await phone.should_see('Nothing you wrote is lost.')
    assert phone.find(marker='issue-input').elements.pop().value == 'issue 3'  # the text stays in the box


async def test_organizer_password_is_asked_after_the_link(user: User, event) -> None:
    with db.session() as session:
        passwords.set_organizer_password(session, event.id, 'a long password')
    await user.open(f'/organize/{event.id}?key={event.organizer_key}')
    await user.should_see('Organizer password')
    await user.should_not_see('Test event')
    user.find(marker='password').type('wrong password')
    user.find(marker='sign-in').click()
    await user.should_see('That password is not right.')
    await user.open(f'/board/{event.rooms[0].code}')  # no board before the password either
    await user.should_see('Sign in with your facilitator link')
    await user.open(f'/organize/{event.id}')
    user.find(marker='password').type('a long password')
    user.find(marker='sign-in').click()
    await settle()
    await user.open(f'/organize/{event.id}')
    await user.should_see('Test event')
    await user.open(f'/board/{event.rooms[0].code}')
    await user.should_see('Next phase')


async def test_with_a_password_the_organizer_key_is_no_board_link(user: User, event) -> None:
    with db.session() as session:
        passwords.set_organizer_password(session, event.id, 'a long password')
    await user.open(f'/board/{event.rooms[0].code}?key={event.organizer_key}')
    await user.should_see('This event has an organizer password: sign in on the organizer page first.')
    await user.should_not_see('Next phase')


async def test_a_prefetch_that_never_connects_joins_nobody(user: User, event) -> None:
    """Chromium's prefetch waits without a timeout in NiceGUI; when the unconnected page is
    dropped, the wait ends, and that must not make a participant."""
    from nicegui import Client
    room = event.rooms[0]
    response = await user.http_client.get(f'/r/{room.code}', headers={'Sec-Purpose': 'prefetch'})
    assert response.status_code == 200
    Client.prune_instances(client_age_threshold=0)  # what NiceGUI does to unconnected pages after a minute
    await settle()
    assert participants(room.id) == 0
