"""The facilitator's remote (/remote/CODE) drives a board: phase (the board's own controls, large),
paper cards and dots, the review queue, hiding a card or a solution; it signs in as the board does and
refuses without a stack trace."""
from __future__ import annotations

import pytest
from nicegui import ElementFilter, ui
from nicegui.testing import User
from sqlmodel import select

from spcp import db, live
from spcp.domain import cards, rooms, solutions, themes
from spcp.domain.models import Card, Room, Solution

from .conftest import card_ids, facilitate, settle, write
from .test_no_english_left import english_messages, shown

SIGN_IN = 'Sign in with your facilitator link. Ask the organizer if you do not have it.'


def board_cards(board: User) -> list[str]:
    """The card texts the room sees on the board (the hidden-cards tray is not the room's)."""
    return sorted(e.text for e in found(board, 'board-card')
                  if not any('hidden-tray' in a.classes for a in e.ancestors()))


def phase_of(room_id: int) -> str:
    with db.session() as session:
        return session.get(Room, room_id).phase


def found(user: User, marker: str) -> list[ui.element]:
    """The visible elements with this marker, oldest first (none is no error, unlike ``user.find``)."""
    with user.client:
        return sorted(ElementFilter(marker=marker, only_visible=True, local_scope=False), key=lambda e: e.id)


def texts(user: User, marker: str) -> list[str]:
    return [e.text for e in found(user, marker)]


def waiting(remote: User) -> list[str]:
    """The texts of the cards in the remote's review queue, oldest first."""
    return [row.default_slot.children[0].text for row in found(remote, 'waiting-card')]


async def open_remote(user: User, room) -> None:
    await user.open(f'/remote/{room.code}?key={room.key}')


async def test_next_phase_on_the_remote_moves_the_board(create_user, event) -> None:
    room = event.rooms[0]
    board, remote = create_user(), create_user()
    await board.open(f'/board/{room.code}?key={room.key}')
    await open_remote(remote, room)
    assert texts(remote, 'remote-phase-title') == ['Welcome']
    remote.find(marker='next-phase').click()
    await settle()
    assert phase_of(room.id) == 'issues'
    await board.should_see('Name the issues')
    assert texts(remote, 'remote-phase-title') == ['Name the issues']
    remote.find(marker='phase-back').click()
    await settle()
    assert phase_of(room.id) == 'welcome'
    assert texts(remote, 'remote-phase-title') == ['Welcome']


async def test_the_remote_uses_the_board_controls_in_their_phone_layout(user: User, event) -> None:
    room = event.rooms[0]
    await open_remote(user, room)
    words = [e.text for e in found(user, 'phase-controls')[0].descendants() if isinstance(e, ui.button)]
    assert words == ['Back', 'Next phase', 'Set minutes', 'Start timer', 'Pause timer']
    assert all('big-btn' in button.classes for marker in ('phase-back', 'next-phase', 'start-timer', 'pause-timer')
               for button in found(user, marker))
    assert found(user, 'phase-select')[0].props['aria-label'] == 'Phase: Welcome'


async def test_next_stops_at_the_last_phase_and_the_minutes_follow_the_phase(user: User, event) -> None:
    room = event.rooms[0]
    await open_remote(user, room)
    minutes, next_button = found(user, 'timer-minutes')[0], found(user, 'next-phase')[0]
    minutes.set_value(7)
    facilitate(room, rooms.set_timer, 3)  # not a phase change: the minutes typed stay
    await settle()
    assert minutes.value == 7
    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    assert minutes.value == 10 and next_button.enabled  # Vote's 10 minutes
    assert found(user, 'phase-select')[0].props['aria-label'] == 'Phase: Vote'
    facilitate(room, rooms.set_phase, 'wrapup')
    await settle()
    assert not next_button.enabled
    assert found(user, 'show-votes') == []  # the votes are shown in Vote and Themes only


async def test_paper_tools_show_only_in_their_phase(user: User, event) -> None:
    room = event.rooms[0]
    await open_remote(user, room)
    visible = {m: bool(found(user, m)) for m in ('paper-issue', 'paper-dots', 'paper-solution')}
    assert visible == {'paper-issue': False, 'paper-dots': False, 'paper-solution': False}
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    visible = {m: bool(found(user, m)) for m in ('paper-issue', 'paper-dots', 'paper-solution')}
    assert visible == {'paper-issue': True, 'paper-dots': False, 'paper-solution': False}
    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    visible = {m: bool(found(user, m)) for m in ('paper-issue', 'paper-dots', 'paper-solution')}
    assert visible == {'paper-issue': False, 'paper-dots': True, 'paper-solution': False}


async def test_a_paper_card_added_on_the_remote_appears_on_the_board(create_user, event) -> None:
    room = event.rooms[0]
    board, remote, phone = create_user(), create_user(), create_user()
    await phone.open(f'/r/{room.code}')
    await board.open(f'/board/{room.code}?key={room.key}')
    await open_remote(remote, room)
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(phone, 'Typed on a phone')
    remote.find(marker='paper-issue').type('Written on paper')
    remote.find(marker='add-paper-card').click()
    await remote.should_see('First say how many people take part on paper.')
    remote.find(marker='paper-people').clear().type('2')
    remote.find(marker='set-paper-people').click()
    remote.find(marker='add-paper-card').click()
    await settle()
    assert board_cards(board) == ['Typed on a phone', 'Written on paper']
    assert texts(remote, 'paper-summary') == ['1 of 2 cards from paper']
    assert remote.find(marker='paper-issue').elements.pop().value == ''


