"""The action plan (spcp/domain/action_plan.py): built from the day, edited field by field by several
organizers at once, organizer only, its changes for the other organizers' pages."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from spcp.domain import action_plan as plan_rules
from spcp.domain import plenary, rooms, solutions, themes, voting
from spcp.domain.access import Actor, facilitator, organizer
from spcp.domain.action_plan import PlanFieldChanged, PlanItemAdded, PlanItemRemoved
from spcp.domain.changes import EventChange
from spcp.domain.errors import DomainError, NotAllowed, NotFound
from spcp.domain.events import create_event
from spcp.domain.models import ActionItem, Card, Event, Room

from .conftest import new_key, said


@dataclass
class Day:
    org: Actor
    safety: int       # theme with two cards and two solutions
    youth: int        # theme with one card and no solution
    cards: dict[str, int]
    ideas: dict[str, int]   # solution text -> id


@pytest.fixture
def org(session: Session, event: Event) -> Actor:
    return organizer(session, event.id, event.organizer_key)


@pytest.fixture
def day(session: Session, room: Room, fac: Actor, org: Actor, join, goto, write) -> Day:
    """A room that ran its day: three cards with dots, two themes, solutions with endorsements."""
    people = [join(room) for _ in range(4)]
    goto(fac, room, 'issues')
    cards = {text: write(people[0], room, text) for text in ('Patrols at night', 'Street lights', 'Youth center')}
    goto(fac, room, 'vote')
    for person, chosen in zip(people, (['Patrols at night', 'Street lights'], ['Patrols at night'],
                                        ['Patrols at night', 'Youth center'], ['Street lights']), strict=True):
        for text in chosen:
            voting.add_dot(session, person, room.id, cards[text], new_key())
    goto(fac, room, 'themes')
    safety, _ = themes.group(session, fac, room.id, [cards['Patrols at night'], cards['Street lights']], 'Safety')
    youth, _ = themes.group(session, fac, room.id, [cards['Youth center']], 'Youth')
    goto(fac, room, 'solutions')
    ideas = {}
    for text in ('Walk with residents', 'Fix the lights first'):
        ideas[text], _ = solutions.propose(session, people[0], room.id, safety, text, new_key())
    for person in people[1:]:
        solutions.endorse(session, person, room.id, ideas['Fix the lights first'])
    solutions.endorse(session, people[1], room.id, ideas['Walk with residents'])
    goto(fac, room, 'wrapup')
    return Day(org, safety, youth, cards, ideas)


def test_the_day_suggests_each_rooms_top_themes(session, event, day):
    view = plan_rules.action_plan(session, day.org, event.id)
    assert view.priorities == ()
    assert [(s.name, s.dots, s.solutions) for s in view.suggestions] == [('Safety', 5, 2), ('Youth', 1, 0)]


def test_a_priority_brings_its_cards_dots_breakdown_and_endorsed_solutions(session, event, day):
    ids, changes = plan_rules.add_priority(session, day.org, event.id, day.safety)
    view = plan_rules.action_plan(session, day.org, event.id)
    assert [s.name for s in view.suggestions] == ['Youth']
    [priority] = view.priorities
    assert (priority.name, priority.dots, priority.room_name) == ('Safety', 5, 'Room 1')
    assert [(c.text, c.dots) for c in priority.cards] == [('Patrols at night', 3), ('Street lights', 2)]
    assert [(s.text, s.endorsements) for s in priority.solutions] == [('Fix the lights first', 3),
                                                                      ('Walk with residents', 1)]
    # one item per solution, most endorsed first, pointing at it
    assert [(i.text, i.solution_id, i.status) for i in priority.items] == [
        ('Fix the lights first', day.ideas['Fix the lights first'], 'not_started'),
        ('Walk with residents', day.ideas['Walk with residents'], 'not_started')]
    assert ids == tuple(i.id for i in priority.items)
    assert [type(c) for c in changes] == [PlanItemAdded, PlanItemAdded]
    assert changes[0].event_id == event.id and changes[0].item == priority.items[0]
    # four voters, none said a group: published (wrap-up), every group hidden
    assert priority.stakeholders.published and priority.stakeholders.shown == ()
    assert [r.id for r in priority.stakeholders.themes] == [day.safety]
    assert {r.id for r in priority.stakeholders.cards} == {day.cards['Patrols at night'], day.cards['Street lights']}


def test_a_theme_without_solutions_starts_with_one_item_named_after_it(session, event, day):
    plan_rules.add_priority(session, day.org, event.id, day.youth)
    [priority] = plan_rules.action_plan(session, day.org, event.id).priorities
    assert [(i.text, i.solution_id) for i in priority.items] == [('Youth', None)]
    with pytest.raises(DomainError) as refused:
        plan_rules.add_priority(session, day.org, event.id, day.youth)
    assert said(refused.value) == 'This priority is already in the plan.'


def test_items_are_added_fresh_or_from_a_solution_and_removed(session, event, day):
    plan_rules.add_priority(session, day.org, event.id, day.safety)
    fresh, _ = plan_rules.add_item(session, day.org, event.id, day.safety, '  Monthly walk-and-talk  ')
    again, _ = plan_rules.add_item(session, day.org, event.id, day.safety, 'Lights again',
                                   solution_id=day.ideas['Fix the lights first'])
    with pytest.raises(NotFound):  # a solution of another theme
        plan_rules.add_item(session, day.org, event.id, day.youth, 'x', solution_id=day.ideas['Walk with residents'])
    with pytest.raises(DomainError):
        plan_rules.add_item(session, day.org, event.id, day.safety, '   ')
    items = plan_rules.priority(session, day.org, event.id, day.safety).items
    assert [(i.text, i.solution_id) for i in items][2:] == [('Monthly walk-and-talk', None),
                                                           ('Lights again', day.ideas['Fix the lights first'])]
    [removed] = plan_rules.remove_item(session, day.org, event.id, fresh)
    assert removed == PlanItemRemoved(removed.room_id, event.id, fresh, day.safety)
    assert again in [i.id for i in plan_rules.priority(session, day.org, event.id, day.safety).items]
    changes = plan_rules.remove_priority(session, day.org, event.id, day.safety)
    assert len(changes) == 3 and all(isinstance(c, PlanItemRemoved) for c in changes)
    view = plan_rules.action_plan(session, day.org, event.id)
    assert view.priorities == () and [s.name for s in view.suggestions] == ['Safety', 'Youth']
    with pytest.raises(NotFound):
        plan_rules.remove_item(session, day.org, event.id, fresh)


EDITS = [  # field, value given, value stored
    ('text', ' Fix every light on Elm St ', 'Fix every light on Elm St'),
    ('lead', 'Public works', 'Public works'), ('lead', '  ', None),
    ('partners', 'Neighbourhood watch; PD', 'Neighbourhood watch; PD'),
    ('responsible', 'both', 'both'), ('responsible', None, None),
    ('first_steps', 'Walk the street\nList the lights', 'Walk the street\nList the lights'),
    ('start_date', '2025-06-01', '2025-06-01'), ('start_date', dt.date(2025, 6, 2), '2025-06-02'),
    ('due_date', '', None), ('resources', 'A lift truck', 'A lift truck'),
    ('success_measure', 'All lights on by July', 'All lights on by July'),
    ('status', 'lagging', 'lagging'), ('notes', 'Call Ana', 'Call Ana'),
]


def test_each_field_is_set_on_its_own(session, event, room, day):
    [item_id, _] = plan_rules.add_priority(session, day.org, event.id, day.safety)[0]
    for field, value, stored in EDITS:
        before = plan_rules.priority(session, day.org, event.id, day.safety).items
        view, changes = plan_rules.edit_item(session, day.org, event.id, item_id, field, value)
        assert getattr(view, field) == stored
        assert {f: getattr(view, f) for f in plan_rules.FIELDS if f != field} == \
            {f: getattr(before[0], f) for f in plan_rules.FIELDS if f != field}
        assert plan_rules.priority(session, day.org, event.id, day.safety).items[1] == before[1]  # the other item
        assert changes == ([] if getattr(before[0], field) == stored else
                           [PlanFieldChanged(room.id, event.id, item_id, day.safety, field, stored)])


REFUSED = [  # field, value, why
    ('text', '', 'Please write some text.'),
    ('lead', 'two\nlines', 'Please keep it to one line.'),
    ('notes', 'x' * 2001, 'Please keep it to 2,000 characters or fewer (now 2,001).'),
    ('responsible', 'mayor', 'Choose who is responsible from the list.'),
    ('status', None, 'Choose a status from the list.'),
    ('start_date', '12/05/2025', 'Please give the date as a day, e.g. 2025-05-12.'),
    ('due_date', 20250512, 'Please give the date as a day, e.g. 2025-05-12.'),
    ('id', 7, 'Unknown field.'), ('event_id', 2, 'Unknown field.'),
]


def test_a_refused_value_says_why_and_changes_nothing(session, event, day):
    [item_id, _] = plan_rules.add_priority(session, day.org, event.id, day.safety)[0]
    before = plan_rules.priority(session, day.org, event.id, day.safety)
    for field, value, message in REFUSED:
        with pytest.raises(DomainError) as refused:
            plan_rules.edit_item(session, day.org, event.id, item_id, field, value)
        assert said(refused.value) == message
    assert plan_rules.priority(session, day.org, event.id, day.safety) == before


def test_the_due_date_never_comes_before_the_start(session, event, day):
    [item_id, _] = plan_rules.add_priority(session, day.org, event.id, day.safety)[0]
    plan_rules.edit_item(session, day.org, event.id, item_id, 'start_date', '2025-06-10')
    with pytest.raises(DomainError) as refused:
        plan_rules.edit_item(session, day.org, event.id, item_id, 'due_date', '2025-06-09')
    assert said(refused.value) == 'The due date comes before the start date.'
    plan_rules.edit_item(session, day.org, event.id, item_id, 'due_date', '2025-06-10')
    with pytest.raises(DomainError):
        plan_rules.edit_item(session, day.org, event.id, item_id, 'start_date', '2025-06-11')
    view = plan_rules.priority(session, day.org, event.id, day.safety).items[0]
    assert (view.start, view.due) == (dt.date(2025, 6, 10), dt.date(2025, 6, 10))


def test_two_organizers_editing_one_item_at_once_keep_both_edits(session, event, day,
                                                                 new_session: Callable[[], Session]):
    [item_id, _] = plan_rules.add_priority(session, day.org, event.id, day.safety)[0]
    first, second = new_session(), new_session()
    ana, ben = (organizer(s, event.id, event.organizer_key) for s in (first, second))
    # both have the item open (loaded in their session) before either saves
    assert first.get(ActionItem, item_id).lead is None and second.get(ActionItem, item_id).partners is None
    plan_rules.edit_item(first, ana, event.id, item_id, 'lead', 'Ana')
    view, _ = plan_rules.edit_item(second, ben, event.id, item_id, 'partners', 'Ben')
    assert (view.lead, view.partners) == ('Ana', 'Ben')  # Ben's save did not write Ana's field back
    plan_rules.edit_item(first, ana, event.id, item_id, 'status', 'on_track')
    plan_rules.edit_item(second, ben, event.id, item_id, 'notes', 'from Ben')
    plan_rules.edit_item(first, ana, event.id, item_id, 'notes', 'from Ana')  # same field: the last write wins
    third = new_session()
    stored = plan_rules.priority(third, organizer(third, event.id, event.organizer_key), event.id, day.safety).items[0]
    assert (stored.lead, stored.partners, stored.status, stored.notes) == ('Ana', 'Ben', 'on_track', 'from Ana')


def test_changes_and_views_serialise_to_json(session, event, day):
    ids, added = plan_rules.add_priority(session, day.org, event.id, day.safety)
    _, edited = plan_rules.edit_item(session, day.org, event.id, ids[0], 'due_date', '2025-07-01')
    removed = plan_rules.remove_item(session, day.org, event.id, ids[1])
    for change in [*added, *edited, *removed]:
        assert isinstance(change, EventChange) and change.event_id == event.id
        text = json.dumps(dataclasses.asdict(change))
        assert json.loads(text)['event_id'] == event.id
    assert json.loads(json.dumps(dataclasses.asdict(edited[0])))['value'] == '2025-07-01'
    json.dumps(dataclasses.asdict(plan_rules.action_plan(session, day.org, event.id)))


def test_only_the_events_organizer_with_the_current_key(session, event, day, fac, p1, plan):
    for actor in (fac, p1):
        with pytest.raises(NotAllowed):
            plan_rules.action_plan(session, actor, event.id)
        with pytest.raises(NotAllowed):
            plan_rules.add_priority(session, actor, event.id, day.safety)
    other = create_event(session, 'Other', 1, plan)
    stranger = organizer(session, other.id, other.organizer_key)
    with pytest.raises(NotAllowed):
        plan_rules.action_plan(session, stranger, event.id)
    with pytest.raises(NotFound):  # its own event, another event's theme
        plan_rules.add_priority(session, stranger, other.id, day.safety)
    [item_id, _] = plan_rules.add_priority(session, day.org, event.id, day.safety)[0]
    with pytest.raises(NotFound):
        plan_rules.edit_item(session, stranger, other.id, item_id, 'lead', 'x')
    event.organizer_key = 'a-new-key'  # the key changed: the old sign-in is refused
    session.commit()
    with pytest.raises(NotAllowed):
        plan_rules.edit_item(session, day.org, event.id, item_id, 'lead', 'x')


def test_the_plenarys_ranking_leads_and_its_breakdown_comes_along(session, event, day, org):
    """Themes pulled into the plenary come first, by the hall's dots, with the plenary's breakdown of their card."""
    hall, _ = plenary.create(session, org, event.id)
    hall_fac = facilitator(session, hall.join_code, hall.facilitator_key)
    cards_of = {c.text: c.id for c in session.exec(select(Card).where(Card.room_id == hall.id)).all()}
    assert set(cards_of) == {'Safety', 'Youth'}
    rooms.set_phase(session, hall_fac, hall.id, 'vote')
    for i, chosen in enumerate((['Youth', 'Safety'], ['Youth'])):
        person, _ = rooms.join(session, hall.join_code, f'hall-{i}')
        for text in chosen:
            voting.add_dot(session, person, hall.id, cards_of[text], new_key())
    rooms.set_phase(session, hall_fac, hall.id, 'wrapup')
    view = plan_rules.action_plan(session, org, event.id)
    assert [(s.name, s.dots, s.plenary_dots) for s in view.suggestions] == [('Youth', 1, 2), ('Safety', 5, 1)]
    plan_rules.add_priority(session, org, event.id, day.safety)
    plan_rules.add_priority(session, org, event.id, day.youth)
    [youth, safety] = plan_rules.action_plan(session, org, event.id).priorities
    assert (youth.name, youth.plenary_dots, safety.name, safety.plenary_dots) == ('Youth', 2, 'Safety', 1)
    assert youth.plenary.room_id == hall.id and [r.id for r in youth.plenary.cards] == [cards_of['Youth']]
    assert youth.plenary.themes == () and youth.plenary.cards[0].total == 2
    assert plan_rules.priority(session, org, event.id, day.youth).plenary_dots == 2
