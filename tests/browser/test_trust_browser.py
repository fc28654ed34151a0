"""Sign-in links, join limits and key rotation in real headless Chromium.

This module runs its own server (``server`` is overridden below): joins per address limited to 5,
so 30 phones from 127.0.0.1 can test the limit, and a key rotated here cannot break the shared
server's boards. Page-load limits are off on it: the 30 phones open their page within seconds.
Room 1 is used for the sign-in links, room 2 for the 30 phones, room 3 for the key rotation.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from .conftest import CHROMIUM, PHONE, PROJECTOR, Server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed (apt-get install chromium)'),
]

expect = pytest.importorskip('playwright.sync_api').expect

JOINS_PER_ADDRESS = 5
PHONES = 30
LIVE_S = 2_000  # ms: a change on one screen must reach the others within this
REFUSED_TEXT = ('This room already has as many phones from your network as it allows. '
                'If you are a new participant, ask the facilitator.')
SIGNED_OUT_TEXT = 'Sign in with your facilitator link. Ask the organizer if you do not have it.'


@pytest.fixture(scope='module')
def server(make_server) -> Server:
    return make_server(SPCP_JOINS_PER_ADDRESS=str(JOINS_PER_ADDRESS), SPCP_PAGE_LOADS_PER_ADDRESS='')


def key_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)['key'][0]


@dataclass
class Traffic:
    """Everything a page sent and received: request URLs and headers, websocket URLs and frames."""
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)
    frames: list[str] = field(default_factory=list)
    received: int = 0

    def attach(self, page) -> None:
        page.on('request', lambda request: self.requests.append((request.url, dict(request.headers))))
        page.on('websocket', self._socket)

    def _socket(self, ws) -> None:
        self.sockets.append(ws.url)
        ws.on('framesent', self._frame)
        ws.on('framereceived', self._received)

    def _frame(self, payload: str | bytes) -> None:
        self.frames.append(payload.decode('utf-8', 'replace') if isinstance(payload, bytes) else payload)

    def _received(self, payload: str | bytes) -> None:
        self.received += 1
        self._frame(payload)


def open_page(browser, pages, url: str, traffic: Traffic | None = None):
    """A fresh projector-sized browser context (a separate person) on ``url``, closed by ``pages``."""
    context = browser.new_context(viewport=PROJECTOR, device_scale_factor=1)
    pages.contexts.append(context)  # screenshot on teardown, then closed
    page = context.new_page()
    page.set_default_timeout(5_000)
    page.on('pageerror', lambda error: pages.page_errors.append(str(error)))
    if traffic is not None:
        traffic.attach(page)
    page.goto(url)
    return page


def phase_label(page):
    return page.locator('.board-phase')


def next_phase(page, expected_title: str) -> None:
    page.get_by_role('button', name='Next phase').click()
    expect(phase_label(page)).to_have_text(expected_title, timeout=LIVE_S)


def history_urls(page) -> list[str]:
    """The tab's back/forward entries as Chromium keeps them (a fresh tab starts at about:blank).
    Each entry also remembers the address that was opened (``userTypedURL``, the sign-in link):
    that is the browser's own record of what it was given, not something the page can change."""
    entries = page.context.new_cdp_session(page).send('Page.getNavigationHistory')['entries']
    return [entry['url'] for entry in entries]


def assert_no_key_left(page, traffic: Traffic, keys: list[str], server: Server, *, sign_in_url: str) -> None:
    """No key in the address, the history, the page, the browser's storage, any later request,
    any websocket frame, or the server's log."""
    forms = [form for key in keys for form in {key, quote(key, safe='')}]

    def clean(text: str) -> bool:
        return not any(form in text for form in forms)

    assert clean(page.url)
    assert clean(page.evaluate('document.referrer'))
    assert all(clean(name) for name in page.evaluate("performance.getEntriesByType('navigation').map(e => e.name)"))
    assert all(clean(url) for url in history_urls(page))
    assert clean(page.content())
    assert clean(page.evaluate('JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie'))
    assert all(clean(cookie['value']) for cookie in page.context.cookies())
    assert [url for url, _headers in traffic.requests].count(sign_in_url) == 1  # only the sign-in itself
    later = [(url, headers) for url, headers in traffic.requests if url != sign_in_url]
    assert later and all(clean(url) and clean(' '.join(headers.values())) for url, headers in later)
    assert traffic.sockets and all(clean(url) for url in traffic.sockets)
    assert traffic.received > 0 and traffic.frames
    assert all(clean(frame) for frame in traffic.frames)
    log = server.log.read_text(errors='replace')
    assert 'SPCP Live is running' in log  # the log is the real one
    assert clean(log)


