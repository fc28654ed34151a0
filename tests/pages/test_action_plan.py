"""The action plan page (/organize/ID/plan): built from the day, two organizers editing at once, each
seeing the other's edits field by field without losing their own."""
from __future__ import annotations

from nicegui.testing import User
from sqlmodel import select

from spcp import db, live
from spcp.domain import cards, rooms, solutions, themes, voting
from spcp.domain.models import ActionItem

from .conftest import EventInfo, facilitate, settle
from .test_no_english_left import english_messages, shown


def run_the_day(event: EventInfo) -> dict[str, int]:
    """Room 1 runs its day: three issues, dots, two themes, solutions with endorsements; back at Wrap-up."""
    room = event.rooms[0]
    with db.session() as session:
        people = [rooms.join(session, room.code, f'phone-{i}')[0] for i in range(3)]
    facilitate(room, rooms.set_phase, 'issues')
    with db.session() as session:
        made = {text: cards.submit(session, people[0], room.id, text, f'card-{i}')[0].id
                for i, text in enumerate(('Patrols at night', 'Street lights', 'Youth center'))}
    facilitate(room, rooms.set_phase, 'vote')
    with db.session() as session:
        for i, text in enumerate(('Patrols at night', 'Street lights', 'Patrols at night')):
            voting.add_dot(session, people[i], room.id, made[text], f'dot-{i}')
    facilitate(room, rooms.set_phase, 'themes')
    safety, _ = facilitate(room, themes.group, [made['Patrols at night'], made['Street lights']], 'Safety')
    youth, _ = facilitate(room, themes.group, [made['Youth center']], 'Young people')
    facilitate(room, rooms.set_phase, 'solutions')
    with db.session() as session:
        fix, _ = solutions.propose(session, people[0], room.id, safety, 'Fix the lights first', 'sol-1')
        solutions.propose(session, people[0], room.id, safety, 'Walk with residents', 'sol-2')
        solutions.endorse(session, people[1], room.id, fix)
    facilitate(room, rooms.set_phase, 'wrapup')
    return {'safety': safety, 'youth': youth}


async def open_plan(user: User, event: EventInfo) -> None:
    await user.open(f'/organize/{event.id}?key={event.organizer_key}')
    await user.open(f'/organize/{event.id}/plan')


def stored_items() -> list[ActionItem]:
    with db.session() as session:
        return list(session.exec(select(ActionItem).order_by(ActionItem.id)).all())


def value(user: User, marker: str) -> str:
    with user:
        return user.find(marker=marker).elements.pop().value


def choose(user: User, marker: str, option: str) -> None:
    """Pick an option of a select (as a click on it does)."""
    with user:
        user.find(marker=marker).elements.pop().value = option


def edit(user: User, marker: str, text: str) -> None:
    """Type into a field and leave it (what saves a text field)."""
    user.find(marker=marker).clear().type(text).trigger('blur')


async def test_two_organizers_edit_one_item_at_once_and_both_keep_their_edits(create_user, event) -> None:
    themes_of = run_the_day(event)
    ana, ben = create_user(), create_user()
    for organizer in (ana, ben):
        await open_plan(organizer, event)
        await organizer.should_see(marker=f'suggestion-{themes_of["safety"]}')
    ana.find(marker=f'suggestion-{themes_of["safety"]}-add').click()
    await settle()
    first, second = stored_items()
    assert (first.text, second.text) == ('Fix the lights first', 'Walk with residents')  # most endorsed first
    for organizer in (ana, ben):  # the new priority and its actions reached both pages, the suggestion left
        await organizer.should_see(marker=f'item-{first.id}')
        await organizer.should_see(marker=f'item-{second.id}')
        await organizer.should_not_see(marker=f'suggestion-{themes_of["safety"]}')
        assert value(organizer, f'item-{first.id}-text') == 'Fix the lights first'
    # at the same time: Ana types the lead, Ben the partners, of the same item; neither save writes the other's
    ana.find(marker=f'item-{first.id}-lead').clear().type('Public works')
    ben.find(marker=f'item-{first.id}-partners').clear().type('Neighbourhood watch')
    ana.find(marker=f'item-{first.id}-lead').trigger('blur')
    ben.find(marker=f'item-{first.id}-partners').trigger('blur')
    await settle()
    for organizer in (ana, ben):
        assert value(organizer, f'item-{first.id}-lead') == 'Public works'
        assert value(organizer, f'item-{first.id}-partners') == 'Neighbourhood watch'
    choose(ana, f'item-{first.id}-status', 'on_track')
    await settle()
    assert value(ben, f'item-{first.id}-status') == 'on_track'
    # the same field: the last write wins, and the other sees it at once
    edit(ana, f'item-{first.id}-notes', 'Call the city')
    edit(ben, f'item-{first.id}-notes', 'Call the mayor')
    await settle()
    assert value(ana, f'item-{first.id}-notes') == value(ben, f'item-{first.id}-notes') == 'Call the mayor'
    stored = stored_items()[0]
    assert (stored.lead, stored.partners, stored.status, stored.notes) == ('Public works', 'Neighbourhood watch',
                                                                           'on_track', 'Call the mayor')


