"""The action plan and the council in real Chromium: two organizers on 1366x768 laptops editing one action
at once (each sees the other's field change, keeps their own), and a phone at Wrap-up volunteering for the
council at 390x844. Screenshots are the README's (``SPCP_UPDATE_SCREENSHOTS=1`` refreshes
docs/screenshots/action-plan.png and phone-council.png)."""
from __future__ import annotations

import itertools

import pytest
from sqlmodel import Session, select

from spcp import db
from spcp.domain import access, cards, rooms, solutions, themes, voting
from spcp.domain.models import ActionItem, CouncilVolunteer, Room

from .conftest import ARTIFACTS, CHROMIUM, PHONE, Server

expect = pytest.importorskip('playwright.sync_api').expect

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed')]

LAPTOP = {'width': 1366, 'height': 768}
ISSUES = {  # theme -> its issues
    'Trust after traffic stops': ['Officers rarely explain why a car was stopped',
                                  'No way to give feedback after a stop'],
    'Young people and police': ['Teenagers are stopped while walking home', 'Youth center closes too early'],
    'Language access': ['No interpreter at the front desk', 'Forms only in English'],
}
SOLUTIONS = {'Trust after traffic stops': [('Officers hand out a card explaining the stop and how to give feedback', 9),
                                           ('Quarterly listening sessions at the library', 5)],
             'Young people and police': [('Monthly basketball night with officers', 7)],
             'Language access': [('Phone interpreter line at the front desk', 6)]}
VOTERS = [('community', 7), ('law_enforcement', 5), ('youth', 2), (None, 3)]


@pytest.fixture(scope='module')
def server(make_server) -> Server:
    """A server of its own: the day is seeded into its first room."""
    return make_server(SPCP_JOINS_PER_ADDRESS='0', SPCP_PAGE_LOADS_PER_ADDRESS='')


@pytest.fixture(scope='module')
def day(server: Server) -> dict[str, int]:
    """Room 1 has run its day (straight into the server's database, as `spcp import` would): 17 people in
    four groups voted, three themes, solutions with endorsements; it is at Wrap-up. Theme name -> id."""
    engine = db.make_engine(f'sqlite:///{server.database}')
    try:
        with Session(engine, expire_on_commit=False) as session:
            return _run_the_day(session, session.exec(select(Room).order_by(Room.id)).first())
    finally:
        engine.dispose()


def _run_the_day(session: Session, room: Room) -> dict[str, int]:
    fac = access.facilitator(session, room.join_code, room.facilitator_key)
    keys = (f'seed-{i}' for i in itertools.count())
    people = []
    for group, n in VOTERS:
        for _ in range(n):
            person, _ = rooms.join(session, room.join_code, next(keys))
            rooms.choose_group(session, person, room.id, group)
            people.append(person)
    rooms.set_phase(session, fac, room.id, 'issues')
    made = {text: cards.submit(session, people[i % len(people)], room.id, text, next(keys))[0].id
            for i, text in enumerate(t for texts in ISSUES.values() for t in texts)}
    rooms.set_phase(session, fac, room.id, 'vote')
    texts = list(made)
    for i, person in enumerate(people):
        for text in dict.fromkeys((texts[i % 3], texts[(i + 1) % 6], texts[(i * 2) % 5])):  # 2-3 cards each
            voting.add_dot(session, person, room.id, made[text], next(keys))
    rooms.set_phase(session, fac, room.id, 'themes')
    theme_ids = {name: themes.group(session, fac, room.id, [made[t] for t in issues], name)[0]
                 for name, issues in ISSUES.items()}
    rooms.set_phase(session, fac, room.id, 'solutions')
    for name, proposals in SOLUTIONS.items():
        for text, endorsers in proposals:
            solution_id, _ = solutions.propose(session, people[0], room.id, theme_ids[name], text, next(keys))
            for person in people[1:endorsers + 1]:
                solutions.endorse(session, person, room.id, solution_id)
    rooms.set_phase(session, fac, room.id, 'wrapup')
    return theme_ids


