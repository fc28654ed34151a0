"""spcp.domain.events: events, rooms and their join codes."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from spcp.domain import events
from spcp.domain.access import normalize_code, room_by_code
from spcp.domain.errors import DomainError, NotFound
from spcp.domain.events import CODE_DIGITS, CODE_LETTERS, create_event, format_code, new_join_code, rooms_of
from spcp.domain.models import Event, Room

from .conftest import said

CODE_RE = re.compile(f'^[{CODE_LETTERS}]{{3}}[{CODE_DIGITS}]{{3}}$')


def test_alphabets_avoid_lookalikes():
    assert not set(CODE_LETTERS) & set('OISBLZGQ')
    assert not set(CODE_DIGITS) & set('01')  # letters first then digits: S/5, B/8 cannot mix
    assert len(set(CODE_LETTERS)) == len(CODE_LETTERS) and len(set(CODE_DIGITS)) == len(CODE_DIGITS)


@pytest.mark.parametrize('n', [1, 2, 7])
def test_event_has_n_rooms_set_up_from_the_plan(session, plan, n):
    event = create_event(session, '  Riverside  ', n, plan)
    assert event.name == 'Riverside'
    assert event.plan == plan
    rooms = rooms_of(session, event.id)
    assert [r.name for r in rooms] == [f'Room {i + 1}' for i in range(n)]
    for room in rooms:
        assert room.event_id == event.id
        assert room.phase == 'welcome' and not room.votes_revealed
        assert (room.dots_per_participant, room.max_dots_per_card, room.max_card_length,
                room.max_cards_per_participant, room.top_themes) == (3, 1, 280, 12, 3)


def test_plan_room_settings_are_copied_to_rooms(session, plan):
    custom = {**plan, 'room': {**plan['room'], 'dots_per_participant': 5, 'top_themes': 2}}
    event = create_event(session, 'Custom', 2, custom)
    assert {(r.dots_per_participant, r.top_themes) for r in rooms_of(session, event.id)} == {(5, 2)}


def test_room_names_are_used_and_cleaned(session, plan):
    event = create_event(session, 'Named', 3, plan, room_names=['  North ', 'South\x07'])
    assert [r.name for r in rooms_of(session, event.id)] == ['North', 'South', 'Room 3']


def test_codes_and_secrets_are_unique_and_well_formed(session, plan):
    first = create_event(session, 'One', 20, plan)
    second = create_event(session, 'Two', 20, plan)
    rooms = rooms_of(session, first.id) + rooms_of(session, second.id)
    codes = [r.join_code for r in rooms]
    assert len(set(codes)) == 40
    assert all(CODE_RE.match(c) for c in codes), codes
    keys = [r.facilitator_key for r in rooms] + [first.organizer_key, second.organizer_key]
    assert len(set(keys)) == len(keys)
    assert all(len(k) >= 16 for k in keys)
    assert first.organizer_key not in {r.facilitator_key for r in rooms}


def test_generated_codes_are_random_not_sequential():
    codes = [new_join_code() for _ in range(200)]
    assert all(CODE_RE.match(c) for c in codes)
    assert codes != sorted(codes)
    assert len({c[:3] for c in codes}) > 50     # many different letter parts
    assert len({c[3:] for c in codes}) > 50     # many different digit parts
    assert len(set(codes)) >= 195               # 18**3 * 8**3 possibilities: collisions are rare
    # consecutive codes are not "next" codes of each other
    steps = [int(b[3:]) - int(a[3:]) for a, b in zip(codes, codes[1:], strict=False)]
    assert steps.count(1) < 20


def test_consecutive_rooms_codes_do_not_share_a_pattern(session, plan):
    event = create_event(session, 'Big', 30, plan)
    codes = [r.join_code for r in rooms_of(session, event.id)]
    assert codes != sorted(codes)
    assert len({c[:3] for c in codes}) > 10


def test_unique_code_retries_on_collision(session, plan, monkeypatch):
    event = create_event(session, 'One', 1, plan)
    taken = rooms_of(session, event.id)[0].join_code
    supply = iter([taken, taken, 'KMR472'])
    monkeypatch.setattr(events, 'new_join_code', lambda: next(supply))
    second = create_event(session, 'Two', 1, plan)
    assert rooms_of(session, second.id)[0].join_code == 'KMR472'


def test_no_free_code_is_a_domain_error(session, plan, monkeypatch):
    event = create_event(session, 'One', 1, plan)
    taken = rooms_of(session, event.id)[0].join_code
    monkeypatch.setattr(events, 'new_join_code', lambda: taken)
    with pytest.raises(DomainError):
        create_event(session, 'Two', 1, plan)


@pytest.mark.parametrize('raw', ['kmr-472', ' KMR 472 ', 'KMR472', 'Kmr_472', '\tkmr - 472\n'])
def test_normalize_code(raw):
    assert normalize_code(raw) == 'KMR472'


def test_normalize_code_of_nothing_and_of_long_input():
    assert normalize_code('') == ''
    assert normalize_code(None) == ''
    assert len(normalize_code('A' * 500)) == 20


def test_format_code():
    assert format_code('KMR472') == 'KMR-472'
    assert normalize_code(format_code('KMR472')) == 'KMR472'


def test_room_found_by_typed_code(session, room):
    typed = f' {room.join_code[:3].lower()}-{room.join_code[3:]} '
    assert room_by_code(session, typed).id == room.id
    assert room_by_code(session, f'{room.join_code[:3]} {room.join_code[3:]}').id == room.id


def test_unknown_code_not_found(session, room):
    with pytest.raises(NotFound) as info:
        room_by_code(session, 'zzz-000')
    assert 'zzz-000' in said(info.value)


@pytest.mark.parametrize('count', [0, -1, events.MAX_ROOMS + 1, 2.0, '2', None])
def test_bad_room_counts_refused(session, plan, count):
    with pytest.raises(DomainError) as info:
        create_event(session, 'Bad', count, plan)
    assert str(events.MAX_ROOMS) in said(info.value)
    assert session.exec(select(Event)).all() == []
    assert session.exec(select(Room)).all() == []


def test_boolean_room_count_refused(session, plan):
    with pytest.raises(DomainError):
        create_event(session, 'Bad', True, plan)


def test_max_rooms_accepted(session, plan):
    event = create_event(session, 'Max', events.MAX_ROOMS, plan)
    assert len(rooms_of(session, event.id)) == events.MAX_ROOMS


@pytest.mark.parametrize('name', ['', '   ', '\x00\x01'])
def test_event_needs_a_name(session, plan, name):
    with pytest.raises(DomainError):
        create_event(session, name, 2, plan)


def test_find_and_latest_event(session, plan):
    assert events.latest_event(session) is None
    a = create_event(session, 'A', 1, plan)
    b = create_event(session, 'B', 1, plan)
    assert events.find_event(session, 'A').id == a.id
    assert events.find_event(session, 'nope') is None
    assert events.latest_event(session).id == b.id


def test_bad_room_name_refused(session, plan):
    with pytest.raises(DomainError):
        create_event(session, 'Named', 2, plan, room_names=['North', '   '])


def test_refused_event_leaves_nothing_behind(session, plan, new_session):
    with pytest.raises(DomainError):
        create_event(session, 'Half', 2, plan, room_names=['North', '   '])
    create_event(session, 'Whole', 1, plan)  # the organizer tries again on the same session
    stored = new_session()
    assert [e.name for e in stored.exec(select(Event))] == ['Whole']
    assert [r.name for r in stored.exec(select(Room))] == ['Room 1']


def test_codes_typed_with_other_scripts_digits_match():
    from spcp.domain.access import normalize_code
    assert normalize_code('KMR-٤٧٢') == 'KMR472'     # Arabic-Indic digits
    assert normalize_code('kmr ४७२') == 'KMR472'     # Devanagari digits
    assert normalize_code('ＫＭＲ４７２') == 'KMR472'  # full-width, as some phone keyboards type
    assert normalize_code(None) == ''  # type: ignore[arg-type]