async def test_a_refused_value_is_marked_on_its_field_and_saved_once_fixed(create_user, event) -> None:
    themes_of = run_the_day(event)
    ana = create_user()
    await ana.open(f'/organize/{event.id}/plan')
    await ana.should_see('Sign in with your organizer link.')
    await ana.should_not_see('Suggested from the day')
    await open_plan(ana, event)
    await ana.should_see('No priority in the plan yet: add one of the themes suggested from the day.')
    ana.find(marker=f'suggestion-{themes_of["youth"]}-add').click()
    await settle()
    [item] = stored_items()
    assert item.text == 'Young people'  # no solution: one action named after the theme
    ana.find(marker=f'item-{item.id}-lead').clear().type('two\nlines').trigger('blur')
    with ana:
        lead = ana.find(marker=f'item-{item.id}-lead').elements.pop()
        assert lead.props['error'] is True and lead.props['error-message'] == 'Please keep it to one line.'
    edit(ana, f'item-{item.id}-lead', 'Youth council')
    assert lead.props['error'] is False and stored_items()[0].lead == 'Youth council'
    ana.find(marker=f'item-{item.id}-start_date').clear().type('2025-06-10')
    ana.find(marker=f'item-{item.id}-due_date').clear().type('2025-06-01')
    await ana.should_see('The due date comes before the start date.')
    assert (str(stored_items()[0].start_date), stored_items()[0].due_date) == ('2025-06-10', None)


async def test_actions_added_and_removed_reach_the_other_organizer(create_user, event) -> None:
    themes_of = run_the_day(event)
    ana, ben = create_user(), create_user()
    for organizer in (ana, ben):
        await open_plan(organizer, event)
    ana.find(marker=f'suggestion-{themes_of["youth"]}-add').click()
    await settle()
    ben.find(marker=f'priority-{themes_of["youth"]}-new').type('Open the gym on Fridays')
    ben.find(marker=f'priority-{themes_of["youth"]}-add').click()
    await settle()
    youth, gym = stored_items()
    await ana.should_see(marker=f'item-{gym.id}')
    assert value(ana, f'item-{gym.id}-text') == 'Open the gym on Fridays'
    ana.find(marker=f'item-{youth.id}-remove').click()
    ana.find(marker='confirm').click()
    await settle()
    await ben.should_not_see(marker=f'item-{youth.id}')
    ben.find(marker=f'priority-{themes_of["youth"]}-out').click()
    ben.find(marker='confirm').click()
    await settle()
    assert stored_items() == []
    for organizer in (ana, ben):  # back among the suggestions
        await organizer.should_not_see(marker=f'priority-{themes_of["youth"]}')
        await organizer.should_see(marker=f'suggestion-{themes_of["youth"]}')


async def test_the_plan_page_in_spanish_leaves_no_english(create_user, event) -> None:
    themes_of = run_the_day(event)
    user = create_user()
    user.http_client.headers['Accept-Language'] = 'es'
    await open_plan(user, event)
    user.find(marker=f'suggestion-{themes_of["safety"]}-add').click()
    await settle()
    user.find(marker=f'priority-{themes_of["safety"]}-day').click()  # what the day said, unfolded
    left = shown(user) & english_messages()
    assert left == set(), f'English left on the Spanish plan page: {sorted(left)}'
    assert not live.backlog(event.rooms[0].id)
