"""spcp.domain.dashboard: the organizer's view of every room, its alerts, and moving rooms' phases."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy

from spcp.domain import audit, cards, dashboard, events, rooms, themes, voting
from spcp.domain.access import Actor, Role, organizer, rotate_facilitator_key
from spcp.domain.changes import PhaseChanged, TimerChanged
from spcp.domain.dashboard import HIDDEN_CARDS, IDLE, IDLE_AFTER_S, REFUSED_JOINS, Alert, ThemeDots
from spcp.domain.errors import DomainError, NotAllowed
from spcp.domain.models import Card, Room
from spcp.domain.views import TimerView

from .conftest import new_key


@pytest.fixture
def org(session, event) -> Actor:
    return organizer(session, event.id, event.organizer_key)


def pulse_of(session, org, room):
    return next(p for p in dashboard.dashboard(session, org, org.event_id).rooms if p.id == room.id)


def test_every_room_with_its_counts(session, org, event, room, room_b, fac, goto, join, write):
    p1, p2 = join(room), join(room)
    goto(fac, room, 'issues')
    housing, police, youth, gone, parking, noise = (
        write(p, room, t) for p, t in ((p1, 'housing'), (p1, 'police'), (p2, 'youth'), (p2, 'rude'),
                                       (p1, 'parking'), (p2, 'noise')))
    cards.set_hidden(session, fac, room.id, gone, True)
    goto(fac, room, 'vote')
    for p, card in ((p1, housing), (p2, housing), (p1, police), (p2, youth)):
        voting.add_dot(session, p, room.id, card, new_key())
    themes.group(session, fac, room.id, [housing], 'Housing')
    themes.group(session, fac, room.id, [police, youth], 'Trust')
    themes.group(session, fac, room.id, [parking], 'Parking')
    themes.group(session, fac, room.id, [noise], 'Noise')  # fourth: not among the top three
    rooms.set_paper_participants(session, fac, room.id, 1)
    voting.set_paper_dots(session, fac, room.id, youth, 1)

    board = dashboard.dashboard(session, org, event.id)
    assert (board.event_id, board.name) == (event.id, 'Riverside SPCP')
    assert [p.id for p in board.phases][:2] == ['welcome', 'issues']
    first, second = board.rooms
    assert (first.id, first.name, first.code, first.phase, first.phase_title) == \
        (room.id, room.name, room.join_code, 'vote', 'Vote')
    assert (first.joined, first.cards, first.hidden_cards) == (2, 5, 1)
    assert (first.dots_spent, first.dots_total) == (5, 9)  # 4 phone dots + 1 paper; (2 + 1 on paper) x 3
    assert first.top_themes == (ThemeDots('Trust', 3), ThemeDots('Housing', 2), ThemeDots('Parking', 0))
    assert first.timer.remaining_s == 10 * 60
    assert (second.id, second.phase, second.joined, second.cards, second.dots_spent, second.top_themes) == \
        (room_b.id, 'welcome', 0, 0, 0, ())


def test_a_dot_on_a_hidden_card_is_not_spent(session, org, room, fac, goto, p1, write):
    goto(fac, room, 'issues')
    card = write(p1, room, 'rude')
    goto(fac, room, 'vote')
    voting.add_dot(session, p1, room.id, card, new_key())
    assert pulse_of(session, org, room).dots_spent == 1
    cards.set_hidden(session, fac, room.id, card, True)
    assert (pulse_of(session, org, room).dots_spent, pulse_of(session, org, room).hidden_cards) == (0, 1)


def test_only_the_events_organizer_sees_it(session, org, event, fac, p1, plan):
    for actor in (fac, p1):
        with pytest.raises(NotAllowed):
            dashboard.dashboard(session, actor, event.id)
    other = events.create_event(session, 'Elsewhere', 1, plan)
    with pytest.raises(NotAllowed):
        dashboard.dashboard(session, org, other.id)
    other_room = events.rooms_of(session, other.id)[0]
    with pytest.raises(NotAllowed):
        dashboard.room_pulses(session, org, [other_room.id])
    event.organizer_key = 'changed'
    session.commit()
    with pytest.raises(NotAllowed):  # a changed key signs the old link out
        dashboard.dashboard(session, org, event.id)


def test_room_pulses_reads_only_the_rooms_asked_for(session, org, room, room_b):
    assert [p.id for p in dashboard.room_pulses(session, org, [room_b.id, room_b.id])] == [room_b.id]


# -- alerts ---------------------------------------------------------------------------------------


def test_a_working_room_with_nothing_new_for_ten_minutes_is_idle(session, org, room, fac, goto, p1, write):
    goto(fac, room, 'issues')
    write(p1, room, 'first')
    pulse = pulse_of(session, org, room)
    quiet = pulse.last_activity
    assert dashboard.alerts(pulse, now=quiet + IDLE_AFTER_S - 1) == ()
    assert dashboard.alerts(pulse, now=quiet + IDLE_AFTER_S) == (Alert(IDLE, 10),)
    assert dashboard.alerts(pulse, now=quiet + 25 * 60 + 59) == (Alert(IDLE, 25),)
    # something seen since (a phase change the page was told of) starts the quiet time again
    assert dashboard.alerts(pulse, now=quiet + IDLE_AFTER_S, seen_activity=quiet + 60) == ()


def test_welcome_and_wrap_up_are_never_idle(session, org, room, fac, goto):
    later = pulse_of(session, org, room).last_activity + 3600
    assert dashboard.alerts(pulse_of(session, org, room), now=later) == ()
    goto(fac, room, 'wrapup')
    assert dashboard.alerts(pulse_of(session, org, room), now=later) == ()
    goto(fac, room, 'themes')
    assert dashboard.alerts(pulse_of(session, org, room), now=later) == (Alert(IDLE, 60),)


def test_quiet_time_comes_from_the_newest_card_dot_theme_or_solution(session, org, room, fac, goto, p1, write):
    made = pulse_of(session, org, room).last_activity
    goto(fac, room, 'issues')
    card_id = write(p1, room, 'first')
    row = session.get(Card, card_id)
    row.created_at = row.created_at + timedelta(minutes=30)  # as if written half an hour later
    session.commit()
    assert pulse_of(session, org, room).last_activity == pytest.approx(made + 30 * 60, abs=2)


def test_refused_joins_and_hidden_cards(session, org, room, fac, goto, p1, write):
    pulse = pulse_of(session, org, room)
    now = pulse.last_activity
    assert dashboard.alerts(pulse, now=now, refused_joins=2) == ()
    assert dashboard.alerts(pulse, now=now, refused_joins=3) == (Alert(REFUSED_JOINS, 3),)
    assert dashboard.alerts(replace(pulse, hidden_cards=2), now=now, refused_joins=4) == \
        (Alert(REFUSED_JOINS, 4), Alert(HIDDEN_CARDS, 2))


# -- moving rooms ---------------------------------------------------------------------------------


def test_move_every_room_at_once(session, org, event, room, room_b, fac):
    rooms.set_phase(session, fac, room.id, 'issues')
    changes = dashboard.move_rooms(session, org, 'issues')
    assert changes[0] == PhaseChanged(room_b.id, 'issues')  # the room already there gives none
    assert [type(c) for c in changes] == [PhaseChanged, TimerChanged]
    changes = dashboard.move_rooms(session, org, 'vote')
    assert [(type(c), c.room_id) for c in changes] == [(PhaseChanged, room.id), (TimerChanged, room.id),
                                                       (PhaseChanged, room_b.id), (TimerChanged, room_b.id)]
    session.expire_all()
    assert [r.phase for r in events.rooms_of(session, event.id)] == ['vote', 'vote']


def test_moving_every_room_is_one_commit_with_each_rooms_timer(session, org, event, room, room_b, plan):
    """One transaction for the whole event (a commit per room held the organizer's click 2 ms a room), and
    each room starts the phase with the plan's minutes for it, stopped."""
    commits = []
    listen = sqlalchemy.event.listen
    listen(session, 'after_commit', lambda _: commits.append(1))
    changes = dashboard.move_rooms(session, org, 'issues')
    minutes = next(p['minutes'] for p in plan['phases'] if p['id'] == 'issues')
    assert commits == [1]
    assert [c.timer for c in changes if isinstance(c, TimerChanged)] == \
        [TimerView(ends_at=None, remaining_s=minutes * 60)] * 2
    session.expire_all()
    assert [(r.phase, r.timer_remaining_s) for r in events.rooms_of(session, event.id)] == \
        [('issues', minutes * 60)] * 2


def test_move_one_room(session, org, room, room_b):
    assert [c.room_id for c in dashboard.move_rooms(session, org, 'themes', [room_b.id])] == [room_b.id, room_b.id]
    session.expire_all()
    assert (session.get(Room, room.id).phase, session.get(Room, room_b.id).phase) == ('welcome', 'themes')


def test_only_the_organizer_moves_rooms(session, org, event, room, room_b, fac, plan):
    with pytest.raises(NotAllowed):
        dashboard.move_rooms(session, fac, 'vote')
    with pytest.raises(DomainError):
        dashboard.move_rooms(session, org, 'lunch')
    other_room = events.rooms_of(session, events.create_event(session, 'Elsewhere', 1, plan).id)[0]
    with pytest.raises(NotAllowed):
        dashboard.move_rooms(session, org, 'vote', [room.id, other_room.id])
    session.expire_all()
    assert {r.phase for r in (session.get(Room, room.id), other_room)} == {'welcome'}  # nothing moved
    rotate_facilitator_key(session, fac, room.id)  # a facilitator's key change does not touch the organizer's
    assert dashboard.move_rooms(session, org, 'issues', [room.id])[0] == PhaseChanged(room.id, 'issues')
    with pytest.raises(NotAllowed):
        dashboard.move_rooms(session, Actor(Role.ORGANIZER, event.id, proof='forged'), 'vote')


def test_a_logged_staff_action_counts_as_activity_and_one_on_every_room_for_all(session, org, room, room_b, fac):
    old = timedelta(minutes=30)
    for r in (room, room_b):
        r.created_at -= old
    session.commit()
    quiet = pulse_of(session, org, room_b).last_activity
    changes = rooms.set_phase(session, fac, room.id, 'issues')
    audit.record(session, fac, 'rooms.set_phase', {'room_id': room.id, 'phase': 'issues'}, changes)
    now = pulse_of(session, org, room).last_activity
    assert now - quiet == pytest.approx(30 * 60, abs=5)
    assert pulse_of(session, org, room_b).last_activity == quiet  # another room's action is not this one's
    audit.record(session, org, 'dashboard.move_rooms', {'phase': 'vote'}, dashboard.move_rooms(session, org, 'vote'))
    assert pulse_of(session, org, room_b).last_activity >= now
