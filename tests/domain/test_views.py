"""spcp.domain.views.snapshot: what each viewer may see of a room, and what survives a reload."""
from __future__ import annotations

import pytest

from spcp.domain import cards, rooms, themes, views, voting
from spcp.domain.events import format_code
from spcp.domain.views import MeView, TimerView


@pytest.fixture
def voted(session, room, fac, p1, p2, goto, write, key):
    """Four cards, p1 has spent two dots, the room is voting."""
    goto(fac, room, 'issues')
    ids = [write(p2, room, f'issue {i}') for i in range(4)]
    goto(fac, room, 'vote')
    voting.add_dot(session, p1, room.id, ids[0], key())
    voting.add_dot(session, p1, room.id, ids[2], key())
    return ids


def test_snapshot_describes_the_room(session, event, room, fac, p1, p2):
    view = views.snapshot(session, p1, room.id)
    assert (view.id, view.event_id, view.event_name, view.name) == (room.id, event.id, 'Riverside SPCP', 'Room 1')
    assert view.code == room.join_code and format_code(view.code)[3] == '-'
    assert view.phase == 'welcome' and view.participants == 2
    assert (view.dots_per_participant, view.max_dots_per_card, view.max_card_length, view.top_themes) == \
        (3, 1, 280, 3)
    assert view.timer == TimerView(None, None) and view.timer.seconds_left() is None
    assert view.cards == view.themes == view.solutions == view.top_themes_ids == ()
    assert view.me == MeView(p1.participant_id, None, 3, {}, frozenset())


def test_facilitator_has_no_me(session, room, fac, voted):
    me = views.snapshot(session, fac, room.id).me
    assert me == MeView()
    assert me.participant_id is None and me.dots == {}


def test_participant_never_sees_hidden_cards(session, room, fac, p1, p2, voted, new_session):
    theme_id, _ = themes.group(session, fac, room.id, [voted[0], voted[1]], 'Mixed')
    cards.set_hidden(session, fac, room.id, voted[0], True)
    rooms.reveal_votes(session, fac, room.id)
    for viewer in (p1, p2):  # the voter and the author
        view = views.snapshot(new_session(), viewer, room.id)
        assert voted[0] not in {c.id for c in view.cards}
        assert view.card(voted[0]) is None
        assert all(not c.hidden for c in view.cards)
        assert {t.id: t.card_ids for t in view.themes} == {theme_id: (voted[1],)}
        assert voted[0] not in view.me.dots
    staff = views.snapshot(new_session(), fac, room.id)
    assert staff.card(voted[0]).hidden is True and staff.card(voted[0]).votes == 1
    assert {t.id: t.card_ids for t in staff.themes} == {theme_id: (voted[0], voted[1])}


def test_hidden_card_text_is_not_in_participant_snapshot_at_all(session, room, fac, p1, p2, goto, write):
    goto(fac, room, 'issues')
    card_id = write(p2, room, 'SECRET-ABUSE-TEXT')
    cards.set_hidden(session, fac, room.id, card_id, True)
    assert 'SECRET-ABUSE-TEXT' not in repr(views.snapshot(session, p1, room.id))
    assert 'SECRET-ABUSE-TEXT' in repr(views.snapshot(session, fac, room.id))


def test_me_survives_a_reload(session, room, p1, voted, new_session):
    fresh = new_session()
    again, changes = rooms.join(fresh, room.join_code, 'device-0001')  # p1's device, reloading
    assert again == p1 and changes == []
    me = views.snapshot(fresh, again, room.id).me
    assert me.participant_id == p1.participant_id
    assert me.dots_left == 1
    assert me.dots == {voted[0]: 1, voted[2]: 1}


def test_me_after_changes_and_reload(session, room, p1, voted, key, new_session):
    voting.remove_dot(session, p1, room.id, voted[0], key())
    voting.add_dot(session, p1, room.id, voted[3], key())
    voting.add_dot(session, p1, room.id, voted[1], key())
    me = views.snapshot(new_session(), p1, room.id).me
    assert me.dots_left == 0 and me.dots == {voted[1]: 1, voted[2]: 1, voted[3]: 1}

def test_me_untouched_by_others(session, room, p1, p2, voted):
    assert views.snapshot(session, p2, room.id).me == MeView(p2.participant_id, None, 3, {}, frozenset())


def test_me_is_per_participant(session, room, p1, p2, voted, key):
    voting.add_dot(session, p2, room.id, voted[1], key())
    assert views.snapshot(session, p2, room.id).me == MeView(p2.participant_id, None, 2, {voted[1]: 1},
                                                              frozenset())
    assert views.snapshot(session, p1, room.id).me.dots == {voted[0]: 1, voted[2]: 1}


def test_merged_cards_are_one_card_with_a_count(session, room, fac, p1, voted):
    cards.merge(session, fac, room.id, voted[1], [voted[0], voted[3]])
    for viewer in (p1, fac):
        view = views.snapshot(session, viewer, room.id)
        assert [c.id for c in view.cards] == [voted[1], voted[2]]
        assert view.card(voted[1]).merged_count == 2 and view.card(voted[2]).merged_count == 0
    assert views.snapshot(session, p1, room.id).me.dots == {voted[1]: 1, voted[2]: 1}


def test_committed_writes_reach_a_new_session(session, room, fac, p1, voted, key, new_session):
    # the facilitator's page reads on its own session while phones write on theirs
    assert views.snapshot(new_session(), fac, room.id).card(voted[0]).votes == 1
    voting.add_dot(session, p1, room.id, voted[1], key())
    assert views.snapshot(new_session(), fac, room.id).card(voted[1]).votes == 1


def test_participants_count(session, room, room_b, join, fac):
    for _ in range(3):
        join(room)
    join(room_b)
    assert views.snapshot(session, fac, room.id).participants == 3
