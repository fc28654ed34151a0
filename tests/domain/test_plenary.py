"""The plenary (spcp/domain/plenary.py): every room's top themes pulled in by the rooms' votes, where each
came from, the same theme from two rooms merged and the merge undone, the hall moved there as the same
devices with their groups, and a plenary vote under the rooms' dot rules, ranked."""
from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from spcp.domain import cards, plenary, rooms, themes, views, voting
from spcp.domain.access import organizer
from spcp.domain.changes import CardChanged
from spcp.domain.errors import DomainError, NotAllowed
from spcp.domain.events import rooms_of
from spcp.domain.models import Event


@pytest.fixture
def org(session, event: Event):
    return organizer(session, event.id, event.organizer_key)


def run_room(session, room, fac, join, key, themes_and_dots: dict[str, int], *, groups=()) -> list:
    """A room that named issues, grouped them into themes and voted: ``{theme: dots}`` (one card a theme,
    the dots from as many participants, one each). Returns the participants."""
    rooms.set_phase(session, fac, room.id, 'issues')
    people = [join(room) for _ in range(max(themes_and_dots.values(), default=0) or 1)]
    for person, group in zip(people, groups, strict=False):
        rooms.choose_group(session, person, room.id, group)
    card_ids = {}
    for name in themes_and_dots:
        card_ids[name] = cards.submit(session, people[0], room.id, f'{name} card', key())[0].id
    rooms.set_phase(session, fac, room.id, 'vote')
    for name, dots in themes_and_dots.items():
        for person in people[:dots]:
            voting.add_dot(session, person, room.id, card_ids[name], key())
    rooms.set_phase(session, fac, room.id, 'themes')
    for name in themes_and_dots:
        themes.group(session, fac, room.id, [card_ids[name]], name)
    return people


def plenary_cards(session, room_id: int) -> dict[str, int]:
    state = views.room_state(session, room_id)
    return {c.text: c.votes for c in state.base.cards if not c.hidden}


def test_pulls_each_rooms_top_themes_by_votes_and_says_where_they_came_from(
        session, event, room, room_b, fac, fac_b, org, join, key):
    run_room(session, room, fac, join, key, {'Lights': 3, 'Language': 2, 'Respect': 1, 'Parking': 0})
    run_room(session, room_b, fac_b, join, key, {'Patrols': 2, 'Youth': 1})
    hall, changes = plenary.create(session, org, event.id)
    # room A's top 3 of 4 by its votes (top_themes = 3 in the plan), room B's both
    assert set(plenary_cards(session, hall.id)) == {'Lights', 'Language', 'Respect', 'Patrols', 'Youth'}
    assert sum(isinstance(c, CardChanged) for c in changes) == 5
    assert hall.kind == 'plenary' and [r.id for r in plenary.breakouts(session, event.id)] == [room.id, room_b.id]
    sources = plenary.sources(session, org, hall.id)
    by_theme = {s.theme: s for found in sources.values() for s in found}
    assert by_theme['Lights'].room == room.name and by_theme['Lights'].dots == 3
    assert [c.text for c in by_theme['Patrols'].cards] == ['Patrols card']
    # asked again: nothing twice
    plenary.create(session, org, event.id)
    assert len(plenary_cards(session, hall.id)) == 5


def test_only_the_organizer_makes_and_opens_it(session, event, fac, join, room):
    with pytest.raises(NotAllowed):
        plenary.create(session, fac, event.id)
    with pytest.raises(NotAllowed):
        plenary.create(session, join(room), event.id)


def test_the_same_theme_from_two_rooms_merged_and_undone(session, event, room, room_b, fac, fac_b, org, join, key):
    run_room(session, room, fac, join, key, {'Street lights': 2})
    run_room(session, room_b, fac_b, join, key, {'Lighting': 1})
    hall, _ = plenary.create(session, org, event.id)
    ids = {c.text: c.id for c in views.room_state(session, hall.id).base.cards}
    cards.merge(session, org, hall.id, ids['Street lights'], [ids['Lighting']])
    state = views.room_state(session, hall.id)
    [kept] = [c for c in state.base.cards]
    assert kept.text == 'Street lights' and kept.merged == ((ids['Lighting'], 'Lighting'),)
    assert kept.origin == (room.name, room_b.name)  # where it came from, shown on the board
    sources = plenary.sources(session, org, hall.id)
    assert [s.room for s in sources[ids['Street lights']]] == [room.name, room_b.name]
    cards.unmerge(session, org, hall.id, ids['Lighting'])
    assert set(plenary_cards(session, hall.id)) == {'Street lights', 'Lighting'}


