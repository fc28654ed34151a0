"""The facilitator's remote on a 390x844 phone drives the projected board (1920x1080) in real Chromium.

The remote signs in with the room's remote link (the facilitator link with ``/remote/`` for ``/board/``)
and walks one room of a server of our own from Welcome to Solutions: Next phase on the remote moves the
board live; paper cards typed on the remote reach the board; a card grouped on the board gives a theme,
a paper solution for it arrives on the remote and a tap there hides it on the board. In Welcome,
Issues, Vote and Solutions the remote is measured: axe-core (no serious or critical violation) and its
width (no horizontal scrolling at 390 px, nothing drawn past its edges). Every finding is recorded
and asserted at the end, so one run lists them all. Screenshots: test-artifacts/remote-issues.png and
remote-vote.png (whole page).
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field

import pytest

from .conftest import CHROMIUM, PHONE, PROJECT_ROOT, Pages, Server
from .test_accessibility import AXE, serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed (apt-get install chromium)'),
    pytest.mark.skipif(not AXE.exists() and shutil.which('npm') is None,
                       reason='npm is not installed, so scripts/test.sh could not install axe-core '
                              '(apt-get install npm)'),
]
expect = pytest.importorskip('playwright.sync_api').expect

LIVE_MS = 3_000  # a change on one screen reaches the other within this
# Visible elements of the page drawn (partly) outside the phone's width: "tag.class 'text' left..right".
# Quasar's loading bar waits off screen, as axe's RUN_AXE says, and is left out.
PAST_THE_EDGES = """width => [...document.querySelectorAll('body *')]
    .filter(el => !el.closest('.q-loading-bar') && el.checkVisibility({checkVisibilityCSS: true}))
    .map(el => [el, el.getBoundingClientRect()])
    .filter(([el, r]) => r.width > 0 && r.height > 0 && (r.left < -0.5 || r.right > width + 0.5))
    .map(([el, r]) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} `
        + `"${el.textContent.trim().slice(0, 40)}" ${Math.round(r.left)}..${Math.round(r.right)}`)"""
PAPER_CARDS = (
    'No bus after 9 pm on the east side',
    'The complaint form at https://riverside.example.org/community-safety/complaints/follow-up?reference=2024 '
    'is long and only in English',
    'لا أحد يرد على الشكاوى: قدمت شكوى في مارس ولم أسمع شيئًا منذ ذلك الحين، لا رسالة ولا مكالمة ولا اجتماع.',
)
THEME, SOLUTION = 'Getting home at night', 'A night shuttle from the station'
# Quasar's loading bar (axe's requests of the phase before start it; it would cross a whole-page shot) and
# notifications ("Added"), which would cover what the shot is for.
NOT_IN_SHOTS = '.q-loading-bar, .q-notifications { display: none !important; }'
SOLUTION_HIDDEN = re.compile(r'\bis-hidden\b')  # struck through on the board, the room no longer sees it


@pytest.fixture(scope='module')
def server(make_server) -> Server:
    """A server of our own: this module moves a room through four phases."""
    if not AXE.exists():
        pytest.fail(f'{AXE.relative_to(PROJECT_ROOT)} is missing: run bash scripts/test.sh once, it installs '
                    'axe-core from npm')
    return make_server(SPCP_JOINS_PER_ADDRESS='0', SPCP_PAGE_LOADS_PER_ADDRESS='')


@dataclass
class Walk:
    """The remote and the board of one room, and what was measured on the remote in each phase."""
    remote: object
    board: object
    axe: dict[str, list[str]] = field(default_factory=dict)
    scroll_width: dict[str, int] = field(default_factory=dict)
    past_the_edges: dict[str, list[str]] = field(default_factory=dict)

    def measure(self, phase: str) -> None:
        self.axe[phase] = serious_violations(self.remote)
        self.scroll_width[phase] = self.remote.evaluate('document.scrollingElement.scrollWidth')
        self.past_the_edges[phase] = self.remote.evaluate(PAST_THE_EDGES, PHONE['width'])

    def next_phase(self, title: str) -> None:
        """Next phase on the remote: the board shows the new phase's title, live, and so does the remote."""
        self.remote.get_by_role('button', name='Next phase').click()
        expect(self.board.locator('.board-phase')).to_have_text(title, timeout=LIVE_MS)
        expect(self.remote.get_by_role('heading', name=title, exact=True)).to_be_visible(timeout=LIVE_MS)


def remote_link(room: dict) -> str:
    return room.get('remote_url') or room['facilitator_url'].replace('/board/', '/remote/')


def test_the_remote_drives_the_board_and_fits_a_phone(pages: Pages, server: Server, shoot) -> None:
    room = server.rooms[0]
    remote = pages.phone(remote_link(room))
    remote.wait_for_url(f'{server.base_url}/remote/{room["code"]}')  # the key left the address bar
    board = pages.board(room)
    walk = Walk(remote, board)
    expect(remote.get_by_role('heading', name='Welcome', exact=True)).to_be_visible()
    expect(board.locator('.board-phase')).to_have_text('Welcome')
    walk.measure('welcome')

    walk.next_phase('Name the issues')
    add_paper_cards(walk)
    shoot(remote, 'remote-issues.png', full_page=True, style=NOT_IN_SHOTS)
    walk.measure('issues')

    walk.next_phase('Vote')
    expect(remote.get_by_role('switch', name='Show votes')).to_be_visible()
    shoot(remote, 'remote-vote.png', full_page=True, style=NOT_IN_SHOTS)
    walk.measure('vote')

    walk.next_phase('Themes')
    board.locator('.board-card').filter(has_text=PAPER_CARDS[0]).click()
    board.get_by_label('Theme name').fill(THEME)
    board.get_by_role('button', name='Group', exact=True).click()
    expect(board.locator('.board-theme-name').filter(has_text=THEME)).to_be_visible(timeout=LIVE_MS)
    walk.next_phase('Solutions')
    hide_a_paper_solution(walk)
    shoot(remote, 'remote-solutions.png', full_page=True, style=NOT_IN_SHOTS)
    walk.measure('solutions')

    assert_fits_and_is_clean(walk)
    assert pages.page_errors == []


def add_paper_cards(walk: Walk) -> None:
    """Two people on paper, three of their cards typed on the remote: each reaches the board."""
    remote = walk.remote
    remote.get_by_label('People on paper').fill('2')
    remote.get_by_role('button', name='Set', exact=True).click()
    for text in PAPER_CARDS:
        remote.get_by_label('Issue from a paper card').fill(text)
        remote.get_by_role('button', name='Add paper card').click()
        expect(walk.board.locator('.board-card').filter(has_text=text[:30])).to_be_visible(timeout=LIVE_MS)
        expect(remote.get_by_label('Issue from a paper card')).to_have_value('')
    expect(remote.locator('.vote-card')).to_have_count(len(PAPER_CARDS), timeout=LIVE_MS)


def hide_a_paper_solution(walk: Walk) -> None:
    """A paper solution for the theme made on the board is listed on the remote; a tap hides it on the board."""
    remote = walk.remote
    remote.get_by_label('Solution from paper').fill(SOLUTION)
    remote.get_by_role('button', name='Add paper solution').click()
    on_board = walk.board.locator('.board-solution').filter(has_text=SOLUTION)
    expect(on_board).to_be_visible(timeout=LIVE_MS)
    on_remote = remote.get_by_role('button', name=SOLUTION)
    expect(on_remote).to_have_attribute('aria-pressed', 'false', timeout=LIVE_MS)
    on_remote.click()
    expect(on_board).to_have_class(SOLUTION_HIDDEN, timeout=LIVE_MS)
    expect(on_remote).to_have_attribute('aria-pressed', 'true', timeout=LIVE_MS)



def assert_fits_and_is_clean(walk: Walk) -> None:
    phases = ('welcome', 'issues', 'vote', 'solutions')
    assert list(walk.axe) == list(phases)
    found = {phase: lines for phase, lines in walk.axe.items() if lines}
    assert found == {}, 'axe-core found serious or critical violations on the remote:\n' + '\n'.join(
        f'{phase}:\n  ' + '\n  '.join(lines) for phase, lines in found.items())
    too_wide = {phase: width for phase, width in walk.scroll_width.items() if width > PHONE['width']}
    assert too_wide == {}, f'the remote scrolls sideways at {PHONE["width"]} px (scrollWidth per phase)'
    assert {phase: lines for phase, lines in walk.past_the_edges.items() if lines} == {}
