"""A phone (390x844) and a projected board (1920x1080) in real headless Chromium, over the real websocket.

Each test uses its own room of the event the ``server`` fixture created, so they do not depend on
each other's order: room 1 runs the whole loop, room 2 the welcome board, its QR code and the
home page, room 3 the timer.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from .conftest import ARTIFACTS, CHROMIUM, add_issue, heading

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed (apt-get install chromium)'),
]

expect = pytest.importorskip('playwright.sync_api').expect

LIVE_S = 2_000  # ms: a change on one screen must reach the others within this
XSS = '<img src=x onerror=alert(1)>'
NO_TOASTS = '.q-notifications { display: none !important; }'  # "Added. Thank you." would cover the top


def board_card(board, text: str):
    return board.locator('.board-card').filter(has_text=text)


def test_phone_follows_the_board_through_issues_and_vote(pages, server, shoot) -> None:
    room = server.rooms[0]
    event_name = server.event['name']
    board = pages.board(room)
    joined = board.get_by_text(re.compile(r'^\d+ joined$'))
    before = int(joined.inner_text().split()[0])  # the room is shared with other tests' phones
    phone = pages.phone(room['join_url'])
    other = pages.phone(room['join_url'])

    expect(phone.get_by_text(f'{event_name} · {room["name"]}')).to_be_visible()
    expect(heading(phone, 'Welcome')).to_be_visible()
    expect(joined).to_have_text(f'{before + 2} joined')
    phone.evaluate('window.__not_reloaded = true')

    # the facilitator moves on: the phone follows without a reload
    board.get_by_role('button', name='Next phase').click()
    expect(heading(phone, 'Name the issues')).to_be_visible(timeout=LIVE_S)
    expect(heading(other, 'Name the issues')).to_be_visible(timeout=LIVE_S)
    assert phone.evaluate('window.__not_reloaded') is True

    # issues reach the board live; markup typed on a phone stays text
    add_issue(phone, 'Stops are never explained to the people stopped')
    add_issue(phone, XSS)
    expect(board_card(board, 'Stops are never explained')).to_be_visible(timeout=LIVE_S)
    expect(board.locator('.board-card').filter(has_text='onerror')).to_have_text(XSS, timeout=LIVE_S)
    for other_issue in ('No interpreters when officers come to the door',
                        'Slow response at night in the east side',
                        'Young people are stopped again and again',
                        'Complaints disappear: nobody hears back'):
        add_issue(other, other_issue)
        expect(board_card(board, other_issue)).to_be_visible(timeout=LIVE_S)
    expect(phone.get_by_text('6 issues in the room so far')).to_be_visible(timeout=LIVE_S)
    expect(phone.locator('.mine > div:first-child')).to_have_text(['Stops are never explained to the people stopped',
                                                                    XSS])
    shoot(phone, 'loop-phone-issues.png', style=NO_TOASTS)  # the README's shots come from test_accessibility
    for page in (board, phone):
        assert page.locator('img[src="x"]').count() == 0
        assert page.evaluate("[...document.images].filter(i => i.getAttribute('src') === 'x').length") == 0
    assert pages.dialogs == []

    # vote: one tap spends a dot; a reload keeps it
    board.get_by_role('button', name='Next phase').click()
    expect(heading(phone, 'Vote')).to_be_visible(timeout=LIVE_S)
    expect(phone.get_by_text('Dots left: 3 of 3')).to_be_visible()
    card = phone.locator('.vote-card').filter(has_text='Stops are never explained')
    card.tap()
    expect(phone.get_by_text('Dots left: 2 of 3')).to_be_visible(timeout=LIVE_S)
    expect(card).to_have_attribute('aria-pressed', 'true')
    phone.reload()
    expect(phone.get_by_text('Dots left: 2 of 3')).to_be_visible()
    expect(card).to_have_attribute('aria-pressed', 'true')
    expect(card).to_have_attribute('data-dots', '●')
    shoot(phone, 'loop-phone-vote.png', style=NO_TOASTS)

    expect(other.get_by_text('Dots left: 3 of 3')).to_be_visible()
    for text in ('Stops are never explained', 'Complaints disappear', 'Young people are stopped'):
        other.locator('.vote-card').filter(has_text=text).tap()
    expect(other.get_by_text('Dots left: 0 of 3')).to_be_visible(timeout=LIVE_S)

    # themes: group two cards on the board, then show the votes
    board.get_by_role('button', name='Next phase').click()
    expect(heading(phone, 'Themes')).to_be_visible(timeout=LIVE_S)
    board_card(board, 'Stops are never explained').click()
    board_card(board, 'Young people are stopped').click()
    expect(board.get_by_text('2 cards selected')).to_be_visible(timeout=LIVE_S)
    board.get_by_label('Theme name').fill('Stops and respect')
    board.get_by_role('button', name='Group', exact=True).click()
    theme = board.locator('.board-theme').filter(has=board.get_by_role('heading', name='Stops and respect'))
    expect(theme.locator('.board-card')).to_have_count(2, timeout=LIVE_S)
    expect(phone.get_by_role('heading', name='Stops and respect')).to_be_visible(timeout=LIVE_S)
    board.get_by_role('switch', name='Show votes').click()
    expect(board_card(board, 'Stops are never explained')).to_have_attribute('data-votes', '2', timeout=LIVE_S)
    expect(board_card(board, 'Complaints disappear')).to_have_attribute('data-votes', '1')
    expect(board_card(board, 'Slow response')).to_have_attribute('data-votes', '0')
    expect(theme.get_by_role('heading')).to_have_text(re.compile(r'Stops and respect\s*3 dots'))
    expect(board.locator('.board-card').filter(has_text='onerror')).to_have_text(XSS)
    assert board.locator('img[src="x"]').count() == 0
    board.screenshot(path=ARTIFACTS / 'loop-board.png')  # the README's board shots: test_board_projector
    board.get_by_role('button', name='Present').click()  # what the room sees: no controls
    expect(board.get_by_role('button', name='Next phase')).to_be_hidden()
    board.screenshot(path=ARTIFACTS / 'loop-board-present.png')  # the README's board shots: test_board_projector
    assert pages.dialogs == []
    assert pages.page_errors == []


def test_welcome_board_qr_code_opens_the_join_url(pages, server, shoot) -> None:
    zbarimg = shutil.which('zbarimg')
    if zbarimg is None:
        pytest.skip('zbarimg is not installed (apt-get install zbar-tools)')
    room = server.rooms[1]
    board = pages.board(room)
    expect(heading(board, room['name'])).to_be_visible()
    expect(board.get_by_text(room['code_display'], exact=True)).to_be_visible()
    qr = board.locator('.board-qr img')
    expect(qr).to_be_visible()
    board.wait_for_function("() => [...document.querySelectorAll('.board-qr img')].every(i => i.complete)")
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / 'board-qr.png'
    qr.screenshot(path=png)
    decoded = subprocess.run([zbarimg, '--raw', '-q', str(png)], capture_output=True, text=True, timeout=30)
    assert decoded.returncode == 0, f'zbarimg found no code in {png}: {decoded.stderr}'
    assert decoded.stdout.strip() == room['join_url'] == f'{server.base_url}/r/{room["code"]}'
    expect(board.get_by_text(room['join_url'].split('://', 1)[1], exact=True)).to_be_visible()
    pages.phone(room['join_url'])
    expect(board.get_by_text('1 joined')).to_be_visible(timeout=LIVE_S)
    board.screenshot(path=ARTIFACTS / 'loop-board-welcome.png')  # the README's board shots: test_board_projector


def test_home_page_joins_by_a_typed_code(pages, server, shoot) -> None:
    room = server.rooms[1]
    typed = f'{room["code"][:3].lower()}-{room["code"][3:]}'  # as read out loud: "abc-123"
    phone = pages.phone(server.base_url + '/')
    expect(phone.get_by_text('Type the room code shown on the screen.')).to_be_visible()
    phone.get_by_label('Room code').fill(typed)
    shoot(phone, 'loop-phone-home.png', style=NO_TOASTS)
    phone.get_by_role('button', name='Join').click()
    phone.wait_for_url(f'{server.base_url}/r/{room["code"]}')
    expect(phone.get_by_text(f'{server.event["name"]} · {room["name"]}')).to_be_visible()
    expect(heading(phone, 'Welcome')).to_be_visible()


def _seconds(text: str) -> int:
    match = re.fullmatch(r'(\d+):(\d\d)', text.strip())
    assert match, f'not a m:ss timer: {text!r}'
    return int(match[1]) * 60 + int(match[2])


def test_timer_started_on_the_board_counts_down_on_the_phone(pages, server) -> None:
    room = server.rooms[2]
    board = pages.board(room)
    phone = pages.phone(room['join_url'])
    expect(heading(phone, 'Welcome')).to_be_visible()
    phone.evaluate('window.__not_reloaded = true')

    board.get_by_label('Minutes').fill('1')
    board.get_by_role('button', name='Set minutes', exact=True).click()
    timer = phone.locator('[data-timer]')
    expect(timer).to_have_text('1:00', timeout=LIVE_S)
    board.get_by_role('button', name='Start timer').click()
    expect(timer).to_have_attribute('data-timer', re.compile(r'^run:'), timeout=LIVE_S)
    first = _seconds(timer.inner_text())
    assert 57 <= first <= 60
    phone.wait_for_timeout(2_200)
    later = _seconds(timer.inner_text())
    assert later < first and later >= first - 4, (first, later)
    expect(board.locator('.board-timer')).to_have_text(re.compile(r'^0:5\d$'))
    assert phone.evaluate('window.__not_reloaded') is True

    board.get_by_role('button', name='Pause timer').click()
    expect(timer).to_have_attribute('data-timer', re.compile(r'^stop:'), timeout=LIVE_S)
    paused = timer.inner_text()
    phone.wait_for_timeout(1_200)
    assert timer.inner_text() == paused