def test_the_hall_moves_as_the_same_devices_with_their_groups_and_votes_ranked(
        session, event, room, room_b, fac, fac_b, org, join, key):
    people = run_room(session, room, fac, join, key, {'Lights': 2, 'Respect': 1},
                      groups=['community', 'law_enforcement'])
    run_room(session, room_b, fac_b, join, key, {'Patrols': 1})
    hall, _ = plenary.create(session, org, event.id)
    with pytest.raises(DomainError):
        plenary.join(session, people[0], 'device-0001')  # not open yet
    moved = plenary.open_plenary(session, org, event.id)
    assert {c.room_id for c in moved if isinstance(c, plenary.PlenaryOpened)} == {room.id, room_b.id}
    assert all(json.loads(json.dumps(asdict(c))) == asdict(c) for c in moved)  # changes are data (LISTEN/NOTIFY)
    everyone = len(people) + 1  # room B's one voter
    assert views.room_state(session, hall.id).base.participants == everyone  # seated at once, one transaction
    assert plenary.open_plenary_code(session, room.id) == hall.join_code
    there, _ = plenary.join(session, people[0], 'device-0001')
    again, _ = plenary.join(session, people[0], 'device-0001')
    assert there == again and there.room_id == hall.id
    assert views.snapshot(session, there, hall.id).me.group == 'community'

    rooms.set_phase(session, org, hall.id, 'vote')
    assert [p.id for p in views.room_state(session, hall.id).base.phases] == ['welcome', 'vote', 'wrapup']
    with pytest.raises(DomainError):
        rooms.set_phase(session, org, hall.id, 'issues')  # the plenary has no issues phase
    ids = {c.text: c.id for c in views.room_state(session, hall.id).base.cards}
    for n, device in enumerate(['device-0001', 'device-0002']):
        voter, _ = plenary.join(session, people[n], device)
        voting.add_dot(session, voter, hall.id, ids['Respect'], key())
    voting.add_dot(session, there, hall.id, ids['Patrols'], key())
    assert plenary_cards(session, hall.id) == {'Lights': 0, 'Respect': 2, 'Patrols': 1}
    with pytest.raises(DomainError):  # the rooms' rule: one dot per card per person
        voting.add_dot(session, there, hall.id, ids['Respect'], key())
    rooms.step_phase(session, org, hall.id)
    assert views.room_state(session, hall.id).base.phase == 'wrapup'
    assert rooms.step_phase(session, org, hall.id) == []  # nothing after Wrap-up


def test_the_event_s_rooms_are_its_breakouts(session, event, org):
    hall, _ = plenary.create(session, org, event.id)
    assert hall.id not in [r.id for r in rooms_of(session, event.id)]  # the breakouts only


def test_the_organizer_s_view_of_the_plenary(session, event, room, fac, org, join, key):
    assert plenary.state(session, org, event.id) is None
    run_room(session, room, fac, join, key, {'Lights': 1})
    hall, _ = plenary.create(session, org, event.id)
    state = plenary.state(session, org, event.id)
    assert (state.code, state.cards, state.opened) == (hall.join_code, 1, False)
    plenary.open_plenary(session, org, event.id)
    assert plenary.state(session, org, event.id).opened


def test_a_plenary_card_s_live_changes_say_where_it_came_from(session, event, room, room_b, fac, fac_b, org, join,
                                                               key):
    """The board redraws a card from its CardChanged: pulled, merged, unmerged, its rooms are on it."""
    run_room(session, room, fac, join, key, {'Street lights': 2})
    run_room(session, room_b, fac_b, join, key, {'Lighting': 1})
    hall, pulled = plenary.create(session, org, event.id)
    assert {c.card.text: c.card.origin for c in pulled if isinstance(c, CardChanged)} == {
        'Street lights': (room.name,), 'Lighting': (room_b.name,)}
    ids = {c.text: c.id for c in views.room_state(session, hall.id).base.cards}
    merged = cards.merge(session, org, hall.id, ids['Street lights'], [ids['Lighting']])
    assert [c.card.origin for c in merged if isinstance(c, CardChanged)] == [(room.name, room_b.name)]
    undone = cards.unmerge(session, org, hall.id, ids['Lighting'])
    assert {c.card.text: c.card.origin for c in undone if isinstance(c, CardChanged)} == {
        'Street lights': (room.name,), 'Lighting': (room_b.name,)}
    [breakout_card] = views.room_state(session, room.id).base.cards
    assert breakout_card.origin == ()  # a breakout room's card has no origin
