"""A phone's room in its page's first HTML (issue 16): the screen is built before the socket connects, for
whoever the phone is, so it shows as soon as the scripts have run; joining still waits for the socket. A
newcomer's first HTML holds nothing anybody in the room wrote (a link preview's GET gets it too)."""
from __future__ import annotations

from nicegui.testing import User

from spcp import live
from spcp.domain import rooms, themes
from spcp.domain.changes import PhaseChanged

from .conftest import card_ids, facilitate, settle, write
from .test_trust import participants


async def test_the_first_html_shows_the_room_and_its_issue_box_and_joins_nobody(user: User, event) -> None:
    room = event.rooms[0]
    facilitate(room, rooms.set_phase, 'issues')
    page = await user.http_client.get(f'/r/{room.code}')
    assert page.status_code == 200
    for shown in ('Test event · ', 'Name the issues', 'One issue per card.', 'Your issue', 'Add issue', 'Connecting…',
                  '0 issues in the room so far'):
        assert shown in page.text, shown
    await settle()
    assert participants(room.id) == 0


async def test_a_newcomers_first_html_holds_no_words_of_the_room_and_a_returning_phones_does(create_user,
                                                                                            event) -> None:
    room = event.rooms[0]
    author, newcomer = create_user(), create_user()
    await author.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(author, 'Slow 911 answers')
    facilitate(room, themes.group, [card_ids(room)['Slow 911 answers']], 'Emergency response')
    facilitate(room, rooms.set_phase, 'themes')

    returning = (await author.http_client.get(f'/r/{room.code}')).text  # the author's browser: its cookie
    new = (await newcomer.http_client.get(f'/r/{room.code}')).text
    assert 'Emergency response' in returning and 'Slow 911 answers' in returning
    assert 'Themes' in new and 'The facilitator groups similar issues into themes.' in new
    assert 'Emergency response' not in new and 'Slow 911 answers' not in new
    await settle()
    assert participants(room.id) == 1

    await newcomer.open(f'/r/{room.code}')  # once connected, the newcomer joins and sees the room's themes
    await newcomer.should_see('Emergency response')
    await newcomer.should_see('Slow 911 answers')
    assert participants(room.id) == 2


async def test_a_newcomer_joins_on_connecting_and_keeps_the_screen_built_before(user: User, event) -> None:
    room = event.rooms[0]
    facilitate(room, rooms.set_phase, 'issues')
    await user.open(f'/r/{room.code}')
    assert participants(room.id) == 1
    await user.should_not_see('Connecting…')
    box = user.find(marker='issue-input').elements.pop()
    outbox = next(e for e in user.client.elements.values() if 'spcp-outbox' in e.classes)
    assert box.id < outbox.id  # the issue box was built before joining (the outbox comes with it) and kept

    await write(user, 'Slow 911 answers')  # the screen built for a newcomer is now this participant's:
    await user.should_see('Slow 911 answers')  # their own card shows, with its Change and Withdraw
    assert len(user.find(marker='own-card').elements) == 1


async def test_a_newcomer_opening_in_vote_gets_the_vote_list_with_all_dots_once_joined(create_user, event) -> None:
    room = event.rooms[0]
    author, newcomer = create_user(), create_user()
    await author.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(author, 'Slow 911 answers')
    facilitate(room, rooms.set_phase, 'vote')
    await newcomer.open(f'/r/{room.code}')
    await newcomer.should_see('Dots left: 3 of 3')
    assert len(newcomer.find(marker='vote-list').elements) == 1
    assert participants(room.id) == 2


async def test_a_late_change_to_the_phase_a_phone_already_shows_keeps_its_screen(user: User, event) -> None:
    """With several server processes a phase change can reach a page built after it (relayed from the process
    that made it): the phone already shows that phase, so nothing is rebuilt under a finger."""
    room = event.rooms[0]
    facilitate(room, rooms.set_phase, 'issues')
    await user.open(f'/r/{room.code}')
    await user.should_not_see('Connecting…')
    box = user.find(marker='issue-input').elements.pop()
    live.receive([PhaseChanged(room.id, 'issues')])
    await settle()
    assert user.find(marker='issue-input').elements.pop() is box
    live.receive([PhaseChanged(room.id, 'vote')])  # a phase it does not show: the room is read afresh, rebuilt
    await settle()
    assert user.find(marker='issue-input').elements.pop() is not box  # (still Issues: the database says so)
