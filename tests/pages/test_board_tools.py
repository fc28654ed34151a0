"""The board's facilitator tools with simulated users: tools only in their phase, merge and its
undo with the merged wording kept, the focus view, the review queue and paper cards on the board,
totals sorted after the reveal, and the wrap-up summary."""
from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from spcp.domain import rooms, themes

from .conftest import card_ids, facilitate, settle, vote, write
from .test_remote import board_cards, found, texts


async def open_board(board: User, room) -> None:
    await board.open(f'/board/{room.code}?key={room.key}')


def room_order(board: User) -> list[str]:
    """Card texts in the pool, in page order."""
    pool = found(board, 'board-card')[0].parent_slot.parent
    return [child.text for child in pool.default_slot.children]


async def test_tools_show_only_in_their_phase(create_user, event) -> None:
    room = event.rooms[0]
    board = create_user()
    await open_board(board, room)
    seen = {}
    for phase in ('welcome', 'issues', 'vote', 'themes', 'solutions', 'wrapup'):
        facilitate(room, rooms.set_phase, phase)
        await settle()
        seen[phase] = {marker for marker in ('group', 'merge', 'hide', 'add-paper-card', 'paper-dots',
                                             'add-paper-solution') if found(board, marker)}
    assert seen == {
        'welcome': set(),
        'issues': {'merge', 'hide', 'add-paper-card'},
        'vote': {'merge', 'hide', 'paper-dots'},
        'themes': {'group', 'merge', 'hide'},
        'solutions': {'add-paper-solution'},
        'wrapup': set(),
    }


async def test_merge_keeps_the_wording_and_unmerge_brings_the_card_back(create_user, event) -> None:
    room = event.rooms[0]
    phone, board = create_user(), create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(phone, 'Slow 911 answers', 'Emergency calls take too long')
    await open_board(board, room)
    assert not found(board, 'merged-note')
    board.find('Slow 911 answers').click()
    board.find('Emergency calls take too long').click()
    board.find(marker='merge').click()
    await settle()
    assert board_cards(board) == ['Slow 911 answers']
    kept = found(board, 'board-card')[0]
    assert kept.props['title'] == 'Slow 911 answers\nEmergency calls take too long'  # the merged wording stays
    assert texts(board, 'merged-note') == [
        '+N similar: cards merged into one. Dots from the same person count once.']
    board.find('Slow 911 answers').click()
    board.find(marker='focus').click()  # the focus view shows both wordings, large
    await board.should_see('Emergency calls take too long')
    focus = [e.text for e in board.find(ui.label).elements if 'board-focus-merged' in e.classes]
    assert focus == ['Emergency calls take too long']
    board.find(marker='unmerge').click()
    board.find(marker='unmerge-one').click()
    await settle()
    assert board_cards(board) == ['Emergency calls take too long', 'Slow 911 answers']
    assert not found(board, 'merged-note')


async def test_unmerge_without_a_merged_card_says_what_to_do(create_user, event) -> None:
    room = event.rooms[0]
    phone, board = create_user(), create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(phone, 'Lights out')
    await open_board(board, room)
    board.find('Lights out').click()
    board.find(marker='unmerge').click()
    await board.should_see('Select a card with "+N similar" to take a merged card out again.')


async def test_a_card_waiting_for_review_is_not_on_the_board_until_approved(create_user, event) -> None:
    room = event.rooms[0]
    phone, board = create_user(), create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    facilitate(room, rooms.set_review, True)
    await open_board(board, room)
    await settle()
    await write(phone, 'Checked first')
    assert board_cards(board) == []
    assert texts(board, 'review-count') == ['1 waiting']
    board.find(marker='approve').click()
    await settle()
    assert board_cards(board) == ['Checked first']
    assert texts(board, 'review-count') == ['0 waiting']


async def test_paper_cards_typed_on_the_board_count_in_the_summary(create_user, event) -> None:
    room = event.rooms[0]
    phone, board = create_user(), create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(phone, 'From a phone')
    await open_board(board, room)
    board.find(marker='paper-people').type('2')
    board.find(marker='set-paper-people').click()
    board.find(marker='paper-issue').type('From paper')
    board.find(marker='add-paper-card').click()
    await settle()
    assert board_cards(board) == ['From a phone', 'From paper']
    ids = card_ids(room)
    facilitate(room, themes.group, [ids['From a phone'], ids['From paper']], 'Both')
    facilitate(room, rooms.set_phase, 'wrapup')
    await settle()
    assert texts(board, 'summary-totals') == ['2 issues · 0 solutions · 3 people took part · 1 of 2 cards from paper']


async def test_after_the_reveal_the_most_dotted_issues_come_first(create_user, event) -> None:
    room = event.rooms[0]
    alice, bob, board = create_user(), create_user(), create_user()
    await alice.open(f'/r/{room.code}')
    await bob.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(alice, 'One dot', 'No dot', 'Two dots')
    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    for person, card in ((alice, 'Two dots'), (bob, 'Two dots'), (bob, 'One dot')):
        vote(person, card)
    await settle()
    await open_board(board, room)
    assert room_order(board) == ['One dot', 'No dot', 'Two dots']  # in writing order before the reveal
    facilitate(room, rooms.reveal_votes, True)
    await settle()
    assert room_order(board) == ['Two dots', 'One dot', 'No dot']
    assert [e.props['data-votes'] for e in found(board, 'board-card')] == ['1', '0', '2']  # by id: totals shown
    later = create_user()  # a board opened after the reveal (a reload) shows the same order
    await open_board(later, room)
    assert room_order(later) == ['Two dots', 'One dot', 'No dot']


async def test_the_paper_dots_card_picker_lists_cards_written_while_it_was_hidden(create_user, event) -> None:
    """The picker shows only in Vote and is filled only then: the cards added in Issues are all in it."""
    room = event.rooms[0]
    phone, board = create_user(), create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await open_board(board, room)
    await write(phone, 'Written after the board opened')
    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    picker = board.find(marker='paper-card').elements.pop()
    assert list(picker.options.values()) == ['Written after the board opened']
