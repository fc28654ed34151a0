"""The organizer's dashboard in real Chromium on a 1366x768 laptop with twelve busy rooms.

Twelve rooms (three from ``spcp event create``, nine added through the set-up domain) are seeded
straight into the server's SQLite file: people, issues in four scripts, dots, themes, a hidden card,
running timers, a room quiet for a quarter of an hour. Checked: every room's card on screen with no
sideways scroll and nothing spilling out of its card, the timer counting down in the browser, worded
alert badges, axe-core clean, and "Move all rooms" changing every card live. The screenshot is the
README's (``SPCP_UPDATE_SCREENSHOTS=1`` refreshes docs/screenshots/dashboard.png).
"""
from __future__ import annotations

import itertools
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from spcp.db import make_engine
from spcp.domain import access, cards, rooms, setup, themes, voting
from spcp.domain.models import Card, Room, Theme, Vote

from .conftest import ARTIFACTS, CHROMIUM, Server
from .test_accessibility import AXE, serious_violations

expect = pytest.importorskip('playwright.sync_api').expect

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed')]

LAPTOP = {'width': 1366, 'height': 768}
NEW_ROOMS = ['Library', 'Youth centre', 'Council chamber', 'Gym', 'Sala comunitaria', 'कक्ष सात', 'القاعة الثامنة',
             'Annex', 'Chapel hall']
# (phase, people, issues, dots each, themes, hidden cards, timer running)
ROOM_PLANS = [('issues', 9, 8, 0, 0, 1, True), ('vote', 11, 12, 3, 0, 0, True), ('themes', 8, 10, 2, 3, 0, False),
              ('solutions', 12, 14, 3, 3, 1, True), ('welcome', 4, 0, 0, 0, 0, False), ('issues', 7, 5, 0, 0, 0, True),
              ('vote', 10, 9, 3, 0, 2, True), ('themes', 6, 7, 3, 2, 0, False), ('wrapup', 10, 11, 3, 3, 0, False),
              ('issues', 5, 2, 0, 0, 0, False), ('vote', 8, 6, 1, 0, 0, True), ('solutions', 9, 8, 3, 3, 0, True)]
QUIET_ROOM = 9  # its work stopped 14 minutes ago
ISSUES = ['Stops are never explained', 'Complaints get no answer', 'No interpreters at night',
          'पुलिस रोकने का कारण नहीं बताती', 'لا يوجد مترجمون في الليل', 'Nadie responde a las quejas',
          'Slow response on the east side', 'Meetings when we work', 'Youth feel watched', 'Cameras off',
          'Same patrol, never the same face', 'Language line busy', 'Fear of calling', 'Parking tickets']
THEMES = ['Explaining stops', 'Complaints and answers', 'Language access', 'भरोसा और सम्मान', 'التواصل مع الشباب']


@pytest.fixture(scope='module')
def server(make_server) -> Server:
    """A server of its own: twelve rooms seeded into its event."""
    started = make_server(SPCP_JOINS_PER_ADDRESS='0', SPCP_PAGE_LOADS_PER_ADDRESS='')
    seed(started)
    return started


def seed(server: Server) -> None:
    key = parse_qs(urlsplit(server.event['organizer_url']).query)['key'][0]
    engine = make_engine(f'sqlite:///{server.database}')
    try:
        with Session(engine, expire_on_commit=False) as session:
            organizer = access.organizer(session, server.event['event_id'], key)
            for name in NEW_ROOMS:
                setup.add_room(session, organizer, organizer.event_id, setup.RoomDetails(name))
            room_list = session.exec(select(Room).where(Room.event_id == organizer.event_id).order_by(Room.id)).all()
            devices = itertools.count()
            for room, plan in zip(room_list, ROOM_PLANS, strict=True):
                fill_room(session, organizer, room, plan, devices)
            quiet(session, room_list[QUIET_ROOM])
    finally:
        engine.dispose()


def fill_room(session: Session, organizer, room: Room, plan: tuple, devices) -> None:
    phase, people, issue_count, dots, theme_count, hidden, running = plan
    joined = [rooms.join(session, room.join_code, f'seed-{next(devices)}')[0] for _ in range(people)]
    rooms.set_phase(session, organizer, room.id, 'issues')
    written = [cards.submit(session, joined[i % people], room.id, ISSUES[i % len(ISSUES)], f'k{room.id}-{i}')[0].id
               for i in range(issue_count)]
    if dots:
        rooms.set_phase(session, organizer, room.id, 'vote')
        for i, person in enumerate(joined):
            for d in range(dots):
                voting.add_dot(session, person, room.id, written[(i + d * 3) % len(written)], f'd{room.id}-{i}-{d}')
    for t in range(theme_count):
        themes.group(session, organizer, room.id, written[t::theme_count][:4], THEMES[(room.id + t) % len(THEMES)])
    for card_id in written[-hidden:] if hidden else []:
        cards.set_hidden(session, organizer, room.id, card_id, True)
    rooms.set_phase(session, organizer, room.id, phase)
    if running:
        rooms.start_timer(session, organizer, room.id)


