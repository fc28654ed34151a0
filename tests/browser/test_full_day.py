"""A full day in real Chromium: two rooms, three phones each, then the whole hall in the plenary.

Each room's board (1920x1080) runs Welcome -> Name the issues (the phones type issues and tap *Add
issue*) -> Vote (the phones tap cards) -> Themes (the facilitator clicks cards, names a theme, *Group*).
The organizer's dashboard (1366x768) makes the plenary and moves everyone: every phone page becomes
the plenary's in place (a marker set on the page before survives, and no navigation happened). The
organizer's browser opens the plenary board, merges the same theme from both rooms (and undoes it
once), moves to Vote; the phones vote, the board shows the votes, goes to Wrap-up, and its ranked
result is the count of the taps made. axe-core checks the plenary board and a plenary phone.
``SPCP_UPDATE_SCREENSHOTS=1`` refreshes docs/screenshots/plenary-*.png and phone-plenary.png.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from spcp.db import make_engine
from spcp.domain import access, setup
from spcp.domain.models import Room

from .conftest import CHROMIUM, PROJECTOR, Pages, Server, heading
from .test_accessibility import AXE, NO_TOASTS, Audit

expect = pytest.importorskip('playwright.sync_api').expect

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed')]

LIVE_S = 3_000  # ms: a change on one screen must reach the others within this
LAPTOP = {'width': 1366, 'height': 768}


@dataclass(frozen=True)
class RoomPlan:
    issues: tuple[tuple[int, str], ...]         # (phone, text) in the order typed
    dots: tuple[tuple[int, str], ...]           # (phone, start of a card's text) in the order tapped
    themes: tuple[tuple[str, tuple[str, ...]], ...]  # theme name, the starts of its cards' texts


ROOM_PLANS = (
    RoomPlan(issues=((0, 'Stops are never explained to the people stopped'), (1, 'Nobody answers our complaints'),
                     (2, 'Young people are stopped again and again'), (2, 'Complaints vanish without a reply')),
             dots=((0, 'Nobody answers'), (0, 'Stops are never'), (1, 'Complaints vanish'), (2, 'Nobody answers')),
             themes=(('Complaints go unanswered', ('Nobody answers', 'Complaints vanish')),
                     ('Stops and respect', ('Stops are never', 'Young people')))),
    RoomPlan(issues=((0, 'No interpreter when officers come to the door'), (1, 'My complaint got no answer'),
                     (1, 'The station has nobody who speaks Spanish'), (2, 'Nobody calls back after a report')),
             dots=((0, 'No interpreter'), (1, 'The station has'), (2, 'My complaint'), (2, 'No interpreter')),
             themes=(('Language access', ('No interpreter', 'The station has')),
                     ('No answer to complaints', ('My complaint', 'Nobody calls back')))),
)
KEPT, MERGED = 'Complaints go unanswered', 'No answer to complaints'  # the same theme from both rooms
# the plenary vote: each of the six phones taps these cards (one dot a card, three at most)
PLENARY_DOTS = ((KEPT, 'Stops and respect'), (KEPT, 'Language access'), (KEPT, 'Stops and respect'),
                (KEPT,), (KEPT, 'Language access'), ('Language access',))


@pytest.fixture(scope='module')
def server(make_server) -> Server:
    """A server of its own (the plenary moves every phone of the event): two rooms, the third removed."""
    started = make_server(SPCP_JOINS_PER_ADDRESS='0', SPCP_PAGE_LOADS_PER_ADDRESS='')
    key = parse_qs(urlsplit(started.event['organizer_url']).query)['key'][0]
    engine = make_engine(f'sqlite:///{started.database}')
    try:
        with Session(engine) as session:
            organizer = access.organizer(session, started.event['event_id'], key)
            third = session.exec(select(Room).where(Room.join_code == started.rooms[2]['code'])).one()
            setup.remove_room(session, organizer, third.id)
    finally:
        engine.dispose()
    return started


def board_card(board, text: str):
    return board.locator('.board-card').filter(has_text=text)


def dots_left(phone, n: int) -> None:
    expect(phone.get_by_text(f'Dots left: {n} of 3')).to_be_visible(timeout=LIVE_S)


def write_issue(phone, text: str) -> None:
    """As a person does: tap the box, type, tap *Add issue*; the box empties once the server has it."""
    box = phone.locator('textarea')
    box.tap()
    box.press_sequentially(text)
    phone.get_by_role('button', name='Add issue').tap()
    expect(box).to_have_value('', timeout=LIVE_S)


def tap_dots(phone, cards: tuple[str, ...]) -> None:
    for spent, text in enumerate(cards, start=1):
        phone.locator('.vote-card').filter(has_text=text).tap()
        dots_left(phone, 3 - spent)


def next_phase(board, phones: list, title: str) -> None:
    board.get_by_role('button', name='Next phase').click()
    for phone in phones:
        expect(heading(phone, title)).to_be_visible(timeout=LIVE_S)


def select_cards(board, texts: tuple[str, ...]) -> None:
    for text in texts:
        board_card(board, text).click()
    expect(board.get_by_text(f'{len(texts)} cards selected')).to_be_visible(timeout=LIVE_S)


def run_room(board, phones: list, plan: RoomPlan) -> None:
    """One breakout room from Welcome to Themes, driven as its people and facilitator do."""
    next_phase(board, phones, 'Name the issues')
    for i, text in plan.issues:
        write_issue(phones[i], text)
    for _, text in plan.issues:
        expect(board_card(board, text)).to_be_visible(timeout=LIVE_S)
    next_phase(board, phones, 'Vote')
    for i, phone in enumerate(phones):
        tap_dots(phone, tuple(text for who, text in plan.dots if who == i))
    next_phase(board, phones, 'Themes')
    for name, cards in plan.themes:
        select_cards(board, cards)
        board.get_by_label('Theme name').fill(name)
        board.get_by_role('button', name='Group', exact=True).click()
        theme = board.locator('.board-theme').filter(has=board.get_by_role('heading', name=name))
        expect(theme.locator('.board-card')).to_have_count(len(cards), timeout=LIVE_S)
        expect(phones[0].get_by_role('heading', name=name)).to_be_visible(timeout=LIVE_S)


def make_and_open_plenary(dashboard, shoot) -> str:
    """On the dashboard: make the plenary, move everyone (confirmed); the plenary board's address."""
    panel = dashboard.locator('.dash-plenary')
    expect(panel).to_contain_text('Not made yet')
    panel.get_by_role('button', name='Make the plenary').click()
    expect(panel).to_contain_text('4 themes', timeout=LIVE_S)
    expect(panel).to_contain_text('Not open to phones yet')
    panel.scroll_into_view_if_needed()
    shoot(dashboard, 'plenary-dashboard.png', style=NO_TOASTS)
    panel.get_by_role('button', name='Move everyone to the plenary').click()
    dashboard.locator('.q-dialog').get_by_role('button', name='Move everyone', exact=True).click()
    expect(panel).to_contain_text('Everyone is there', timeout=LIVE_S)
    board_path = panel.get_by_role('link', name='Open the plenary board').get_attribute('href')
    assert re.fullmatch(r'/board/[A-Z0-9]+', board_path or ''), board_path
    return board_path


