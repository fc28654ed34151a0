"""The room loop with simulated phones and a board: live propagation, isolation, reload."""
from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from spcp.domain import rooms, themes

from .conftest import facilitate, my_dots, settle, theme_ids, vote, write


async def test_home_page_joins_by_typed_code(user: User, event) -> None:
    room = event.rooms[0]
    await user.open('/')
    await user.should_see('Type the room code shown on the screen.')
    user.find(ui.input).type(f'{room.code[:3].lower()}-{room.code[3:]}')
    user.find('Join').click()
    await user.should_see('Welcome')
    await user.should_see('Which group do you come from? (optional)')


async def test_unknown_code_gives_a_clear_message(user: User, event) -> None:
    await user.open('/r/ZZZ999')
    await user.should_see('Room not found')
    await user.should_see('No room has the code ZZZ999. Check the code and try again.')
    await user.open('/')
    user.find(ui.input).type('nope')
    user.find('Join').click()
    await user.should_see('No room has the code nope. Check the code and try again.')


async def test_board_refuses_a_wrong_key(user: User, event) -> None:
    await user.open(f'/board/{event.rooms[0].code}?key=forged')
    await user.should_see('This facilitator link is not valid. Ask the organizer for the right link.')
    await user.should_not_see('Next phase')


async def test_cards_reach_the_board_and_other_phones_live_but_not_other_rooms(create_user, event) -> None:
    room_a, room_b = event.rooms
    board_a, board_b = create_user(), create_user()
    await board_a.open(f'/board/{room_a.code}?key={room_a.key}')
    await board_b.open(f'/board/{room_b.code}?key={room_b.key}')
    phones = [create_user() for _ in range(3)]
    for phone in phones:
        await phone.open(f'/r/{room_a.code}')
    await board_a.should_see('3 joined')
    await board_b.should_see('0 joined')

    facilitate(room_a, rooms.set_phase, 'issues')
    await settle()
    for phone in phones:
        await phone.should_see('Name the issues')
    phones[0].find(marker='issue-input').type('Stops are never explained')
    phones[0].find('Add issue').click()
    phones[1].find(marker='issue-input').type('<script>alert("x")</script>')
    phones[1].find('Add issue').click()
    await settle()

    await board_a.should_see('Stops are never explained')
    await board_a.should_see('<script>alert("x")</script>')  # shown as the literal text, in a label
    await board_b.should_not_see('Stops are never explained')
    await phones[2].should_see('2 issues in the room so far')
    await phones[0].should_see('Stops are never explained')   # under "Your issues"
    await phones[2].should_not_see('Stops are never explained')  # others' cards are not listed while writing
    labels = [e for e in board_a.find(marker='board-card').elements]
    assert sorted(e.text for e in labels) == sorted(['Stops are never explained', '<script>alert("x")</script>'])
    assert all(type(e) is ui.label for e in labels)


async def test_voting_limits_and_reload_keeps_identity_and_dots(create_user, event) -> None:
    room = event.rooms[0]
    phone, other, board = create_user(), create_user(), create_user()
    await board.open(f'/board/{room.code}?key={room.key}')
    await phone.open(f'/r/{room.code}')
    await other.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(other, 'Card one', 'Card two', 'Card three', 'Card four')
    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    await phone.should_see('Dots left: 3 of 3')
    vote(phone, 'Card one')
    vote(phone, 'Card one')  # at most one dot per card: refused with a message
    await phone.should_see('One card takes at most 1 of your dots.')
    vote(phone, 'Card two')
    vote(phone, 'Card three')
    await phone.should_see('Dots left: 0 of 3')
    vote(phone, 'Card four')
    await phone.should_see('You have used all your 3 dots. Take one back to move it.')

    await phone.open(f'/r/{room.code}')  # reload: same participant, same dots
    await phone.should_see('Dots left: 0 of 3')
    await board.should_see('2 joined')
    assert my_dots(phone) == {'Card one': 1, 'Card two': 1, 'Card three': 1}  # each with its take-back
    vote(phone, 'Card four')
    await phone.should_see('You have used all your 3 dots. Take one back to move it.')
    vote(phone, 'Card one', add=False)
    await phone.should_see('Dots left: 1 of 3')
    assert my_dots(phone) == {'Card two': 1, 'Card three': 1}

    facilitate(room, rooms.reveal_votes, True)
    await settle()
    card_labels = {e.text: e.props.get('data-votes') for e in board.find(marker='board-card').elements}
    assert card_labels['Card four'] == '0'
    assert sorted(card_labels.values()) == ['0', '0', '1', '1']


async def test_themes_reach_phones_and_hidden_cards_disappear(create_user, event) -> None:
    room = event.rooms[0]
    phone, board = create_user(), create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(phone, 'No interpreters', 'Slow response at night', 'Abusive words here')
    await board.open(f'/board/{room.code}?key={room.key}')
    facilitate(room, rooms.set_phase, 'themes')
    await settle()
    await phone.should_see('Abusive words here')

    # the facilitator groups on the board: click two cards, name the theme, Group
    board.find('No interpreters').click()
    board.find('Slow response at night').click()
    await board.should_see('2 cards selected')
    board.find(marker='theme-name').type('Access to help')
    board.find(marker='group').click()
    await settle()
    await phone.should_see('Access to help')
    theme_boxes = [e for e in phone.find('Access to help').elements]
    box = theme_boxes[0].parent_slot.parent
    assert [c.text for c in box.default_slot.children[1:]] == ['No interpreters', 'Slow response at night']

    board.find('Abusive words here').click()
    board.find(marker='hide').click()
    await settle()
    await phone.should_not_see('Abusive words here')
    # undo: the card is in the board's hidden tray; show it again
    board.find('Abusive words here').click()
    board.find(marker='show').click()
    await settle()
    await phone.should_see('Abusive words here')

    tid = theme_ids(room)[0]
    facilitate(room, themes.rename, tid, 'Reaching the police')
    await settle()
    await phone.should_see('Reaching the police')


async def test_in_issues_the_group_choice_is_built_when_first_opened(user: User, event) -> None:
    """Most phones never open it: its question and radio are made at the first open, and then it works."""
    room = event.rooms[0]
    facilitate(room, rooms.set_phase, 'issues')
    await user.open(f'/r/{room.code}')
    await user.should_see('Say which group you come from (optional)')
    await user.should_not_see('Which group do you come from? (optional)')
    await user.should_not_see(ui.radio)

    user.find(ui.expansion).elements.pop().set_value(True)  # the participant opens it
    await user.should_see('Which group do you come from? (optional)')
    user.find(ui.radio).elements.pop().set_value('youth')
    await user.should_see('Saved.')
    user.find(ui.expansion).elements.pop().set_value(False)  # closed and opened again: still one choice
    user.find(ui.expansion).elements.pop().set_value(True)
    assert len(user.find(ui.radio).elements) == 1
