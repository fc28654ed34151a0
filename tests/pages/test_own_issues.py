"""A phone changes or withdraws its own issue while the room is naming issues."""
from __future__ import annotations

from nicegui import ui

from spcp.domain import cards, rooms

from .conftest import card_ids, facilitate, settle


async def test_a_phone_changes_and_withdraws_its_own_issue(create_user, event) -> None:
    room = event.rooms[0]
    phone, other, board = create_user(), create_user(), create_user()
    await phone.open(f'/r/{room.code}')
    await other.open(f'/r/{room.code}')
    await board.open(f'/board/{room.code}?key={room.key}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    phone.find(marker='issue-input').type('Stops are not explaned')
    phone.find('Add issue').click()
    await settle()
    await other.should_not_see(marker='own-card')  # only the author can change it
    phone.find(marker='own-card').trigger('change')
    phone.find(marker='change-text').clear().type('Stops are not explained')
    phone.find(marker='save-change').click()
    await settle()
    await board.should_see('Stops are not explained')
    assert list(card_ids(room)) == ['Stops are not explained']
    phone.find(marker='own-card').trigger('withdraw')
    phone.find(marker='confirm-withdraw').click()
    await settle()
    await board.should_not_see('Stops are not explained')
    await other.should_see('0 issues in the room so far')
    assert card_ids(room) == {}


async def test_the_privacy_note_is_one_tap_away_on_the_home_page_and_every_phone_screen(create_user, event) -> None:
    room = event.rooms[0]
    phone = create_user()
    await phone.open('/')
    phone.find(marker='privacy').click()
    await phone.should_see('You are anonymous. We never ask your name, phone number or e-mail.')
    await phone.open(f'/r/{room.code}')
    for phase in ('welcome', 'issues', 'vote', 'themes', 'solutions', 'wrapup'):
        facilitate(room, rooms.set_phase, phase)
        await settle()
        assert len(phone.find(marker='privacy').elements) == 1, phase
    dialogs = lambda: [e for e in phone.client.elements.values() if isinstance(e, ui.dialog)]  # noqa: E731
    assert dialogs() == []  # built at the first tap: most phones never open it, every phone would hold it
    for _ in range(2):
        phone.find(marker='privacy').click()
        await phone.should_see('You are anonymous. We never ask your name, phone number or e-mail.')
        phone.find('OK').click()
        await settle()
    assert len(dialogs()) == 1 and not dialogs()[0].value


async def test_a_card_waiting_for_review_reaches_only_its_author(create_user, event) -> None:
    room = event.rooms[0]
    author, other = create_user(), create_user()
    await author.open(f'/r/{room.code}')
    await other.open(f'/r/{room.code}')
    facilitate(room, rooms.set_review, True)
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    author.find(marker='issue-input').type('Waiting for review')
    author.find('Add issue').click()
    await settle()
    await author.should_see('Waiting for review')
    await other.should_see('0 issues in the room so far')
    facilitate(room, cards.approve, list(card_ids(room).values()))
    await settle()
    await other.should_see('1 issue in the room so far')
