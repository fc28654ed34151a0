"""Accessibility of the participant's pages in real Chromium, checked with axe-core.

axe-core comes from the npm registry: ``scripts/test.sh`` installs it into the git-ignored
``.cache/axe`` (without npm these tests skip and say why). Each check injects ``axe.min.js`` into
the page, runs ``axe.run()`` on the whole document and fails on every violation of impact
*serious* or *critical*, naming the rule, its impact and the elements.

Checked at 390x844: the home page; the phone in every phase, driven from a board with *Next
phase* (welcome; issues with own cards, and their Change and Withdraw dialogs; vote with voted and
unvoted cards; themes; solutions with one's own and another's solution; wrap-up); the privacy note
open; an Arabic phone (right to left) voting. Beside axe: the notifications' contrast (axe cannot
see under them), vote cards in one column whether or not their take-back shows, the voted card and
the Endorsed button filled, 'Dots left' on screen while scrolling. The board is not checked here.
The screenshots are the README's phone row.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from .conftest import ARTIFACTS, CHROMIUM, PHONE, PROJECT_ROOT, Pages, Server, add_issue, heading

AXE = PROJECT_ROOT / '.cache' / 'axe' / 'node_modules' / 'axe-core' / 'axe.min.js'

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed (apt-get install chromium)'),
    pytest.mark.skipif(not AXE.exists() and shutil.which('npm') is None,
                       reason='npm is not installed, so scripts/test.sh could not install axe-core '
                              '(apt-get install npm)'),
]

expect = pytest.importorskip('playwright.sync_api').expect

LIVE_S = 2_000  # ms: a change on one screen must reach the others within this
SERIOUS = ('serious', 'critical')
NO_TOASTS = '.q-notifications { display: none !important; }'
# Quasar's loading bar turns into an unnamed progressbar while an XMLHttpRequest runs. The phones make none
# (NiceGUI talks over its websocket), but axe does: it fetches stylesheets it cannot read to check CSS rules,
# so the bar it then finds is its own doing and is left out.
RUN_AXE = """async () => {
    const results = await axe.run({exclude: ['.q-loading-bar']}, {resultTypes: ['violations']});
    return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160)}))}));
}"""
# While a notification shows, Quasar's layer of notifications lies over the whole page and axe cannot tell
# the contrast of anything under it ("incomplete", not a violation). So axe runs with the notifications
# out of the way, and their own contrast is measured by notification_contrast.
TOASTS_AWAY = """away => {
    const style = document.getElementById('audit-toasts-away');
    if (!away) { style && style.remove(); return; }
    const added = document.createElement('style');
    added.id = 'audit-toasts-away';
    added.textContent = '.q-notifications { display: none !important; }';
    document.head.appendChild(added);
}"""
SETTLED = """() => document.getAnimations()
    .every(a => a.playState !== 'running' || a.effect.getComputedTiming().iterations === Infinity)"""
NOTIFICATION_COLOURS = """() => {
    const shown = document.querySelector('.q-notification');
    return [getComputedStyle(shown.querySelector('.q-notification__message')).color,
            getComputedStyle(shown).backgroundColor];
}"""


@pytest.fixture(scope='module')
def server(make_server) -> Server:
    """A server of our own: this module moves a room through every phase."""
    if not AXE.exists():
        pytest.fail(f'{AXE.relative_to(PROJECT_ROOT)} is missing: run bash scripts/test.sh once, it installs '
                    'axe-core from npm')
    return make_server(SPCP_JOINS_PER_ADDRESS='0', SPCP_PAGE_LOADS_PER_ADDRESS='')


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line per element."""
    if page.evaluate('typeof window.axe') == 'undefined':
        page.add_script_tag(path=str(AXE))
    page.wait_for_function(SETTLED)  # a dialog fading in has, for a moment, too little contrast
    page.evaluate(TOASTS_AWAY, True)
    try:
        found = page.evaluate(RUN_AXE)
    finally:
        page.evaluate(TOASTS_AWAY, False)
    return [f'{v["id"]} ({v["impact"]}: {v["help"]}) at {node["target"]}: {node["html"]}'
            for v in found if v['impact'] in SERIOUS for node in v['nodes']]


