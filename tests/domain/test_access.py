"""spcp.domain.access: who may do what, in which room."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlmodel import select

from spcp.domain import cards, rooms, solutions, themes, views, voting
from spcp.domain.access import Actor, Role, facilitator, fingerprint, organizer
from spcp.domain.errors import DomainError, NotAllowed, NotFound
from spcp.domain.events import create_event, rooms_of
from spcp.domain.models import Card, Room, Solution, Theme


@pytest.fixture
def board(session, room, fac, p1, p2, goto, write, key):
    """A room with two cards (one in a theme) and a proposed solution, now in the solutions phase."""
    goto(fac, room, 'issues')
    a = write(p1, room, 'Officers rarely walk the neighborhood')
    b = write(p2, room, 'Complaints go nowhere')
    theme_id, _ = themes.group(session, fac, room.id, [a], 'Presence')
    goto(fac, room, 'solutions')
    solution_id, _ = solutions.propose(session, p1, room.id, theme_id, 'Monthly walk with residents', key())
    return SimpleNamespace(a=a, b=b, theme=theme_id, solution=solution_id)


FACILITATOR_ACTIONS = {
    'set_phase': lambda s, a, r, ids: rooms.set_phase(s, a, r, 'vote'),
    'step_phase': lambda s, a, r, ids: rooms.step_phase(s, a, r),
    'step_back': lambda s, a, r, ids: rooms.step_phase(s, a, r, forward=False),
    'set_timer': lambda s, a, r, ids: rooms.set_timer(s, a, r, 5),
    'start_timer': lambda s, a, r, ids: rooms.start_timer(s, a, r),
    'stop_timer': lambda s, a, r, ids: rooms.stop_timer(s, a, r),
    'reveal': lambda s, a, r, ids: rooms.reveal_votes(s, a, r),
    'hide_card': lambda s, a, r, ids: cards.set_hidden(s, a, r, ids.b, True),
    'edit_card': lambda s, a, r, ids: cards.edit(s, a, r, ids.b, 'reworded'),
    'merge': lambda s, a, r, ids: cards.merge(s, a, r, ids.a, [ids.b]),
    'group': lambda s, a, r, ids: themes.group(s, a, r, [ids.b], 'Accountability'),
    'group_into': lambda s, a, r, ids: themes.group(s, a, r, [ids.b], theme_id=ids.theme),
    'rename': lambda s, a, r, ids: themes.rename(s, a, r, ids.theme, 'Renamed'),
    'take_out': lambda s, a, r, ids: themes.take_out(s, a, r, [ids.a]),
    'ungroup': lambda s, a, r, ids: themes.ungroup(s, a, r, ids.theme),
    'rank': lambda s, a, r, ids: themes.rank(s, a, r),
    'hide_solution': lambda s, a, r, ids: solutions.set_hidden(s, a, r, ids.solution, True),
}


def _room_state(session, room_id):
    """Everything the facilitator actions above could change."""
    room = session.get(Room, room_id)
    session.refresh(room)
    return (room.phase, room.votes_revealed, room.timer_remaining_s, room.timer_ends_at,
            [(c.text, c.hidden, c.theme_id, c.merged_into_id)
             for c in session.exec(select(Card).where(Card.room_id == room_id).order_by(Card.id))],
            [(t.name, t.rank) for t in session.exec(select(Theme).where(Theme.room_id == room_id))],
            [s.hidden for s in session.exec(select(Solution).where(Solution.room_id == room_id))])


@pytest.mark.parametrize('action', FACILITATOR_ACTIONS)
def test_participant_cannot_do_facilitator_actions(session, room, p2, board, action):
    before = _room_state(session, room.id)
    with pytest.raises(NotAllowed):
        FACILITATOR_ACTIONS[action](session, p2, room.id, board)
    assert _room_state(session, room.id) == before


@pytest.mark.parametrize('action', FACILITATOR_ACTIONS)
def test_facilitator_of_room_a_cannot_act_on_room_b(session, room, room_b, fac_b, board, action):
    # room B's facilitator names room A (where the objects are): refused
    before = _room_state(session, room.id)
    with pytest.raises(NotAllowed):
        FACILITATOR_ACTIONS[action](session, fac_b, room.id, board)
    assert _room_state(session, room.id) == before


@pytest.mark.parametrize('action', ['hide_card', 'edit_card', 'merge', 'group', 'rename', 'take_out',
                                    'ungroup', 'hide_solution'])
def test_facilitator_cannot_reach_other_rooms_objects_through_own_room(session, room, fac_b, room_b, board,
                                                                        action):
    # room B's facilitator names their own room but room A's cards/themes/solutions
    before = _room_state(session, room.id)
    with pytest.raises(NotFound):
        FACILITATOR_ACTIONS[action](session, fac_b, room_b.id, board)
    assert _room_state(session, room.id) == before


@pytest.mark.parametrize('action', FACILITATOR_ACTIONS)
def test_facilitator_may_do_facilitator_actions(session, room, fac, board, action):
    if action == 'ungroup':  # the theme has a solution: refused for that reason, not for the role
        with pytest.raises(DomainError) as info:
            FACILITATOR_ACTIONS[action](session, fac, room.id, board)
        assert not isinstance(info.value, NotAllowed)
        return
    if action in ('start_timer', 'stop_timer'):
        rooms.set_timer(session, fac, room.id, 5)
    FACILITATOR_ACTIONS[action](session, fac, room.id, board)


PARTICIPANT_ACTIONS = {
    'submit': lambda s, a, r, ids, k: cards.submit(s, a, r, 'text', k),
    'add_dot': lambda s, a, r, ids, k: voting.add_dot(s, a, r, ids.b, k),
    'remove_dot': lambda s, a, r, ids, k: voting.remove_dot(s, a, r, ids.b, k),
    'propose': lambda s, a, r, ids, k: solutions.propose(s, a, r, ids.theme, 'text', k),
    'endorse': lambda s, a, r, ids, k: solutions.endorse(s, a, r, ids.solution),
    'choose_group': lambda s, a, r, ids, k: rooms.choose_group(s, a, r, 'youth'),
}


@pytest.mark.parametrize('action', PARTICIPANT_ACTIONS)
def test_facilitator_is_not_a_participant(session, room, fac, board, key, action):
    with pytest.raises(NotAllowed):
        PARTICIPANT_ACTIONS[action](session, fac, room.id, board, key())


@pytest.mark.parametrize('action', PARTICIPANT_ACTIONS)
def test_participant_of_room_a_cannot_act_in_room_b(session, room, room_b, fac_b, join, board, goto, key,
                                                     action):
    stranger = join(room_b)
    # room B is open for everything the action needs, so only the room check can refuse
    phase = {'submit': 'issues', 'add_dot': 'vote', 'remove_dot': 'vote', 'choose_group': 'welcome'}
    goto(fac_b, room_b, phase.get(action, 'solutions'))
    with pytest.raises(NotAllowed):
        PARTICIPANT_ACTIONS[action](session, stranger, room.id, board, key())


def test_participant_of_room_a_cannot_submit_or_vote_in_room_b(session, room, room_b, fac, fac_b, p1, join,
                                                                goto, write, key):
    goto(fac_b, room_b, 'issues')
    card_b = write(join(room_b), room_b, 'room B issue')
    with pytest.raises(NotAllowed):
        cards.submit(session, p1, room_b.id, 'sneaky', key())
    goto(fac_b, room_b, 'vote')
    with pytest.raises(NotAllowed):
        voting.add_dot(session, p1, room_b.id, card_b, key())
    # and through their own room id, room B's card is simply not there
    goto(fac, room, 'vote')
    with pytest.raises(NotFound):
        voting.add_dot(session, p1, room.id, card_b, key())
    assert session.exec(select(Card).where(Card.room_id == room_b.id)).all()[0].text == 'room B issue'
    assert len(session.exec(select(Card).where(Card.room_id == room_b.id)).all()) == 1


def test_snapshot_of_another_room_refused(session, room, room_b, p1, fac):
    with pytest.raises(NotAllowed):
        views.snapshot(session, p1, room_b.id)
    with pytest.raises(NotAllowed):
        views.snapshot(session, fac, room_b.id)
    with pytest.raises(NotFound):
        views.snapshot(session, fac, 987_654)


def test_facilitator_login(session, room, room_b, event):
    actor = facilitator(session, room.join_code, room.facilitator_key)
    assert actor == Actor(Role.FACILITATOR, event.id, room.id, proof=fingerprint(room.facilitator_key))
    assert room.facilitator_key not in repr(actor)  # the actor carries a fingerprint, never the key
    assert facilitator(session, room.join_code.lower(), room.facilitator_key) == actor


@pytest.mark.parametrize('which', ['wrong', 'empty', 'other_room', 'prefix', 'with_space'])
def test_wrong_facilitator_key_refused(session, room, room_b, which):
    bad = {'wrong': 'not-the-key', 'empty': '', 'other_room': room_b.facilitator_key,
           'prefix': room.facilitator_key[:-1], 'with_space': room.facilitator_key + ' '}[which]
    with pytest.raises(NotAllowed):
        facilitator(session, room.join_code, bad)


def test_facilitator_of_unknown_room(session, room):
    with pytest.raises(NotFound):
        facilitator(session, 'ZZZ-999', room.facilitator_key)


def test_organizer_key_works_as_facilitator_for_every_room(session, event, room, room_b, goto):
    actor_a = facilitator(session, room.join_code, event.organizer_key)
    actor_b = facilitator(session, room_b.join_code, event.organizer_key)
    assert actor_a.role is Role.ORGANIZER and actor_b.role is Role.ORGANIZER
    assert (actor_a.room_id, actor_b.room_id) == (room.id, room_b.id)
    goto(actor_a, room, 'issues')
    goto(actor_b, room_b, 'vote')
    # an organizer actor may act on any room of the event
    goto(actor_a, room_b, 'themes')
    assert views.snapshot(session, actor_a, room_b.id).phase == 'themes'


def test_organizer_login(session, event, room):
    actor = organizer(session, event.id, event.organizer_key)
    assert actor == Actor(Role.ORGANIZER, event.id, proof=fingerprint(event.organizer_key))
    rooms.set_phase(session, actor, room.id, 'issues')
    assert room.phase == 'issues'
    for bad in ('', 'nope', room.facilitator_key):
        with pytest.raises(NotAllowed):
            organizer(session, event.id, bad)
    with pytest.raises(NotAllowed):
        organizer(session, 424_242, event.organizer_key)


def test_organizer_of_another_event_refused(session, plan, event, room):
    other = create_event(session, 'Elsewhere', 1, plan)
    other_room = rooms_of(session, other.id)[0]
    outsider = organizer(session, other.id, other.organizer_key)
    with pytest.raises(NotAllowed):
        rooms.set_phase(session, outsider, room.id, 'issues')
    with pytest.raises(NotAllowed):
        views.snapshot(session, outsider, room.id)
    # the organizer key of one event opens no room of another
    with pytest.raises(NotAllowed):
        facilitator(session, room.join_code, other.organizer_key)
    with pytest.raises(NotAllowed):
        facilitator(session, other_room.join_code, event.organizer_key)
    assert room.phase == 'welcome'


def test_idempotency_key_of_another_participant_refused(session, room, fac, p1, p2, goto):
    goto(fac, room, 'issues')
    cards.submit(session, p1, room.id, 'mine', 'shared-key')
    with pytest.raises(NotAllowed):
        cards.submit(session, p2, room.id, 'theirs', 'shared-key')
    assert [c.text for c in session.exec(select(Card))] == ['mine']


@pytest.mark.parametrize('bad_key', ['', 'k' * 65])
def test_malformed_idempotency_key_refused(session, room, fac, p1, goto, bad_key):
    goto(fac, room, 'issues')
    with pytest.raises(NotAllowed):
        cards.submit(session, p1, room.id, 'text', bad_key)
    assert session.exec(select(Card)).all() == []
    cards.submit(session, p1, room.id, 'text', 'k' * 64)  # the longest key is fine