ORIGINS_CUT = """() => [...document.querySelectorAll('.board-card-origin')].filter(origin => {
    const card = origin.closest('.board-card').getBoundingClientRect(), box = origin.getBoundingClientRect();
    return box.bottom > card.bottom + 0.5 || box.top < card.top - 0.5;
}).map(origin => origin.closest('.board-card').textContent)"""


def origin_cut_off(board) -> list[str]:
    """The cards whose "From: ..." line lies outside the card (cut by its line clamp)."""
    return board.evaluate(ORIGINS_CUT)


def merge_tool(board):
    """The grouping tools' Merge (a suggested duplicate pair has a Merge of its own)."""
    tools = board.locator('.tool-box', has=board.get_by_role('button', name='Show to the room'))
    return tools.get_by_role('button', name='Merge', exact=True)


def merge_and_undo(board, phones: list, names: list[str]) -> None:
    """The same theme from both rooms becomes one card (its rooms both named), is taken apart, merged again."""
    origin = f'From: {names[0]} · {names[1]}'
    select_cards(board, (KEPT, MERGED))
    merge_tool(board).click()
    expect(board.locator('.board-card')).to_have_count(3, timeout=LIVE_S)
    expect(board_card(board, KEPT).locator('.board-card-origin')).to_have_text(origin)
    assert origin_cut_off(board) == []
    expect(phones[0].locator('.vote-card')).to_have_count(3, timeout=LIVE_S)
    board_card(board, KEPT).click()
    board.get_by_role('button', name='Unmerge', exact=True).click()
    board.locator('.q-dialog').get_by_role('button', name='Unmerge').click()
    expect(board.locator('.board-card')).to_have_count(4, timeout=LIVE_S)
    expect(board_card(board, MERGED).locator('.board-card-origin')).to_have_text(f'From: {names[1]}')
    expect(board_card(board, KEPT).locator('.board-card-origin')).to_have_text(f'From: {names[0]}')
    expect(phones[0].locator('.vote-card')).to_have_count(4, timeout=LIVE_S)
    select_cards(board, (KEPT, MERGED))
    merge_tool(board).click()
    expect(board.locator('.board-card')).to_have_count(3, timeout=LIVE_S)


def expected_result() -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for cards in PLENARY_DOTS:
        for text in cards:
            counts[text] = counts.get(text, 0) + 1
    return sorted(counts.items(), key=lambda item: -item[1])