class Audit:
    """Every page checked in a test and what axe found there; asserted once, so one run lists them all."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def check(self, page, name: str) -> None:
        self.found[name] = serious_violations(page)

    def assert_clean(self) -> None:
        report = [f'{name}:\n  ' + '\n  '.join(lines) for name, lines in self.found.items() if lines]
        assert not report, 'axe-core found serious or critical violations:\n' + '\n'.join(report)


def luminance(css_colour: str) -> float:
    """WCAG 2 relative luminance of a computed ``rgb(r, g, b)`` / ``rgba(r, g, b, 1)`` colour."""
    channels = [int(float(x)) / 255 for x in css_colour[css_colour.index('(') + 1:-1].split(',')[:3]]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def notification_contrast(page) -> float:
    """Contrast ratio of the first notification's text on its background (WCAG AA: at least 4.5)."""
    expect(page.locator('.q-notification').first).to_be_visible()
    text, background = page.evaluate(NOTIFICATION_COLOURS)
    assert background.startswith('rgb(') or background.endswith(', 1)'), f'a see-through notification: {background}'
    lighter, darker = sorted((luminance(text), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def vote_card(phone, text: str):
    return phone.locator('.vote-card').filter(has_text=text)


def background(locator) -> str:
    return locator.evaluate('e => getComputedStyle(e).backgroundColor')


def assert_cards_stack(phone) -> None:
    """Every vote card has the same column, most of the screen wide, whether or not its take-back shows."""
    boxes = [card.bounding_box() for card in phone.locator('.vote-card').all()]
    assert len({round(box['x']) for box in boxes}) == 1, boxes
    assert all(box['width'] >= 0.6 * PHONE['width'] for box in boxes), boxes


def assert_dots_left_stays_on_screen(phone) -> None:
    """On a short screen scrolled to its end, 'Dots left' is still at the top."""
    phone.set_viewport_size({'width': PHONE['width'], 'height': 400})
    phone.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)')
    phone.wait_for_function('window.scrollY > 0')
    box = phone.locator('.dots-left').bounding_box()
    assert box is not None and 0 <= box['y'] <= 1, box
    phone.screenshot(path=ARTIFACTS / 'phone-vote-scrolled.png')
    phone.evaluate('window.scrollTo(0, 0)')
    phone.set_viewport_size(PHONE)


def propose(phone, text: str) -> None:
    phone.get_by_label('Your solution').fill(text)
    phone.get_by_role('button', name='Propose').click()
    expect(phone.get_by_label('Your solution')).to_have_value('')


def arabic_phone(pages: Pages, url: str):
    context = pages.browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1,
                                        locale='ar', extra_http_headers={'Accept-Language': 'ar'})
    pages.contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(5_000)
    page.on('pageerror', lambda error: pages.page_errors.append(f'ar: {error}'))
    page.goto(url)
    return page


def test_home_page(pages, server, shoot) -> None:
    phone = pages.phone(server.base_url + '/')
    expect(phone.get_by_label('Room code')).to_be_visible()
    audit = Audit()
    audit.check(phone, 'home')
    shoot(phone, 'phone-home.png')
    phone.get_by_role('button', name='Join').click()  # no code typed: a warning says what to do
    expect(phone.get_by_role('alert').filter(has_text='Type the room code shown on the screen.')).to_be_visible()
    assert notification_contrast(phone) >= 4.5
    audit.assert_clean()


def test_privacy_note_open(pages, server, shoot) -> None:
    phone = pages.phone(server.rooms[1]['join_url'])
    expect(heading(phone, 'Welcome')).to_be_visible()
    phone.get_by_role('button', name='Privacy').click()
    dialog = phone.get_by_role('dialog')
    expect(dialog.get_by_role('heading', name='Privacy')).to_be_visible()
    audit = Audit()
    audit.check(phone, 'privacy note open')
    shoot(phone, 'phone-privacy.png')
    dialog.get_by_role('button', name='OK').click()
    expect(dialog).to_be_hidden()
    audit.assert_clean()


@dataclass
class Room:
    """A board and two phones in one room; ``phone`` is the one audited and photographed."""
    pages: Pages
    board: object
    phone: object
    other: object
    audit: Audit
    shoot: Callable

    def next_phase(self, title: str) -> None:
        self.board.get_by_role('button', name='Next phase').click()
        for phone in (self.phone, self.other):
            expect(heading(phone, title)).to_be_visible(timeout=LIVE_S)

    def check_and_shoot(self, name: str, **options) -> None:
        self.audit.check(self.phone, name)
        self.shoot(self.phone, f'phone-{name}.png', **options)


