"""Board basics: Next phase stops at the last phase, Present is a labelled button, a phase change
closes the hidden-cards tray and starts the new phase's timer stopped."""
from __future__ import annotations

from nicegui import ui

from spcp.domain import rooms

from .conftest import facilitate, settle


async def test_next_phase_is_disabled_in_the_last_phase_and_back_in_the_first(create_user, event) -> None:
    room = event.rooms[0]
    board = create_user()
    await board.open(f'/board/{room.code}?key={room.key}')
    next_button = board.find(marker='next-phase').elements.pop()
    back_button = board.find(marker='phase-back').elements.pop()
    assert next_button.enabled and not back_button.enabled  # Welcome
    facilitate(room, rooms.set_phase, 'wrapup')
    await settle()
    assert not next_button.enabled and back_button.enabled
    facilitate(room, rooms.set_phase, 'solutions')
    await settle()
    assert next_button.enabled and back_button.enabled


async def test_present_is_a_labelled_button_without_a_tooltip(user, event) -> None:
    room = event.rooms[0]
    await user.open(f'/board/{room.code}?key={room.key}')
    present = user.find(marker='present').elements.pop()
    assert present.text == 'Present'
    assert not [e for e in present.descendants() if isinstance(e, ui.tooltip)]


async def test_a_phase_change_closes_the_tray_and_resets_the_timer(create_user, event) -> None:
    room = event.rooms[0]
    board = create_user()
    await board.open(f'/board/{room.code}?key={room.key}')
    tray = board.find(marker='hidden-cards').elements.pop()
    tray.set_value(True)
    facilitate(room, rooms.set_timer, 3)
    facilitate(room, rooms.start_timer)
    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    assert tray.value is False
    timer = board.find(marker='board-timer').elements.pop()
    assert timer.text == '10:00' and timer.props['data-timer'] == 'stop:600'  # Vote's 10 minutes, stopped


async def test_board_cards_and_theme_names_answer_the_keyboard(create_user, event) -> None:
    room = event.rooms[0]
    board, phone = create_user(), create_user()
    await phone.open(f'/r/{room.code}')
    await board.open(f'/board/{room.code}?key={room.key}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    phone.find(marker='issue-input').type('Reached by keyboard')
    phone.find('Add issue').click()
    await settle()
    card = board.find(marker='board-card').elements.pop()
    assert card.props['role'] == 'button' and card.props['tabindex'] == '0'
    board.find(marker='board-card').trigger('keydown.enter')
    await board.should_see('1 card selected')
    assert card.props['aria-pressed'] == 'true'
    board.find(marker='board-card').trigger('keydown.space.prevent')
    await board.should_see('0 cards selected')