def quiet(session: Session, room: Room) -> None:
    """As if the room's last issue, dot and theme were 14 minutes old."""
    back = timedelta(minutes=14)
    room.created_at -= back
    for table in (Card, Vote, Theme):
        for row in session.exec(select(table).where(table.room_id == room.id)).all():
            row.created_at -= back
    session.commit()


@pytest.fixture
def laptop(browser, server):
    context = browser.new_context(viewport=LAPTOP, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(5_000)
    page.goto(server.event['organizer_url'])
    expect(page.locator('.dash-room')).to_have_count(12)
    yield page
    context.close()


SPILLS = """() => {
    const out = [];
    for (const card of document.querySelectorAll('.dash-room')) {
        const box = card.getBoundingClientRect();
        for (const el of card.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
            if (r.left < box.left - 1 || r.right > box.right + 1)
                out.push(`${card.getAttribute('aria-label')}: ${el.tagName} ${(el.textContent || '').slice(0, 30)}`);
        }
    }
    return out;
}"""


def test_twelve_rooms_fit_a_laptop_without_sideways_scroll(laptop, shoot) -> None:
    assert laptop.evaluate('document.documentElement.scrollWidth') <= LAPTOP['width']
    assert laptop.evaluate(SPILLS) == []
    columns = laptop.evaluate("new Set([...document.querySelectorAll('.dash-room')]"
                              ".map(c => Math.round(c.getBoundingClientRect().left))).size")
    assert columns == 4
    quiet_room = laptop.locator('.dash-room').nth(QUIET_ROOM)
    expect(quiet_room.locator('.dash-alert:visible')).to_have_text(['No activity for 14 minutes'])
    expect(laptop.locator('.dash-room').nth(0).locator('.dash-alert:visible')).to_have_text(['1 hidden card'])
    expect(laptop.locator('.dash-room').nth(6).locator('.dash-alert:visible')).to_have_text(['2 hidden cards'])
    expect(laptop.locator('.dash-room').nth(4).locator('.dash-alert:visible')).to_have_count(0)  # Welcome: never idle
    shoot(laptop, 'dashboard.png')


def test_a_running_timer_counts_down_in_the_browser(laptop) -> None:
    timer = laptop.locator('.dash-room').nth(1).locator('.dash-timer')
    first = timer.text_content()
    assert first and first.startswith(('9:', '10:'))
    expect(timer).not_to_have_text(first, timeout=3_000)


@pytest.mark.skipif(not AXE.exists(), reason='axe-core is not installed (bash scripts/test.sh installs it)')
def test_the_dashboard_has_no_serious_axe_violations(laptop) -> None:
    assert serious_violations(laptop) == []


def test_move_all_rooms_changes_every_card_live(laptop) -> None:
    laptop.get_by_role('combobox', name='Phase for every room').click()
    laptop.get_by_role('option', name='Wrap-up').click()
    laptop.get_by_role('button', name='Move', exact=True).click()
    expect(laptop.get_by_text('Move every room to Wrap-up?')).to_be_visible()
    laptop.locator('.q-dialog').get_by_role('button', name='Move all rooms').click()
    expect(laptop.locator('.dash-room .dash-phase').filter(has_text='Wrap-up')).to_have_count(12)
    expect(laptop.locator('.dash-room').nth(QUIET_ROOM).locator('.dash-alert:visible')).to_have_count(0)
    laptop.get_by_text('Activity log').click()  # the move is the log's newest line
    expect(laptop.locator('.dash-log-row').first).to_contain_text('Whole event')
    expect(laptop.locator('.dash-log-row').first).to_contain_text('Changed the phase to Wrap-up')
    if AXE.exists():  # the open log too
        assert serious_violations(laptop) == []


def test_an_arabic_dashboard_mirrors_and_fits(browser, server) -> None:
    context = browser.new_context(viewport=LAPTOP, device_scale_factor=1, locale='ar')
    try:
        page = context.new_page()
        page.goto(server.event['organizer_url'])
        expect(page.locator('.dash-room')).to_have_count(12)
        assert page.evaluate('document.documentElement.dir') == 'rtl'
        assert page.evaluate('document.documentElement.scrollWidth') <= LAPTOP['width']
        assert page.evaluate(SPILLS) == []
        first, second = (page.locator('.dash-room').nth(i).bounding_box() for i in (0, 1))
        assert first['x'] > second['x']  # the first room on the right
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / 'dashboard-ar.png')
    finally:
        context.close()