def test_phone_in_every_phase(pages, server, shoot) -> None:
    room = server.rooms[0]
    board = pages.board(room)
    here = Room(pages, board, pages.phone(room['join_url']), pages.phone(room['join_url']), Audit(), shoot)
    expect(heading(here.phone, 'Welcome')).to_be_visible()
    here.check_and_shoot('welcome')
    name_the_issues(here)
    vote(here, room['join_url'])
    themes_solutions_wrapup(here)
    here.audit.assert_clean()
    assert pages.page_errors == []


def name_the_issues(here: Room) -> None:
    """Two issues of one's own (with Change and Withdraw), two of another phone's; both dialogs open."""
    phone = here.phone
    here.next_phase('Name the issues')
    add_issue(phone, 'Stops are never explained to the people stopped')
    add_issue(phone, 'Nobody hears back after a complaint')
    add_issue(here.other, 'No interpreters when officers come to the door')
    add_issue(here.other, 'Slow response at night in the east side')
    expect(phone.get_by_text('4 issues in the room so far')).to_be_visible(timeout=LIVE_S)
    expect(phone.locator('.mine')).to_have_count(2)
    expect(phone.get_by_role('alert').filter(has_text='Added. Thank you.').first).to_be_visible()
    assert notification_contrast(phone) >= 4.5
    here.check_and_shoot('issues')
    for button, name in (('Change', 'change own issue'), ('Withdraw', 'withdraw own issue')):
        phone.locator('.mine').first.get_by_role('button', name=button).click()
        dialog = phone.get_by_role('dialog')
        expect(dialog).to_be_visible()
        here.audit.check(phone, f'{name} (dialog open)')
        dialog.get_by_role('button', name='Cancel').click()
        expect(dialog).to_be_hidden()


def vote(here: Room, join_url: str) -> None:
    """One dot spent: the voted card is filled and alone has a take-back; then an Arabic phone votes."""
    phone = here.phone
    here.next_phase('Vote')
    vote_card(phone, 'Stops are never explained').tap()
    expect(phone.get_by_text('Dots left: 2 of 3')).to_be_visible(timeout=LIVE_S)
    expect(vote_card(phone, 'Stops are never explained')).to_have_attribute('aria-pressed', 'true')
    expect(vote_card(phone, 'No interpreters')).to_have_attribute('aria-pressed', 'false')
    expect(phone.locator('.take-back:visible')).to_have_count(1)
    assert_cards_stack(phone)
    assert background(vote_card(phone, 'Stops are never explained')) != background(vote_card(phone, 'No interpreters'))
    here.check_and_shoot('vote')
    assert_dots_left_stays_on_screen(phone)

    arabic = arabic_phone(here.pages, join_url)
    expect(arabic.locator('html')).to_have_attribute('dir', 'rtl')
    expect(arabic.locator('.vote-card')).to_have_count(4)
    vote_card(arabic, 'No interpreters').tap()
    expect(arabic.locator('.take-back:visible')).to_have_count(1, timeout=LIVE_S)
    assert_cards_stack(arabic)
    here.audit.check(arabic, 'vote in Arabic')


def themes_solutions_wrapup(here: Room) -> None:
    """Two cards grouped into a theme; one's own solution (no Endorse) and another's, endorsed; wrap-up."""
    phone, board = here.phone, here.board
    here.next_phase('Themes')
    for text in ('Stops are never explained', 'Nobody hears back'):
        board.locator('.board-card').filter(has_text=text).click()
    board.get_by_label('Theme name').fill('Stops and respect')
    board.get_by_role('button', name='Group', exact=True).click()
    expect(heading(phone, 'Stops and respect')).to_be_visible(timeout=LIVE_S)
    here.check_and_shoot('themes')

    here.next_phase('Solutions')
    propose(phone, 'Officers hand out a card that says why they stopped you')
    propose(here.other, 'A monthly meeting where complaints get an answer')
    endorse = phone.get_by_role('button', name='Endorse')
    expect(endorse).to_have_count(1, timeout=LIVE_S)  # on the other's solution only, none on one's own
    endorse.click()
    endorsed = phone.get_by_role('button', name='Endorsed')
    expect(endorsed).to_have_attribute('aria-pressed', 'true', timeout=LIVE_S)
    assert background(endorsed) not in ('rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)')  # filled once endorsed
    here.check_and_shoot('solutions')

    here.next_phase('Wrap-up')
    expect(phone.get_by_text('Thank you for taking part.')).to_be_visible()
    here.check_and_shoot('wrapup', style=NO_TOASTS)  # not the solutions' 'Proposed. Thank you.' still fading