async def test_paper_dots_over_the_bound_are_refused(create_user, event) -> None:
    room = event.rooms[0]
    remote = create_user()
    facilitate(room, rooms.set_paper_participants, 2)  # 2 people x 1 dot per card, 2 x 3 dots in the room
    facilitate(room, rooms.set_phase, 'issues')
    await open_remote(remote, room)
    for text in ('First', 'Second', 'Third', 'Fourth'):
        remote.find(marker='paper-issue').type(text)
        remote.find(marker='add-paper-card').click()
    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    ids = card_ids(room)
    assert texts(remote, 'paper-dots-left') == ['Paper dots left: 6']
    choice, dots = remote.find(marker='paper-card').elements.pop(), remote.find(marker='paper-dots')
    assert list(choice.options.values()) == ['First', 'Second', 'Third', 'Fourth']
    choice.set_value(ids['First'])
    dots.clear().type('3')
    remote.find(marker='set-paper-dots').click()
    await remote.should_see('A card takes at most 2 paper dots here.')
    for text in ('First', 'Second', 'Third'):
        choice.set_value(ids[text])
        dots.clear().type('2')
        remote.find(marker='set-paper-dots').click()
    await settle()
    assert texts(remote, 'paper-dots-left') == ['Paper dots left: 0']
    choice.set_value(ids['Fourth'])
    dots.clear().type('1')
    remote.find(marker='set-paper-dots').click()
    await remote.should_see('Paper dots left to place on this card: 0.')
    with db.session() as session:
        paper_dots = {c.text: c.paper_dots for c in session.exec(select(Card).where(Card.room_id == room.id))}
    assert paper_dots == {'First': 2, 'Second': 2, 'Third': 2, 'Fourth': 0}


async def test_a_paper_solution_goes_under_a_top_theme_on_the_board(create_user, event) -> None:
    room = event.rooms[0]
    board, remote = create_user(), create_user()
    facilitate(room, rooms.set_paper_participants, 1)
    facilitate(room, rooms.set_phase, 'issues')
    card, _ = facilitate(room, cards.submit_paper, 'No bus at night')
    facilitate(room, themes.group, [card.id], 'Transport')
    await board.open(f'/board/{room.code}?key={room.key}')
    await open_remote(remote, room)
    facilitate(room, rooms.set_phase, 'solutions')
    await settle()
    theme = remote.find(marker='paper-theme').elements.pop()
    assert list(theme.options.values()) == ['Transport'] and theme.value is not None  # the first is chosen
    remote.find(marker='paper-solution').type('A night shuttle')
    remote.find(marker='add-paper-solution').click()
    await settle()
    await board.should_see('A night shuttle')
    with db.session() as session:
        made = [(s.text, s.paper) for s in session.exec(select(Solution).where(Solution.room_id == room.id))]
    assert made == [('A night shuttle', True)]


async def test_a_card_waits_for_review_until_the_remote_approves_it(create_user, event) -> None:
    room = event.rooms[0]
    board, remote, phone = create_user(), create_user(), create_user()
    await phone.open(f'/r/{room.code}')
    await board.open(f'/board/{room.code}?key={room.key}')
    await open_remote(remote, room)
    remote.find(marker='review-switch').click()
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    assert texts(remote, 'review-count') == ['0 waiting']
    await write(phone, 'Please look first', 'Rude words')
    await settle()
    assert board_cards(board) == []
    assert texts(remote, 'review-count') == ['2 waiting']
    assert waiting(remote) == ['Please look first', 'Rude words']
    remote.find(marker='approve').click()  # the first row's Approve (lowest element id)
    await settle()
    assert board_cards(board) == ['Please look first']
    assert texts(remote, 'review-count') == ['1 waiting']
    remote.find(marker='reject').click()
    await settle()
    assert board_cards(board) == ['Please look first']
    assert texts(remote, 'review-count') == ['0 waiting']
    assert waiting(remote) == []
    with db.session() as session:
        hidden = {c.text: (c.hidden, c.pending) for c in session.exec(select(Card).where(Card.room_id == room.id))}
    assert hidden == {'Please look first': (False, False), 'Rude words': (True, False)}


async def test_tapping_a_card_hides_it_from_the_room_and_again_shows_it(create_user, event) -> None:
    room = event.rooms[0]
    board, remote = create_user(), create_user()
    facilitate(room, rooms.set_paper_participants, 1)
    await board.open(f'/board/{room.code}?key={room.key}')
    await open_remote(remote, room)
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    remote.find(marker='paper-issue').type('Off topic')
    remote.find(marker='add-paper-card').click()
    await settle()
    assert board_cards(board) == ['Off topic']
    remote.find(marker='remote-card').click()
    await settle()
    assert board_cards(board) == []
    assert remote.find(marker='remote-card').elements.pop().props['data-hidden'] == 'true'
    remote.find(marker='remote-card').click()
    await settle()
    assert board_cards(board) == ['Off topic']