def test_a_full_day_two_rooms_then_the_plenary(browser, server, pages: Pages, shoot) -> None:
    rooms = server.rooms[:2]
    names = [room['name'] for room in rooms]
    dashboard_context = browser.new_context(viewport=LAPTOP, device_scale_factor=1)
    pages.contexts.append(dashboard_context)  # closed (and photographed on failure) with the others
    dashboard = dashboard_context.new_page()
    dashboard.set_default_timeout(5_000)
    dashboard.goto(server.event['organizer_url'])
    expect(dashboard.locator('.dash-room')).to_have_count(2)

    boards = [pages.board(room) for room in rooms]
    phones = [[pages.phone(room['join_url']) for _ in range(3)] for room in rooms]
    everyone = [phone for room_phones in phones for phone in room_phones]
    for phone in everyone:
        expect(heading(phone, 'Welcome')).to_be_visible()
    for board, room_phones, plan in zip(boards, phones, ROOM_PLANS, strict=True):
        run_room(board, room_phones, plan)
    for plan in ROOM_PLANS:  # the dashboard followed the rooms live
        for name, _ in plan.themes:
            expect(dashboard.locator('.dash-theme-name').filter(has_text=name)).to_be_visible(timeout=LIVE_S)

    board_path = move_the_hall(dashboard, everyone, f'{server.event["name"]} · Plenary', shoot)
    plenary = dashboard_context.new_page()  # the plenary board, in the organizer's browser
    plenary.set_viewport_size(PROJECTOR)
    plenary.set_default_timeout(5_000)
    plenary.goto(server.base_url + board_path)
    expect(plenary.get_by_text('6 joined')).to_be_visible()
    next_phase(plenary, everyone, 'Vote')
    merge_and_undo(plenary, everyone, names)
    audit = Audit() if AXE.exists() else None
    hall_votes(plenary, everyone, shoot, audit)
    wrap_up(plenary, everyone, names, shoot, audit)
    if audit:
        audit.assert_clean()
    else:
        warnings.warn('axe-core is not installed (bash scripts/test.sh installs it): no accessibility check',
                      stacklevel=1)
    assert pages.page_errors == []


def move_the_hall(dashboard, everyone: list, hall_title: str, shoot) -> str:
    """The dashboard makes the plenary and moves everyone: each phone page becomes the plenary's in place
    (a marker set on the page survives; no navigation). Returns the plenary board's address."""
    navigations: dict[int, list[str]] = {id(phone): [] for phone in everyone}
    for phone in everyone:
        phone.evaluate('window.__same_page = true')
        phone.on('framenavigated', lambda frame, p=phone: navigations[id(p)].append(frame.url)
                 if frame == p.main_frame else None)
    board_path = make_and_open_plenary(dashboard, shoot)
    for phone in everyone:
        expect(phone.get_by_text(hall_title)).to_be_visible(timeout=LIVE_S)
        expect(heading(phone, 'Welcome')).to_be_visible()
        assert phone.evaluate('window.__same_page') is True
    assert all(not urls for urls in navigations.values()), navigations
    return board_path


def hall_votes(plenary, everyone: list, shoot, audit: Audit | None) -> None:
    """Every phone taps its cards; the board shows the totals, sorted, each card's rooms still in sight."""
    for phone, cards in zip(everyone, PLENARY_DOTS, strict=True):
        tap_dots(phone, cards)
    plenary.get_by_role('switch', name='Show votes').click()
    for text, votes in expected_result():
        expect(board_card(plenary, text)).to_have_attribute('data-votes', str(votes), timeout=LIVE_S)
    expect(plenary.locator('.board-card')).to_contain_text([text for text, _ in expected_result()])  # sorted
    assert origin_cut_off(plenary) == []  # the totals' space makes the merged card's text wrap further
    shoot(plenary, 'plenary-vote.png')
    shoot(everyone[0], 'phone-plenary.png', style=NO_TOASTS)
    if audit:
        audit.check(plenary, 'plenary board, Vote')
        audit.check(everyone[0], 'plenary phone, Vote')


def wrap_up(plenary, everyone: list, names: list[str], shoot, audit: Audit | None) -> None:
    """Wrap-up: the ranked result on the projector is the count of the taps made, and on the phones too."""
    plenary.get_by_role('button', name='Next phase').click()
    ranks = plenary.locator('.plenary-rank')
    expect(ranks).to_have_count(3, timeout=LIVE_S)
    shown = [(rank.locator('.plenary-rank-text').inner_text(), rank.locator('.plenary-rank-dots').inner_text())
             for rank in ranks.all()]
    assert shown == [(text, f'{votes} dots') for text, votes in expected_result()]
    expect(ranks.first.locator('.plenary-rank-from')).to_have_text(f'From: {names[0]} · {names[1]}')
    for phone in everyone:
        expect(phone.locator('.plenary-rank-text')).to_have_text([text for text, _ in expected_result()],
                                                                 timeout=LIVE_S)
    shoot(plenary, 'plenary-result.png')
    if audit:
        audit.check(plenary, 'plenary board, Wrap-up')
        audit.check(everyone[5], 'plenary phone, Wrap-up')
