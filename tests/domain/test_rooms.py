"""spcp.domain.rooms: joining, stakeholder groups, phases, the timer and revealing votes."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlmodel import select

from spcp.domain import rooms, views
from spcp.domain.access import Role
from spcp.domain.changes import ParticipantsChanged, PhaseChanged, RevealChanged, TimerChanged
from spcp.domain.errors import DomainError, NotAllowed, NotFound
from spcp.domain.models import Participant, Room, utcnow
from spcp.domain.phases import PHASES

from .conftest import said

# -- joining ------------------------------------------------------------------------------------


def test_join_makes_a_participant_and_announces_the_count(session, room, event):
    actor, changes = rooms.join(session, room.join_code, 'phone-1')
    assert actor.role is Role.PARTICIPANT
    assert (actor.event_id, actor.room_id) == (event.id, room.id)
    assert actor.participant_id is not None
    assert changes == [ParticipantsChanged(room.id, 1)]
    _, changes = rooms.join(session, room.join_code, 'phone-2')
    assert changes == [ParticipantsChanged(room.id, 2)]


def test_join_is_idempotent_per_device(session, room, new_session):
    first, changes = rooms.join(session, room.join_code, 'phone-1')
    assert len(changes) == 1
    again, changes = rooms.join(session, room.join_code.lower(), 'phone-1')
    assert again == first
    assert changes == []
    # a reload, on a brand-new session, gets the same participant too
    reloaded, changes = rooms.join(new_session(), room.join_code, 'phone-1')
    assert reloaded == first and changes == []
    assert len(session.exec(select(Participant)).all()) == 1


def test_same_device_in_two_rooms_is_two_participants(session, room, room_b):
    a, _ = rooms.join(session, room.join_code, 'phone-1')
    b, changes = rooms.join(session, room_b.join_code, 'phone-1')
    assert a.participant_id != b.participant_id
    assert b.room_id == room_b.id
    assert changes == [ParticipantsChanged(room_b.id, 1)]


def test_join_with_typed_code_forms(session, room):
    code = room.join_code
    a, _ = rooms.join(session, f' {code[:3].lower()}-{code[3:]} ', 'phone-1')
    assert a.room_id == room.id


@pytest.mark.parametrize('device', ['', None, 'x' * (rooms.MAX_DEVICE_LENGTH + 1)])
def test_join_without_a_proper_device_id_refused(session, room, device):
    with pytest.raises(NotAllowed):
        rooms.join(session, room.join_code, device)
    assert session.exec(select(Participant)).all() == []


def test_join_with_unknown_code_refused(session, room):
    with pytest.raises(NotFound):
        rooms.join(session, 'AAA-222' if room.join_code != 'AAA222' else 'AAA-333', 'phone-1')


# -- stakeholder groups ---------------------------------------------------------------------------


@pytest.mark.parametrize('group', list(rooms.GROUPS))
def test_choose_each_listed_group(session, room, p1, group):
    rooms.choose_group(session, p1, room.id, group)
    assert session.get(Participant, p1.participant_id).group == group
    assert views.snapshot(session, p1, room.id).me.group == group


def test_choose_group_then_stay_anonymous(session, room, p1, new_session):
    rooms.choose_group(session, p1, room.id, 'youth')
    rooms.choose_group(session, p1, room.id, None)
    assert new_session().get(Participant, p1.participant_id).group is None


@pytest.mark.parametrize('group', ['police', 'Youth', '', 'community ', 'x' * 500])
def test_choose_unlisted_group_refused(session, room, p1, group):
    rooms.choose_group(session, p1, room.id, 'faith')
    with pytest.raises(DomainError):
        rooms.choose_group(session, p1, room.id, group)
    assert session.get(Participant, p1.participant_id).group == 'faith'


def test_choose_group_allowed_in_welcome_and_issues_only(session, room, fac, p1, goto):
    goto(fac, room, 'issues')
    rooms.choose_group(session, p1, room.id, 'business')
    for phase in ('vote', 'themes', 'solutions', 'wrapup'):
        goto(fac, room, phase)
        with pytest.raises(DomainError):
            rooms.choose_group(session, p1, room.id, 'youth')
    assert session.get(Participant, p1.participant_id).group == 'business'


def test_group_choice_does_not_leak_across_participants(session, room, p1, p2):
    rooms.choose_group(session, p1, room.id, 'law_enforcement')
    assert views.snapshot(session, p2, room.id).me.group is None


# -- phases ---------------------------------------------------------------------------------------


def test_step_forward_through_all_phases_and_back(session, room, fac, new_session):
    order = list(PHASES)
    assert room.phase == order[0]
    for phase in order[1:]:
        assert rooms.step_phase(session, fac, room.id)[0] == PhaseChanged(room.id, phase)
        assert new_session().get(Room, room.id).phase == phase  # committed
    assert rooms.step_phase(session, fac, room.id) == []  # already at the last phase
    assert room.phase == order[-1]
    for phase in reversed(order[:-1]):
        assert rooms.step_phase(session, fac, room.id, forward=False)[0] == PhaseChanged(room.id, phase)
    assert rooms.step_phase(session, fac, room.id, forward=False) == []  # already at the first
    assert room.phase == order[0]


def test_set_phase_jumps_and_same_phase_is_no_change(session, room, fac):
    assert rooms.set_phase(session, fac, room.id, 'solutions')[0] == PhaseChanged(room.id, 'solutions')
    assert rooms.set_phase(session, fac, room.id, 'solutions') == []
    assert rooms.set_phase(session, fac, room.id, 'issues')[0] == PhaseChanged(room.id, 'issues')


@pytest.mark.parametrize('phase', ['voting', 'VOTE', '', 'done', None])
def test_set_unknown_phase_refused(session, room, fac, phase):
    with pytest.raises(DomainError):
        rooms.set_phase(session, fac, room.id, phase)
    assert room.phase == 'welcome'


def test_phase_change_in_one_room_leaves_the_other(session, room, room_b, fac, new_session):
    rooms.set_phase(session, fac, room.id, 'vote')
    assert new_session().get(Room, room_b.id).phase == 'welcome'


def test_snapshot_current_phase_comes_from_the_plan(session, room, fac, p1):
    rooms.set_phase(session, fac, room.id, 'vote')
    view = views.snapshot(session, p1, room.id)
    assert view.phase == 'vote'
    assert view.current.title == 'Vote'
    assert view.current.minutes == 10
    assert [p.id for p in view.phases] == list(PHASES)


# -- the timer -------------------------------------------------------------------------------------


def test_timer_set_start_pause_resume(session, room, fac, p1, new_session):
    changes = rooms.set_timer(session, fac, room.id, 10)
    assert len(changes) == 1 and isinstance(changes[0], TimerChanged)
    timer = changes[0].timer
    assert not timer.running and timer.remaining_s == 600 and timer.seconds_left() == 600

    (change,) = rooms.start_timer(session, fac, room.id)
    assert change.timer.running and change.timer.remaining_s is None
    assert 598 <= change.timer.seconds_left() <= 600
    assert abs(change.timer.ends_at - (time.time() + 600)) < 3
    assert rooms.start_timer(session, fac, room.id) == []  # already running

    # a participant's fresh snapshot sees the same running timer
    seen = views.snapshot(new_session(), p1, room.id).timer
    assert seen.running and abs(seen.ends_at - change.timer.ends_at) < 1

    # pretend four minutes passed, then pause: the remaining time is kept
    room.timer_ends_at = utcnow() + timedelta(seconds=360)
    session.commit()
    (paused,) = rooms.stop_timer(session, fac, room.id)
    assert not paused.timer.running
    assert 358 <= paused.timer.remaining_s <= 360
    assert rooms.stop_timer(session, fac, room.id) == []  # already paused
    assert 358 <= new_session().get(Room, room.id).timer_remaining_s <= 360

    (resumed,) = rooms.start_timer(session, fac, room.id)
    assert 357 <= resumed.timer.seconds_left() <= 360


def test_stop_timer_reads_the_stored_end_time(session, room, fac, new_session):
    rooms.set_timer(session, fac, room.id, 2)
    rooms.start_timer(session, fac, room.id)
    # another request (fresh session: SQLite hands back a datetime without a zone) pauses it
    other = new_session()
    (paused,) = rooms.stop_timer(other, fac, room.id)
    assert 118 <= paused.timer.remaining_s <= 120


def test_timer_that_ran_out_pauses_at_zero_and_cannot_restart(session, room, fac):
    rooms.set_timer(session, fac, room.id, 1)
    rooms.start_timer(session, fac, room.id)
    room.timer_ends_at = utcnow() - timedelta(seconds=30)
    session.commit()
    (stopped,) = rooms.stop_timer(session, fac, room.id)
    assert stopped.timer.remaining_s == 0 and stopped.timer.seconds_left() == 0
    with pytest.raises(DomainError):
        rooms.start_timer(session, fac, room.id)


def test_set_timer_while_running_resets_and_stops_it(session, room, fac):
    rooms.set_timer(session, fac, room.id, 10)
    rooms.start_timer(session, fac, room.id)
    (change,) = rooms.set_timer(session, fac, room.id, 0.5)
    assert not change.timer.running and change.timer.remaining_s == 30


def test_start_without_set_refused(session, room, fac):
    with pytest.raises(DomainError, match='Set the timer'):
        rooms.start_timer(session, fac, room.id)
    assert room.timer_ends_at is None


def test_stop_without_running_timer_is_no_change(session, room, fac):
    assert rooms.stop_timer(session, fac, room.id) == []
    rooms.set_timer(session, fac, room.id, 3)
    assert rooms.stop_timer(session, fac, room.id) == []
    assert room.timer_remaining_s == 180


@pytest.mark.parametrize('minutes', [0, -1, -0.5, rooms.MAX_TIMER_MINUTES + 1, float('nan'), float('inf'),
                                     '10', None])
def test_bad_timer_minutes_refused(session, room, fac, minutes):
    rooms.set_timer(session, fac, room.id, 5)
    with pytest.raises(DomainError) as info:
        rooms.set_timer(session, fac, room.id, minutes)
    assert str(rooms.MAX_TIMER_MINUTES) in said(info.value)
    assert room.timer_remaining_s == 300


@pytest.mark.parametrize('minutes', [1 / 60, 1, 2.5, rooms.MAX_TIMER_MINUTES])
def test_timer_limits_accepted(session, room, fac, minutes):
    (change,) = rooms.set_timer(session, fac, room.id, minutes)
    assert change.timer.remaining_s == round(minutes * 60)


def test_timer_under_one_second_refused(session, room, fac):
    with pytest.raises(DomainError):
        rooms.set_timer(session, fac, room.id, 0.001)


# -- revealing votes ----------------------------------------------------------------------------------


def test_reveal_and_hide_votes(session, room, fac, new_session):
    assert rooms.reveal_votes(session, fac, room.id) == [RevealChanged(room.id, True)]
    assert rooms.reveal_votes(session, fac, room.id) == []
    assert new_session().get(Room, room.id).votes_revealed is True
    assert rooms.reveal_votes(session, fac, room.id, revealed=False) == [RevealChanged(room.id, False)]
    assert rooms.reveal_votes(session, fac, room.id, revealed=False) == []
    assert new_session().get(Room, room.id).votes_revealed is False


def test_join_race_on_the_same_device_takes_the_other_row(session, room, new_session, monkeypatch):
    """Two tabs of one phone join at once: the loser of the insert race gets the winner's participant."""
    other = new_session()
    winner: dict = {}
    real_exec = session.exec

    class _NoRow:
        def first(self):
            return None

    def racing_exec(statement, *args, **kwargs):
        text = str(statement).lower()
        if not winner and 'from participant' in text and 'count(' not in text:
            winner['actor'], winner['changes'] = rooms.join(other, room.join_code, 'phone-1')
            return _NoRow()  # this request looked before the other tab inserted
        return real_exec(statement, *args, **kwargs)

    monkeypatch.setattr(session, 'exec', racing_exec)
    actor, changes = rooms.join(session, room.join_code, 'phone-1')
    monkeypatch.undo()
    assert winner['changes'] == [ParticipantsChanged(room.id, 1)]
    assert actor == winner['actor']
    assert changes == []
    assert len(session.exec(select(Participant)).all()) == 1


def test_a_new_phase_starts_with_its_own_time_stopped(session, room, fac):
    rooms.set_timer(session, fac, room.id, 3)
    rooms.start_timer(session, fac, room.id)
    changes = rooms.set_phase(session, fac, room.id, 'vote')
    assert changes[0] == PhaseChanged(room.id, 'vote')
    assert changes[1].timer.running is False and changes[1].timer.remaining_s == 10 * 60  # the plan's Vote minutes
    assert room.timer_ends_at is None and room.timer_remaining_s == 600