async def test_tapping_a_solution_hides_it_from_the_room_and_again_shows_it(create_user, event) -> None:
    room = event.rooms[0]
    board, remote = create_user(), create_user()
    facilitate(room, rooms.set_paper_participants, 1)
    card, _ = facilitate(room, cards.submit_paper, 'No bus at night')
    theme_id, _ = facilitate(room, themes.group, [card.id], 'Transport')
    await board.open(f'/board/{room.code}?key={room.key}')
    await open_remote(remote, room)
    assert found(remote, 'remote-solutions') == []  # only in Solutions
    facilitate(room, rooms.set_phase, 'solutions')
    await settle()
    assert texts(remote, 'remote-solution') == []
    for text in ('A night shuttle', 'Off topic'):
        facilitate(room, solutions.propose_paper, theme_id, text)
    await settle()
    assert texts(remote, 'remote-solution') == ['A night shuttle', 'Off topic']  # live, as they come
    remote.find('Off topic').click()
    await settle()
    assert hidden_solutions(room, board, remote) == [{'A night shuttle': False, 'Off topic': True}] * 3
    remote.find('Off topic').click()
    await settle()
    assert hidden_solutions(room, board, remote) == [{'A night shuttle': False, 'Off topic': False}] * 3
    board.find('A night shuttle').click()  # hidden on the board: the remote follows
    await settle()
    assert hidden_solutions(room, board, remote) == [{'A night shuttle': True, 'Off topic': False}] * 3


def hidden_solutions(room, board: User, remote: User) -> list[dict[str, bool]]:
    """Which solutions are hidden: in the database, struck through on the board, marked on the remote."""
    with db.session() as session:
        stored = {s.text: s.hidden for s in session.exec(select(Solution).where(Solution.room_id == room.id))}
    on_board = {e.text: 'is-hidden' in e.classes for e in found(board, 'board-solution')}
    on_remote = {e.text: e.props.get('data-hidden') == 'true' for e in found(remote, 'remote-solution')}
    return [stored, on_board, on_remote]


async def test_a_browser_signed_in_to_the_board_opens_the_remote(user: User, event) -> None:
    room = event.rooms[0]
    response = await user.http_client.get(f'/remote/{room.code}?key={room.key}')
    assert response.status_code == 303 and response.headers['location'] == f'/remote/{room.code}'
    other = event.rooms[1]
    await user.open(f'/board/{other.code}?key={other.key}')
    await user.open(f'/remote/{other.code}')
    await user.should_see('Next phase')
    assert texts(user, 'remote-phase-title') == ['Welcome']


async def test_an_organizer_opens_every_remote_of_the_event(user: User, event) -> None:
    await user.open(f'/organize/{event.id}?key={event.organizer_key}')
    await user.open(f'/remote/{event.rooms[1].code}')
    assert texts(user, 'remote-phase-title') == ['Welcome']


async def test_no_proof_or_a_wrong_one_is_refused_without_a_stack_trace(create_user, event) -> None:
    room = event.rooms[0]
    absent, wrong = create_user(), create_user()
    await absent.open(f'/remote/{room.code}')
    await absent.should_see('Cannot open the remote')
    await absent.should_see(SIGN_IN)
    await wrong.open(f'/remote/{room.code}?key=forged')
    await wrong.should_see('This facilitator link is not valid. Ask the organizer for the right link.')
    await absent.open(f'/remote/{event.rooms[1].code}?key={room.key}')  # one room's key opens no other
    await absent.should_see('This facilitator link is not valid. Ask the organizer for the right link.')
    for user in (absent, wrong):
        await user.should_not_see('Next phase')
        await user.should_not_see('Something went wrong')
        assert found(user, 'remote') == []


@pytest.mark.parametrize('locale', ['es', 'hi', 'ar'])
async def test_no_english_left_on_the_remote(user: User, event, locale: str) -> None:
    english = english_messages()
    room = event.rooms[0]
    user.http_client.headers['Accept-Language'] = locale
    facilitate(room, rooms.set_paper_participants, 1)
    facilitate(room, rooms.set_review, True)
    await open_remote(user, room)
    screens = {}
    for phase in ('welcome', 'issues', 'vote', 'themes', 'solutions', 'wrapup'):
        facilitate(room, rooms.set_phase, phase)
        await settle()
        if phase == 'issues':  # a paper card on the list, a phone's card in the review queue
            facilitate(room, cards.submit_paper, 'paper card')
            with db.session() as session:
                actor, _ = rooms.join(session, room.code, 'reviewed-device')
                _card, changes = cards.submit(session, actor, room.id, 'waiting card', 'review-key-1')
            live.publish(changes)
            await settle()
            assert waiting(user) == ['waiting card']
        screens[phase] = shown(user)
    left = {name: sorted(texts & english) for name, texts in screens.items() if texts & english}
    assert left == {}, f'English left on the {locale} remote: {left}'
