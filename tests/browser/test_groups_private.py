"""How each group voted never gives a small group away, in what reaches the browser as well as on screen.

A plenary where 5 community members, 6 officers and 5 faith leaders voted, and 2 young people and 3
others: the small groups (and only together, 5, could they be shown) must appear nowhere — not drawn, not
in any websocket frame, not in the page's HTML. Before voting has closed, no figure at all goes out. The
chart arrives live (the board moves to Wrap-up while open; the dashboard's section is opened), so the
frames carry it: every frame the page receives is kept and searched.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from spcp.db import make_engine
from spcp.domain import access, cards, plenary, rooms, themes, voting
from spcp.domain.models import Card

from .conftest import CHROMIUM, PROJECTOR, Server

expect = pytest.importorskip('playwright.sync_api').expect

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed')]

PEOPLE = ['community'] * 5 + ['law_enforcement'] * 6 + ['faith'] * 5 + ['youth'] * 2 + ['other'] * 3
SMALL = ('Youth', 'Other')


@pytest.fixture(scope='module')
def hall(make_server) -> tuple[Server, str]:
    """A server whose plenary has been voted on by the people above; returns it and the plenary's code."""
    server = make_server(SPCP_JOINS_PER_ADDRESS='0', SPCP_PAGE_LOADS_PER_ADDRESS='')
    key = parse_qs(urlsplit(server.event['organizer_url']).query)['key'][0]
    engine = make_engine(f'sqlite:///{server.database}')
    try:
        with Session(engine, expire_on_commit=False) as session:
            code = seed(session, server, key)
    finally:
        engine.dispose()
    return server, code


def seed(session: Session, server: Server, key: str) -> str:
    event_id = server.event['event_id']
    org = access.organizer(session, event_id, key)
    for n, room in enumerate(server.rooms[:2]):
        fac = access.facilitator(session, room['code'], parse_qs(urlsplit(room['facilitator_url']).query)['key'][0])
        writer, _ = rooms.join(session, room['code'], f'writer-{n}')
        rooms.set_phase(session, fac, fac.room_id, 'issues')
        card, _ = cards.submit(session, writer, fac.room_id, f'Theme card {n}', f'card-{n}')
        rooms.set_phase(session, fac, fac.room_id, 'vote')
        voting.add_dot(session, writer, fac.room_id, card.id, f'dot-{n}')
        rooms.set_phase(session, fac, fac.room_id, 'themes')
        themes.group(session, fac, fac.room_id, [card.id], ('Lights', 'Language')[n])
    hall_room, _ = plenary.create(session, org, event_id)
    plenary.open_plenary(session, org, event_id)
    ids = {c.text: c.id for c in session.exec(select(Card).where(Card.room_id == hall_room.id)).all()}
    for n, group in enumerate(PEOPLE):
        voter, _ = rooms.join(session, hall_room.join_code, f'voter-{n}')
        rooms.choose_group(session, voter, hall_room.id, group)
    rooms.set_phase(session, org, hall_room.id, 'vote')
    for n, group in enumerate(PEOPLE):
        voter, _ = rooms.join(session, hall_room.join_code, f'voter-{n}')
        voting.add_dot(session, voter, hall_room.id, ids['Language' if group == 'law_enforcement' else 'Lights'],
                       f'plenary-dot-{n}')
    return hall_room.join_code


def watch(page) -> list[str]:
    """Every websocket frame the page receives from now on."""
    frames: list[str] = []
    page.on('websocket', lambda ws: ws.on('framereceived', lambda payload: frames.append(str(payload))))
    return frames


def test_small_groups_never_reach_the_browser(browser, hall) -> None:
    server, code = hall
    context = browser.new_context(viewport=PROJECTOR)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        frames = watch(page)
        page.goto(server.event['organizer_url'])  # signs this browser in as the organizer
        page.goto(f'{server.base_url}/board/{code}')
        expect(page.locator('.board-phase')).to_have_text('Vote')
        page.get_by_role('button', name='Next phase').click()  # to Wrap-up: the chart comes over the socket
        chart = page.locator('.groups-chart')
        expect(chart).to_contain_text('Community member')
        expect(chart).to_contain_text('Faith leader')
        expect(chart).to_contain_text('Groups with fewer than 5 voters are not shown')
        sent = '\n'.join(frames)
        assert 'Community member' in sent  # the chart did come over the websocket ...
        for small in SMALL:  # ... and nothing of the small groups did, nor is on the page
            assert small not in sent and small not in page.content()
            expect(chart).not_to_contain_text(small)

        frames.clear()
        page.goto(f'{server.base_url}/organize/{server.event["event_id"]}')
        page.get_by_text('How each group voted').click()  # read when opened: over the socket
        expect(page.locator('.dash-groups-area')).to_contain_text('Faith leader')
        sent = '\n'.join(frames)
        assert 'Faith leader' in sent
        for small in SMALL:
            assert small not in sent
            expect(page.locator('.dash-groups-area')).not_to_contain_text(small)
    finally:
        context.close()


def test_before_voting_closes_no_figure_goes_out(browser, hall) -> None:
    """The rooms are past Vote, but a room still voting must send no figure: the notice only."""
    server, _ = hall
    room = server.rooms[2]  # untouched: still at Welcome
    context = browser.new_context(viewport=PROJECTOR)
    try:
        page = context.new_page()
        frames = watch(page)
        page.goto(server.event['organizer_url'])
        page.get_by_text('How each group voted').click()
        area = page.locator('.dash-groups-area')
        expect(area).to_contain_text(room['name'])
        expect(area).to_contain_text('The breakdown by group is shown once voting has closed in this room.')
        assert '% of their dots' not in area.inner_text().split(room['name'])[-1].split('Plenary')[0]
        assert any('shown once voting has closed' in f for f in frames)
    finally:
        context.close()