def _laptop(browser, server: Server):
    context = browser.new_context(viewport=LAPTOP, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(server.event['organizer_url'])  # signs in, then the dashboard
    page.goto(f'{server.base_url}/organize/{server.event["event_id"]}/plan')
    return context, page


def _items(server: Server) -> list[ActionItem]:
    engine = db.make_engine(f'sqlite:///{server.database}')
    try:
        with Session(engine) as session:
            return list(session.exec(select(ActionItem).order_by(ActionItem.id)).all())
    finally:
        engine.dispose()


def test_two_organizers_plan_at_once(browser, server, day, shoot) -> None:
    (ana_context, ana), (ben_context, ben) = _laptop(browser, server), _laptop(browser, server)
    try:
        trust = day['Trust after traffic stops']
        ana.locator('.plan-suggestion:has-text("Trust after traffic stops")').get_by_role(
            'button', name='Add to the plan').click()
        first = ana.locator('.plan-item').first
        expect(first.get_by_label('Action', exact=True)).to_have_value(SOLUTIONS['Trust after traffic stops'][0][0])
        expect(ben.locator('.plan-item')).to_have_count(2)  # reached the other organizer without a reload
        ben_first = ben.locator('.plan-item').first
        # both type into the same action at once, different fields
        first.get_by_label('Lead (person or body)', exact=True).fill('Lt. Dana Brooks, Patrol Division')
        ben_first.get_by_label('Partners', exact=True).fill('Eastside Tenants Association; Public Library')
        first.get_by_label('Lead (person or body)', exact=True).press('Enter')
        ben_first.get_by_label('Partners', exact=True).press('Enter')
        expect(ben_first.get_by_label('Lead (person or body)', exact=True)).to_have_value(
            'Lt. Dana Brooks, Patrol Division')
        expect(first.get_by_label('Partners', exact=True)).to_have_value('Eastside Tenants Association; Public Library')
        first.get_by_label('Responsible', exact=True).click()
        ana.get_by_role('option', name='Police and community').click()
        first.get_by_label('Status', exact=True).click()
        ana.get_by_role('option', name='On track').click()
        first.get_by_label('Start date', exact=True).fill('2025-06-02')
        first.get_by_label('Due date', exact=True).fill('2025-09-30')
        first.get_by_label('First steps', exact=True).fill('Draft the card with the tenants association')
        first.get_by_label('First steps', exact=True).blur()
        first.get_by_label('Measure of success', exact=True).fill('Every stop ends with a card; feedback read monthly')
        first.get_by_label('Measure of success', exact=True).blur()
        first.get_by_label('Resources needed', exact=True).fill('Printing: 5,000 cards')
        first.get_by_label('Resources needed', exact=True).blur()
        expect(ben_first.get_by_label('Due date', exact=True)).to_have_value('2025-09-30')
        expect(ben_first.get_by_label('Status', exact=True)).to_have_value('On track')
        assert ana.evaluate('document.scrollingElement.scrollWidth <= window.innerWidth'), 'sideways scroll'
        stored = _items(server)[0]
        assert (stored.theme_id, stored.lead, stored.partners, stored.responsible, stored.status,
                str(stored.due_date)) == (trust, 'Lt. Dana Brooks, Patrol Division',
                                          'Eastside Tenants Association; Public Library', 'both', 'on_track',
                                          '2025-09-30')
        ana.evaluate('window.scrollTo(0, 0)')
        shoot(ana, 'action-plan.png')
        ben.get_by_role('button', name='Expand "From the day"').first.click()  # what the day said, unfolded
        expect(ben.locator('.groups-chart').first).to_be_visible()
        ben.wait_for_timeout(600)  # the unfolding's animation
        ben.screenshot(path=ARTIFACTS / 'action-plan-day.png', full_page=True)  # looked at, not in the README
    finally:
        ana_context.close()
        ben_context.close()


def test_a_phone_volunteers_for_the_council(browser, server, day, shoot) -> None:
    room = server.rooms[0]
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    try:
        phone = context.new_page()
        phone.set_default_timeout(10_000)
        phone.goto(room['join_url'])
        phone.get_by_role('button', name='Volunteer for the council').click()
        phone.get_by_label('Your name', exact=True).fill('Ana Ruiz')
        phone.get_by_label('Phone or email', exact=True).fill('ana.ruiz@example.org')
        phone.get_by_label('Group or organization (optional)', exact=True).fill('Eastside Tenants Association')
        phone.get_by_label('Why you would like to take part (optional)', exact=True).fill(
            'I want the stop cards to happen.')
        send = phone.get_by_role('button', name='Send')
        expect(send).to_be_disabled()
        phone.get_by_role('checkbox', name='I agree that the organizers of this event see what I wrote here.').click()
        expect(send).to_be_enabled()
        phone.get_by_text('This is not anonymous').scroll_into_view_if_needed()
        assert phone.evaluate('document.scrollingElement.scrollWidth <= window.innerWidth'), 'sideways scroll'
        shoot(phone, 'phone-council.png')
        send.click()
        expect(phone.get_by_text('Thank you. The organizers of this event will contact you about the council.')) \
            .to_be_visible()
    finally:
        context.close()
    engine = db.make_engine(f'sqlite:///{server.database}')
    try:
        with Session(engine) as session:
            [entry] = session.exec(select(CouncilVolunteer)).all()
            assert (entry.name, entry.contact) == ('Ana Ruiz', 'ana.ruiz@example.org')
    finally:
        engine.dispose()
