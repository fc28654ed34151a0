"""The organizer's set-up before the day (spcp.domain.setup): event details, rooms, dots, phase minutes."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from spcp.domain import setup, voting
from spcp.domain.access import Actor, Role, fingerprint, organizer, organizer_by_proof
from spcp.domain.changes import ParticipantsChanged
from spcp.domain.errors import DomainError, NotAllowed
from spcp.domain.events import rooms_of
from spcp.domain.models import Event, Room
from spcp.domain.setup import EventDetails, RoomDetails
from spcp.domain.views import phases_of
from spcp.i18n import LOCALES

from .conftest import said

DAY = dt.date(2025, 5, 12)


@pytest.fixture
def org(session, event) -> Actor:
    return organizer(session, event.id, event.organizer_key)


def details(**changes) -> EventDetails:
    base = {'name': 'Riverside SPCP', 'date': DAY, 'venue': 'Riverside Library, Hall B', 'languages': ('en', 'es'),
            'wifi_name': 'Library-Guest', 'wifi_password': 'trust2025'}
    return EventDetails(**{**base, **changes})


def test_the_domain_offers_exactly_the_apps_languages():
    assert tuple(LOCALES) == setup.LANGUAGES


def test_a_new_event_reads_with_the_plans_defaults(session, org, event, plan):
    view = setup.event_setup(session, org, event.id)
    assert (view.name, view.date, view.venue, view.languages, view.wifi_name, view.wifi_password) == (
        'Riverside SPCP', None, None, ('en',), None, None)
    assert view.dots_per_participant == plan['room']['dots_per_participant'] == 3
    assert [(p.id, p.minutes) for p in view.phases] == [(p['id'], p['minutes']) for p in plan['phases']]
    assert [(r.name, r.joined, r.removable, r.voting_started) for r in view.rooms] == [
        ('Room 1', 0, True, False), ('Room 2', 0, True, False)]


def test_editing_the_event_stores_cleaned_details(session, new_session, org, event):
    assert setup.edit_event(session, org, event.id, details(
        name='  Riverside SPCP, 12 May ', venue=' Riverside Library ', languages=['hi', 'en', 'hi'],
        wifi_name='Library-Guest', wifi_password='  ')) == []
    with new_session() as other:
        view = setup.event_setup(other, org, event.id)
    assert (view.name, view.date, view.venue, view.languages, view.wifi_name, view.wifi_password) == (
        'Riverside SPCP, 12 May', DAY, 'Riverside Library', ('hi', 'en'), 'Library-Guest', None)


@pytest.mark.parametrize(('change', 'message'), [
    ({'name': '  '}, 'Please write some text.'),
    ({'languages': ()}, 'Choose at least one language.'),
    ({'languages': ('en', 'fr')}, 'Unknown language.'),
    ({'wifi_name': 'Library\nGuest'}, 'Please keep it to one line.'),
    ({'wifi_password': 'x' * 65}, 'Please keep it to 64 characters or fewer (now 65).'),
    ({'venue': 'v' * 201}, 'Please keep it to 200 characters or fewer (now 201).'),
    ({'date': dt.datetime(2025, 5, 12, 9, 0)}, 'Please give the date as a day, e.g. 2025-05-12.'),
    ({'date': '2025-05-12'}, 'Please give the date as a day, e.g. 2025-05-12.'),
])
def test_bad_details_are_refused_and_change_nothing(session, new_session, org, event, change, message):
    with pytest.raises(DomainError) as refused:
        setup.edit_event(session, org, event.id, details(**change))
    assert said(refused.value) == message
    session.rollback()
    with new_session() as other:
        assert setup.event_setup(other, org, event.id).name == 'Riverside SPCP'


def test_only_the_events_organizer_with_the_current_key_sets_up(session, event, org, fac, p1, plan):
    other = setup.create_event(session, details(name='Other event'), plan, [RoomDetails('A')])
    other_org = organizer(session, other.id, other.organizer_key)
    stale = Actor(Role.ORGANIZER, event.id, proof=fingerprint('an old key'))
    for actor, message in ((fac, 'You are not an organizer of this event.'),
                           (p1, 'You are not an organizer of this event.'),
                           (other_org, 'You are not an organizer of this event.'),
                           (stale, setup.SIGNED_OUT)):
        for call in (lambda a: setup.event_setup(session, a, event.id),
                     lambda a: setup.edit_event(session, a, event.id, details(name='Taken over')),
                     lambda a: setup.set_dots(session, a, event.id, 5),
                     lambda a: setup.facilitator_keys(session, a, event.id),
                     lambda a: setup.add_room(session, a, event.id, RoomDetails('Extra'))):
            with pytest.raises(NotAllowed) as refused:
                call(actor)
            assert said(refused.value) == message
    room_id = rooms_of(session, event.id)[0].id
    with pytest.raises(NotAllowed):
        setup.edit_room(session, fac, room_id, RoomDetails('Taken over'))
    with pytest.raises(NotAllowed):
        setup.remove_room(session, other_org, room_id)
    assert session.get(Event, event.id).name == 'Riverside SPCP'
    assert len(rooms_of(session, event.id)) == 2


def test_dots_follow_the_event_until_a_room_starts_voting(session, org, event, room, room_b, fac, fac_b, join,
                                                          goto, write):
    third, _ = setup.add_room(session, org, event.id, RoomDetails('Room 3'))
    voter = join(room_b)
    goto(fac_b, room_b, 'issues')
    card = write(voter, room_b, 'Street lights')
    goto(fac_b, room_b, 'vote')
    voting.add_dot(session, voter, room_b.id, card, 'key-0001')
    goto(fac_b, room_b, 'issues')          # back before Vote, but dots were spent: keeps its 3
    goto(fac, room, 'issues')              # not voting yet: follows
    kept, changes = setup.set_dots(session, org, event.id, 5)
    assert (kept, changes) == (1, [])
    by_id = {r.id: r for r in setup.event_setup(session, org, event.id).rooms}
    assert [(by_id[r].dots_per_participant, by_id[r].voting_started) for r in (room.id, room_b.id, third)] == [
        (5, False), (3, True), (5, False)]
    fourth, _ = setup.add_room(session, org, event.id, RoomDetails('Room 4'))
    assert session.get(Room, fourth).dots_per_participant == 5   # a new room takes the event's dots
    assert setup.event_setup(session, org, event.id).dots_per_participant == 5


@pytest.mark.parametrize('dots', [0, 21, True, 2.5, '3'])
def test_dots_out_of_range_are_refused(session, org, event, dots):
    with pytest.raises(DomainError) as refused:
        setup.set_dots(session, org, event.id, dots)
    assert said(refused.value) == 'Dots per participant: between 1 and 20.'


def test_phase_minutes_set_the_timer_of_the_next_phase(session, new_session, org, event, room, fac, goto):
    assert setup.set_phase_minutes(session, org, event.id, {'issues': 25, 'vote': 7}) == []
    with new_session() as other:  # stored, not only changed in this session's copy
        minutes = {p.id: p.minutes for p in setup.event_setup(other, org, event.id).phases}
    assert (minutes['issues'], minutes['vote'], minutes['welcome']) == (25, 7, 10)
    goto(fac, room, 'issues')
    assert room.timer_remaining_s == 25 * 60
    goto(fac, room, 'vote')
    assert room.timer_remaining_s == 7 * 60
    assert [p.minutes for p in phases_of(session.get(Event, event.id))][:3] == [10, 25, 7]


@pytest.mark.parametrize(('minutes', 'message'), [
    ({'issues': 0}, 'A phase lasts between 1 and 240 minutes.'),
    ({'issues': 241}, 'A phase lasts between 1 and 240 minutes.'),
    ({'issues': True}, 'A phase lasts between 1 and 240 minutes.'),
    ({'lunch': 30}, 'Unknown phase.'),
])
def test_bad_phase_minutes_are_refused(session, org, event, plan, minutes, message):
    with pytest.raises(DomainError) as refused:
        setup.set_phase_minutes(session, org, event.id, minutes)
    assert said(refused.value) == message
    session.rollback()
    assert session.get(Event, event.id).plan == plan


def test_rooms_are_added_edited_and_removed_while_nobody_joined(session, org, event, room, room_b, join):
    new_id, _ = setup.add_room(session, org, event.id, RoomDetails(' Youth room ', ' Maya Ortiz ', 12))
    added = session.get(Room, new_id)
    assert (added.name, added.facilitator_name, added.expected_size, added.phase) == (
        'Youth room', 'Maya Ortiz', 12, 'welcome')
    assert len(added.join_code) == 6 and added.facilitator_key not in (room.facilitator_key, room_b.facilitator_key)
    changes = setup.edit_room(session, org, room.id, RoomDetails('Hall A', 'Sam Lee', 20))
    assert changes == [setup.RoomRenamed(room.id, 'Hall A'), ParticipantsChanged(room.id, 0, 20)]
    assert setup.edit_room(session, org, room.id, RoomDetails('Hall A', None, 20)) == []
    assert (room.name, room.facilitator_name, room.expected_size) == ('Hall A', None, 20)
    join(room_b)
    with pytest.raises(DomainError) as refused:
        setup.remove_room(session, org, room_b.id)
    assert said(refused.value) == ('This room is already in use (people joined, or cards were typed in): '
                                   'it can no longer be removed.')
    assert setup.remove_room(session, org, new_id) == []
    assert setup.remove_room(session, org, room.id) == []
    with pytest.raises(DomainError) as last:
        setup.remove_room(session, org, room_b.id)
    assert said(last.value) == 'This room is already in use (people joined, or cards were typed in): ' \
        'it can no longer be removed.'
    assert [r.id for r in rooms_of(session, event.id)] == [room_b.id]


def test_the_last_room_stays(session, org, event, room, room_b):
    setup.remove_room(session, org, room.id)
    with pytest.raises(DomainError) as refused:
        setup.remove_room(session, org, room_b.id)
    assert said(refused.value) == 'An event keeps at least one room.'


@pytest.mark.parametrize(('bad', 'message'), [
    (RoomDetails(' '), 'Every room needs a name.'),
    (RoomDetails('A', expected_size=0), 'The expected number of people is between 1 and 2,000.'),
    (RoomDetails('A', facilitator_name='f' * 81), 'Please keep it to 80 characters or fewer (now 81).'),
])
def test_bad_room_details_are_refused(session, org, event, bad, message):
    with pytest.raises(DomainError) as refused:
        setup.add_room(session, org, event.id, bad)
    assert said(refused.value) == message


def test_create_event_sets_everything_up_in_one_go(session, plan):
    event = setup.create_event(session, details(), plan, [RoomDetails('North', 'Ana Ruiz', 15), RoomDetails('South')],
                               dots=4, minutes={'solutions': 40})
    made = rooms_of(session, event.id)
    assert [(r.name, r.facilitator_name, r.expected_size, r.dots_per_participant) for r in made] == [
        ('North', 'Ana Ruiz', 15, 4), ('South', None, None, 4)]
    assert (event.date, event.venue, event.languages, event.wifi_name) == (DAY, 'Riverside Library, Hall B',
                                                                            ['en', 'es'], 'Library-Guest')
    assert next(p['minutes'] for p in event.plan['phases'] if p['id'] == 'solutions') == 40
    assert plan['room']['dots_per_participant'] == 3  # the loaded plan itself is left as it was


def test_a_refused_create_leaves_nothing_behind(session, plan):
    before = session.exec(select(func.count()).select_from(Event)).one()
    for bad in ({'rooms': [RoomDetails('A'), RoomDetails('')]}, {'dots': 0}, {'minutes': {'vote': 0}},
                {'languages': ('xx',)}):
        rooms_given = bad.pop('rooms', [RoomDetails('A')])
        languages = bad.pop('languages', ('en',))
        with pytest.raises(DomainError):
            setup.create_event(session, details(languages=languages), plan, rooms_given, **bad)
    assert session.exec(select(func.count()).select_from(Event)).one() == before


def test_an_organizer_starts_a_new_event_and_is_its_organizer(session, org, plan):
    made, changes = setup.new_event(session, org, EventDetails('Eastside SPCP'), plan)
    assert changes == []
    actor = organizer_by_proof(session, made.event_id, made.proof)
    view = setup.event_setup(session, actor, made.event_id)
    assert (view.name, [r.name for r in view.rooms]) == ('Eastside SPCP', ['Room 1'])
    with pytest.raises(NotAllowed):  # the old event's proof does not open the new one
        setup.event_setup(session, org, made.event_id)


def test_facilitator_keys_are_the_rooms(session, org, event, room, room_b):
    assert setup.facilitator_keys(session, org, event.id) == {room.id: room.facilitator_key,
                                                              room_b.id: room_b.facilitator_key}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=130), venue=st.none() | st.text(max_size=210), wifi=st.none() | st.text(max_size=70),
       languages=st.lists(st.sampled_from(setup.LANGUAGES + ('fr', '')), max_size=6))
def test_cleaned_details_are_always_fit_to_print(name, venue, wifi, languages):
    try:
        clean = setup.clean_details(EventDetails(name, None, venue, tuple(languages), wifi, wifi))
    except DomainError as error:
        assert said(error)  # a refusal always has a message ready to show
        return
    assert clean.name == clean.name.strip() and 0 < len(clean.name) <= setup.MAX_EVENT_NAME
    for text, limit in ((clean.venue, setup.MAX_VENUE), (clean.wifi_name, setup.MAX_WIFI)):
        assert text is None or (text == text.strip() and '\n' not in text and 0 < len(text) <= limit)
    assert clean.languages and set(clean.languages) <= set(setup.LANGUAGES)
    assert list(clean.languages) == list(dict.fromkeys(languages))


@given(dots=st.integers(1, 20), minutes=st.dictionaries(st.sampled_from(['welcome', 'issues', 'vote', 'wrapup']),
                                                        st.integers(1, 240)))
def test_plan_with_makes_a_new_plan_and_leaves_the_old_one(dots, minutes):
    from spcp.plan import load_plan
    plan = load_plan()
    original = repr(plan)
    new = setup.plan_with(plan, dots=dots, minutes=minutes)
    assert repr(plan) == original and new is not plan and new['room'] is not plan['room']
    assert new['room']['dots_per_participant'] == dots
    assert {p['id']: p['minutes'] for p in new['phases']} == {p['id']: minutes.get(p['id'], p['minutes'])
                                                              for p in plan['phases']}