def test_sign_in_links_leave_no_key_in_the_browser_frames_or_log(browser, pages, server, shoot) -> None:
    room = server.rooms[0]
    keys = [key_of(room['facilitator_url']), key_of(server.event['organizer_url'])]
    board_url = f'{server.base_url}/board/{room["code"]}'

    traffic = Traffic()
    board = open_page(browser, pages, room['facilitator_url'], traffic)
    assert board.url == board_url
    assert history_urls(board) == ['about:blank', board_url]  # the 303 left no entry of its own
    assert board.evaluate("performance.getEntriesByType('navigation')[0].redirectCount") == 1
    assert board.evaluate('document.referrer') == ''
    expect(phase_label(board)).to_have_text('Welcome')
    expect(board.get_by_text('0 connected now', exact=True)).to_be_visible()
    shoot(board, 'trust-board.png')
    before = len(traffic.frames)
    next_phase(board, 'Name the issues')
    assert any('Name the issues' in frame for frame in traffic.frames[before:])  # the action's frames were seen
    assert_no_key_left(board, traffic, keys, server, sign_in_url=room['facilitator_url'])

    traffic = Traffic()
    organizer = open_page(browser, pages, server.event['organizer_url'], traffic)
    organize_url = f'{server.base_url}/organize/{server.event["event_id"]}'
    assert organizer.url == organize_url
    assert history_urls(organizer) == ['about:blank', organize_url]
    expect(organizer.get_by_role('heading', name=room['name'], exact=True)).to_be_visible()  # its dashboard card
    assert_no_key_left(organizer, traffic, keys, server, sign_in_url=server.event['organizer_url'])

    # the dashboard opens a board in a tab of its own (the dashboard stays open); watched from its first request
    organizer.context.on('page', traffic.attach)
    with organizer.context.expect_page() as opened:
        organizer.get_by_role('link', name='Open board').first.click()
    tab = opened.value
    tab.wait_for_url(board_url)
    expect(phase_label(tab)).to_have_text('Name the issues')
    assert history_urls(tab) == [board_url]
    assert tab.evaluate('document.referrer') == ''  # Referrer-Policy: no-referrer, even the clean one
    before = len(traffic.frames)
    next_phase(tab, 'Vote')
    assert any('"Vote"' in frame for frame in traffic.frames[before:])
    assert_no_key_left(tab, traffic, keys, server, sign_in_url=server.event['organizer_url'])
    assert organizer.url == organize_url  # the dashboard is still there
    assert pages.page_errors == []


def count_participants(server: Server, code: str) -> int:
    """Read the server's SQLite file read-only while it runs."""
    with sqlite3.connect(f'file:{server.database}?mode=ro', uri=True) as connection:
        return connection.execute('SELECT COUNT(*) FROM participant JOIN room ON room.id = participant.room_id '
                                  'WHERE room.join_code = ?', (code,)).fetchone()[0]


def new_phone(browser, url: str):
    """A fresh phone that starts loading ``url`` (returns once the server answered, so that several
    load side by side)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    phone.goto(url, wait_until='commit')
    return phone


def joined_or_refused(phone, outcome: re.Pattern) -> str:
    """The phone's heading once it has joined or been refused: the room shows before its socket connects,
    with 'Connecting…' until then."""
    heading = phone.get_by_role('heading', name=outcome)
    heading.wait_for()
    expect(phone.get_by_text('Connecting…', exact=True)).to_have_count(0)
    return heading.inner_text()


def test_thirty_phones_from_one_address_let_exactly_the_limit_in(browser, pages, server, shoot) -> None:
    room = server.rooms[1]
    board = open_page(browser, pages, room['facilitator_url'])
    expect(phase_label(board)).to_have_text('Welcome')
    outcome = re.compile(r'^(Welcome|Cannot join this room)$')
    seen: list[str] = []
    welcomed, kept = [], None  # the phones let in stay connected; one refused phone is kept for its screenshot
    for _ in range(PHONES // JOINS_PER_ADDRESS):  # batch after batch: the first batch is the one let in
        batch = [new_phone(browser, room['join_url']) for _ in range(JOINS_PER_ADDRESS)]
        seen += [joined_or_refused(phone, outcome) for phone in batch]
        if not welcomed:
            welcomed = batch
            continue
        if kept is not None:
            kept.context.close()
        kept = batch.pop()
        for phone in batch:  # a 2-core laptop: at most 11 phones open at once
            phone.context.close()
    assert seen == ['Welcome'] * JOINS_PER_ADDRESS + ['Cannot join this room'] * (PHONES - JOINS_PER_ADDRESS)
    pages.contexts += [phone.context for phone in [*welcomed, kept]]
    expect(kept.get_by_text(REFUSED_TEXT, exact=True)).to_be_visible()
    shoot(kept, 'trust-phone-refused.png')

    assert count_participants(server, room['code']) == JOINS_PER_ADDRESS
    expect(board.get_by_text(f'{JOINS_PER_ADDRESS} joined', exact=True)).to_be_visible()
    expect(board.get_by_text(f'{JOINS_PER_ADDRESS} connected now · {PHONES - JOINS_PER_ADDRESS} joins refused '
                             '(too many from one network address)', exact=True)).to_be_visible(timeout=LIVE_S)
    shoot(board, 'trust-board-refused.png')


def test_a_changed_key_signs_out_the_other_board_at_once(browser, pages, server) -> None:
    room = server.rooms[2]
    first = open_page(browser, pages, room['facilitator_url'])
    second = open_page(browser, pages, room['facilitator_url'])
    for board in (first, second):
        expect(phase_label(board)).to_have_text('Welcome')
    second.evaluate('window.__not_reloaded = true')

    first.get_by_text('Room settings').click()  # the key is among the room's settings
    first.get_by_role('button', name='Change the board key').click()
    first.get_by_role('button', name='Change the key').click()
    expect(second.get_by_text(SIGNED_OUT_TEXT, exact=True)).to_be_visible(timeout=LIVE_S)
    expect(second.get_by_role('heading', name='Cannot open this board')).to_be_visible()
    assert second.get_by_role('button', name='Next phase').count() == 0
    assert second.evaluate('window.__not_reloaded') is True
    expect(first.get_by_text('The key was changed. Other boards with the old link are signed out.')).to_be_visible()
    next_phase(first, 'Name the issues')

    stale = open_page(browser, pages, room['facilitator_url'])  # the old link no longer signs in
    assert stale.url == f'{server.base_url}/board/{room["code"]}'
    expect(stale.get_by_role('heading', name='Cannot open this board')).to_be_visible()
    assert pages.page_errors == []
