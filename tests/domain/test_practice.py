"""spcp.domain.practice: practice rooms, and who may rehearse in them with how many simulated phones."""
from __future__ import annotations

from dataclasses import replace

import pytest

from spcp.domain import dashboard, practice, setup
from spcp.domain.access import Actor, facilitator, organizer
from spcp.domain.dashboard import IDLE_AFTER_S, alerts
from spcp.domain.errors import DomainError, NotAllowed
from spcp.domain.models import Room


@pytest.fixture
def org(session, event) -> Actor:
    return organizer(session, event.id, event.organizer_key)


@pytest.fixture
def practice_room(session, org, event) -> Room:
    room_id, changes = practice.add_practice_room(session, org, event.id, 'Sala de práctica')
    assert changes == []
    return session.get(Room, room_id)


def test_the_organizer_adds_a_practice_room_to_the_event(session, event, practice_room, room) -> None:
    assert (practice_room.event_id, practice_room.name, practice_room.practice) == (event.id, 'Sala de práctica', True)
    assert practice_room.dots_per_participant == room.dots_per_participant  # set up like the others
    assert room.practice is False


def test_only_the_organizer_adds_one(session, event, fac) -> None:
    with pytest.raises(NotAllowed):
        practice.add_practice_room(session, fac, event.id, 'Practice')


def test_its_facilitator_starts_a_rehearsal_of_1_to_30_phones(session, practice_room) -> None:
    its_facilitator = facilitator(session, practice_room.join_code, practice_room.facilitator_key)
    plan, changes = practice.start_rehearsal(session, its_facilitator, practice_room.id, 30, quick=True)
    assert plan == practice.RehearsalPlan(practice_room.id, practice_room.event_id, practice_room.join_code, 30, True)
    assert changes == []
    for wrong in (0, 31, -1, True, '8', 2.5):
        with pytest.raises(DomainError) as refused:
            practice.start_rehearsal(session, its_facilitator, practice_room.id, wrong)
        assert refused.value.msgid == 'Choose between 1 and {max} simulated phones.'
    assert practice.stop_rehearsal(session, its_facilitator, practice_room.id) == []


def test_the_organizer_may_rehearse_too(session, org, practice_room) -> None:
    assert practice.start_rehearsal(session, org, practice_room.id, practice.DEFAULT_PHONES)[0].phones == 8
    assert practice.is_practice(session, org, practice_room.id)


def test_a_real_room_is_never_rehearsed(session, fac, room, org) -> None:
    for actor in (fac, org):
        with pytest.raises(DomainError) as refused:
            practice.start_rehearsal(session, actor, room.id, 5)
        assert refused.value.msgid == practice.NOT_PRACTICE
    assert not practice.is_practice(session, fac, room.id)


def test_another_rooms_facilitator_or_a_participant_may_not(session, fac, join, practice_room) -> None:
    someone = join(practice_room)
    for actor in (fac, someone):
        with pytest.raises(NotAllowed):
            practice.start_rehearsal(session, actor, practice_room.id, 5)
        with pytest.raises(NotAllowed):
            practice.stop_rehearsal(session, actor, practice_room.id)


def test_the_set_up_and_the_dashboard_tell_a_practice_room(session, org, event, practice_room) -> None:
    rooms = setup.event_setup(session, org, event.id).rooms
    assert [r.practice for r in rooms] == [False, False, True]
    pulses = dashboard.dashboard(session, org, event.id).rooms
    assert [p.practice for p in pulses] == [False, False, True]
    long_ago = replace(pulses[2], phase='issues', last_activity=0.0)
    assert alerts(long_ago, now=IDLE_AFTER_S * 2) == ()  # a practice room left idle is no alarm
    assert alerts(replace(long_ago, practice=False), now=IDLE_AFTER_S * 2)[0].kind == dashboard.IDLE
