"""Solutions, endorsements, merging and the timer, with simulated phones and a board."""
from __future__ import annotations

from spcp.domain import cards, rooms, themes

from .conftest import card_ids, facilitate, my_dots, settle, vote, vote_list, write


async def test_solutions_are_proposed_and_endorsed_live(create_user, event) -> None:
    room = event.rooms[0]
    alice, bob, board = create_user(), create_user(), create_user()
    await alice.open(f'/r/{room.code}')
    await bob.open(f'/r/{room.code}')
    await board.open(f'/board/{room.code}?key={room.key}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(alice, 'Youth feel targeted', 'No trust after the incident')
    ids = card_ids(room)
    facilitate(room, themes.group, [ids['Youth feel targeted']], 'Youth and police')
    facilitate(room, rooms.set_phase, 'solutions')
    await settle()

    await bob.should_see('Youth and police')
    bob.find(marker='solution-input').type('Monthly youth-police football game')
    bob.find(marker='propose').click()
    await settle()
    await alice.should_see('Monthly youth-police football game')
    await board.should_see('Monthly youth-police football game')

    alice.find(marker='endorse').click()
    await settle()
    solution_on_board = board.find('Monthly youth-police football game').elements.pop()
    assert solution_on_board.props['data-count'] == '✓ 1'
    await alice.should_see('Endorsed')
    await bob.should_see('Your solution')   # one's own solution has no Endorse button
    await bob.should_not_see(marker='endorse')
    assert solution_on_board.props['data-count'] == '✓ 1'

    board.find('Monthly youth-police football game').click()  # the facilitator hides it...
    await settle()
    await alice.should_not_see('Monthly youth-police football game')
    board.find('Monthly youth-police football game').click()  # ...and shows it again
    await settle()
    await alice.should_see('Monthly youth-police football game')


async def test_merging_duplicates_on_the_board(create_user, event) -> None:
    room = event.rooms[0]
    phone, board = create_user(), create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(phone, 'Slow 911 answers', 'Emergency calls take too long')
    await board.open(f'/board/{room.code}?key={room.key}')
    board.find('Slow 911 answers').click()
    board.find('Emergency calls take too long').click()
    board.find(marker='merge').click()
    await settle()
    kept = board.find(marker='board-card').elements.pop()  # one card left ...
    assert kept.text == 'Slow 911 answers' and kept.props['data-merged'] == '+1 similar'
    merged = [child.text for child in kept.default_slot.children]
    assert merged == ['Emergency calls take too long']  # ... that keeps the merged wording in view
    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    await phone.should_see('Slow 911 answers')
    await phone.should_not_see('Emergency calls take too long')


async def test_hiding_during_vote_gives_the_dot_back(create_user, event) -> None:
    room = event.rooms[0]
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(phone, 'Fine card', 'Rude card')
    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    vote(phone, 'Rude card')
    await phone.should_see('Dots left: 2 of 3')
    assert my_dots(phone) == {'Rude card': 1}
    facilitate(room, cards.set_hidden, card_ids(room)['Rude card'], True)
    await settle()
    await phone.should_not_see('Rude card')
    await phone.should_see('Dots left: 3 of 3')
    assert vote_list(phone).cards == ({'id': card_ids(room)['Fine card'], 'text': 'Fine card'},)
    assert my_dots(phone) == {}


async def test_timer_reaches_phones_and_group_is_saved(create_user, event) -> None:
    room = event.rooms[0]
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    phone.find('Youth').click()
    await phone.should_see('Saved.')
    facilitate(room, rooms.set_timer, 5)
    await settle()
    timer = next(e for e in phone.find(marker='timer').elements)
    assert timer.text == '5:00' and timer.props['data-timer'] == 'stop:300'
    facilitate(room, rooms.start_timer)
    await settle()
    assert timer.props['data-timer'].startswith('run:')
    from sqlmodel import select

    from spcp import db
    from spcp.domain.models import Participant
    with db.session() as session:
        assert [p.group for p in session.exec(select(Participant)).all()] == ['youth']


async def test_ranking_reorders_theme_boxes_on_the_board(create_user, event) -> None:
    room = event.rooms[0]
    alice, bob, board = create_user(), create_user(), create_user()
    await alice.open(f'/r/{room.code}')
    await bob.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(alice, 'Few patrols', 'Rude answers')
    ids = card_ids(room)
    facilitate(room, themes.group, [ids['Few patrols']], 'Presence')
    facilitate(room, themes.group, [ids['Rude answers']], 'Respect')
    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    vote(alice, 'Rude answers')
    vote(bob, 'Rude answers')
    await board.open(f'/board/{room.code}?key={room.key}')
    head = board.find(marker='theme-title').elements.pop().parent_slot.parent
    area = head.parent_slot.parent.parent_slot.parent

    def shown() -> list[str]:  # theme heads (rank, name) in page order
        heads = [box.default_slot.children[0] for box in area.default_slot.children]
        return [' '.join(part.text for part in h.default_slot.children[:2] if part.text) for h in heads]

    assert shown() == ['Presence', 'Respect']  # creation order
    facilitate(room, themes.rank)
    await settle()
    assert shown() == ['#1 Respect', '#2 Presence']


async def test_typing_survives_a_rebuild_and_own_hidden_cards_leave_the_list(create_user, event) -> None:
    room = event.rooms[0]
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(phone, 'Mine to hide')
    phone.find(marker='issue-input').type('Half-written thought')
    facilitate(room, cards.set_hidden, card_ids(room)['Mine to hide'], True)
    await settle()
    await phone.should_not_see('Mine to hide')
    facilitate(room, cards.set_hidden, card_ids(room)['Mine to hide'], False)
    await settle()
    assert [e.text for e in phone.find('Mine to hide').elements] == ['Mine to hide']  # listed once
    facilitate(room, rooms.set_phase, 'vote')
    facilitate(room, rooms.set_phase, 'issues')  # a phase rebuild: the draft is still there
    await settle()
    assert phone.find(marker='issue-input').elements.pop().value == 'Half-written thought'
