"""The facilitator's board on a 1920x1080 projector, in every phase, with a full room (issue 15).

One room of a server of our own gets 40 cards of up to 280 characters in Latin (long words and a
URL), Devanagari, Arabic and Cyrillic, 16 of them near 280 characters; 12 people's dots, revealed;
six ranked themes holding 34 cards; 12 solutions over the three top themes (``board_seed``). The
board is signed in with its facilitator link and reloaded after each phase is seeded (the seed is
written straight into the database, so only a page load shows it). Every phase is looked at twice:
with the controls shown and in Present mode. One look per phase measures everything; the tests
below assert on it, one test per phase, mode and requirement, so a run lists exactly what still fails:

- the fold: every element the room needs (participant text, the QR code, the join code) lies wholly
  inside 1920x1080 and is not cut off by an ancestor that clips its overflow; the document scrolls
  neither way; the seeded texts the phase is about are on screen (all 40 cards while naming, voting
  and grouping, and the theme names; all solutions and the top themes while proposing; at Wrap-up the
  top themes and each one's most endorsed solution);
- 24 px: every line of participant text, measured as rendered (see ``TEXT_SIZES``), and its
  computed ``font-size``;
- the QR code: ``zbarimg`` decodes the whole-screen screenshot to the room's join URL;
- axe-core: no serious or critical violation, on the board (both modes) and on the organizer page.

Participant text is what the board marks ``.room-text`` (on a board without that class: its cards,
theme names and solutions). Anything inside ``.facilitator-only`` or ``.controls`` is the
facilitator's and exempt. Screenshots: test-artifacts/board-PHASE.png and board-PHASE-present.png (README: see shoot).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import board_seed
from .board_seed import PHASES, BoardRoom
from .conftest import ARTIFACTS, CHROMIUM, PROJECT_ROOT, PROJECTOR, Server
from .test_accessibility import AXE, RUN_AXE, SERIOUS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed (apt-get install chromium)'),
]
expect = pytest.importorskip('playwright.sync_api').expect

MODES = ('controls', 'present')
SMALLEST_PX = 24
ROOM_TEXT = '.room-text'
ROOM_TEXT_TODAY = '.board-card, .board-theme-name, .board-solution'  # a board that marks no .room-text
EXEMPT = '.facilitator-only, .controls'
NEEDS_AXE = pytest.mark.skipif(not AXE.exists() and shutil.which('npm') is None,
                               reason='npm is not installed, so scripts/test.sh could not install axe-core '
                                      '(apt-get install npm)')
# Every element the room needs, with its box; which of them are shown; the document's scroll size.
LOOK = """([roomText, fallback, exempt]) => {
    const marked = document.querySelector(roomText) !== null;
    const shown = el => el.checkVisibility({checkVisibilityCSS: true})
        && [...el.getClientRects()].some(r => r.width > 0 && r.height > 0);
    const describe = el => {
        const classes = [...el.classList].filter(c => !/^(q-|nicegui-|items-|gap-|w-)/.test(c)).join('.');
        const text = (el.getAttribute('alt') || el.textContent).trim().replace(/\\s+/g, ' ');
        return `${el.tagName.toLowerCase()}${classes ? '.' + classes : ''} "${text.slice(0, 48)}"`;
    };
    // what an ancestor that clips its overflow (a fitted room area, a cut card list) leaves of the screen
    const clipOf = el => {
        const clip = {left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity, by: null};
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            const style = getComputedStyle(a);
            if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
            const box = a.getBoundingClientRect();
            const inner = {left: box.left + a.clientLeft, top: box.top + a.clientTop};
            inner.right = inner.left + a.clientWidth; inner.bottom = inner.top + a.clientHeight;
            const before = JSON.stringify(clip);
            if (style.overflowX !== 'visible') {
                clip.left = Math.max(clip.left, inner.left); clip.right = Math.min(clip.right, inner.right); }
            if (style.overflowY !== 'visible') {
                clip.top = Math.max(clip.top, inner.top); clip.bottom = Math.min(clip.bottom, inner.bottom); }
            if (JSON.stringify(clip) !== before) clip.by = describe(a).split(' ')[0];
        }
        return clip;
    };
    const texts = [...document.querySelectorAll(marked ? roomText : fallback)].filter(el => !el.closest(exempt));
    const join = [...document.querySelectorAll('.board-qr, .board-join-code')];
    const boxes = [...texts, ...join].map(el => {
        const r = el.getBoundingClientRect();
        return {what: describe(el), shown: shown(el), left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                clip: clipOf(el), text: el.textContent.trim().replace(/\\s+/g, ' '), join: join.includes(el)};
    });
    const page = document.scrollingElement;
    return {selector: marked ? roomText : fallback, boxes,
            scroll: [page.scrollWidth, page.scrollHeight], qrs: join.filter(el => el.matches('.board-qr')).length};
}"""
# The size participant text is drawn at, measured, not read from CSS. For every text node in a shown
# participant-text element, each line box (Range.getClientRects) is compared with a reference: the same
# text in a <span> at font-size 24px with the node's font family, weight, style and language. Text boxes
# scale with the font size whatever the script or fallback font, so 24 * line height / reference height
# is the rendered size in px. The reference sits at the top of <body>, outside the board: a transform,
# zoom or scaling that shrinks the board's text therefore shows as a smaller line, which reading only the
# computed font-size would miss. The computed font-size is returned too.
TEXT_SIZES = """([roomText, fallback, exempt, px]) => {
    const marked = document.querySelector(roomText) !== null;
    const shown = el => el.checkVisibility({checkVisibilityCSS: true})
        && [...el.getClientRects()].some(r => r.width > 0 && r.height > 0);
    const host = document.createElement('div');
    host.style.cssText = 'position:absolute;top:0;left:0;visibility:hidden;white-space:pre;pointer-events:none';
    document.body.prepend(host);
    const nodes = new Set();
    for (const el of document.querySelectorAll(marked ? roomText : fallback)) {
        if (el.closest(exempt) || !shown(el)) continue;
        const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) if (walk.currentNode.data.trim() && shown(walk.currentNode.parentElement))
            nodes.add(walk.currentNode);
    }
    const jobs = [...nodes].map(node => {
        const style = getComputedStyle(node.parentElement);
        const ref = document.createElement('span');
        ref.textContent = node.data.trim().split('\\n')[0];
        for (const p of ['fontFamily', 'fontWeight', 'fontStyle', 'fontStretch']) ref.style[p] = style[p];
        ref.style.fontSize = `${px}px`;
        ref.lang = node.parentElement.closest('[lang]')?.lang || '';
        host.appendChild(ref);
        return {node, ref, fontSize: parseFloat(style.fontSize)};
    });
    const height = node => { const range = document.createRange(); range.selectNodeContents(node);
        return [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0).map(r => r.height); };
    const found = jobs.map(({node, ref, fontSize}) => {
        const lines = height(node), reference = Math.max(...height(ref.firstChild));
        const el = node.parentElement.closest(marked ? roomText : fallback) || node.parentElement;
        return {what: `${el.className.split(' ').filter(c => !/^(q-|nicegui-)/.test(c)).join('.')} `
                      + `"${node.data.trim().replace(/\\s+/g, ' ').slice(0, 40)}"`,
                px: lines.length ? px * Math.min(...lines) / reference : null, font_size: fontSize,
                lines: lines.length};
    });
    host.remove();
    return found;
}"""
SETTLED = """async () => {
    await document.fonts.ready;  // Devanagari and Arabic webfonts load once such text is laid out
    // the layout may fit the room to the screen in an animation frame after a change (assets/fit.js)
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    return [...document.querySelectorAll('.board-qr img, img.board-qr')].every(img => img.complete);
}"""


@dataclass
class Seen:
    """What one phase's board showed in one mode: measured once, asserted by several tests."""
    phase: str
    mode: str
    look: dict
    sizes: list[dict]
    qr: subprocess.CompletedProcess
    screenshot: Path
    axe: list[str] | None  # None: axe-core is not installed

    @property
    def where(self) -> str:
        return f'{self.phase}, {"controls shown" if self.mode == "controls" else "Present mode"}'


@pytest.fixture(scope='module')
def server(make_server) -> Server:
    """A server of our own: this module fills one room and moves it through every phase."""
    return make_server(SPCP_JOINS_PER_ADDRESS='0', SPCP_PAGE_LOADS_PER_ADDRESS='')


@pytest.fixture(scope='module')
def room(server) -> BoardRoom:
    return BoardRoom(server.database, server.rooms[0])


@pytest.fixture(scope='module')
def board(browser, server, room) -> Iterator:
    """The room's board at 1920x1080, signed in once with the facilitator link, reloaded per phase."""
    context = browser.new_context(viewport=PROJECTOR, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    page.goto(server.rooms[0]['facilitator_url'])
    page.wait_for_url(f'{server.base_url}/board/{server.rooms[0]["code"]}')
    yield page
    context.close()
    assert errors == [], f'errors in the board page: {errors}'


@pytest.fixture(scope='module')
def seen_so_far() -> dict[str, dict[str, Seen]]:
    return {}


@pytest.fixture
def look(board, room, server, shoot, seen_so_far) -> Callable[[str, str], Seen]:
    """``look(phase, mode)``: the board in that phase and mode; the room is seeded and the board looked at
    (both modes) the first time a phase is asked for. Phases only go forward, as the test order does."""
    def at(phase: str, mode: str) -> Seen:
        if phase not in seen_so_far:
            room.goto(phase)
            seen_so_far[phase] = {mode: look_at(board, phase, mode, server, shoot) for mode in MODES}
        return seen_so_far[phase][mode]
    return at


# the board is measured once laid out as it will stay: fonts in, and assets/fit.js done with the last change
FITTED = """async () => {
    await document.fonts.ready;
    const frame = () => new Promise(done => requestAnimationFrame(() => done()));
    for (let i = 0; i < 3; i++) await frame();
}"""


def look_at(board, phase: str, mode: str, server: Server, shoot: Callable) -> Seen:
    present(board, mode)
    board.evaluate('window.scrollTo(0, 0)')
    board.evaluate(FITTED)
    found = board.evaluate(LOOK, [ROOM_TEXT, ROOM_TEXT_TODAY, EXEMPT])
    sizes = board.evaluate(TEXT_SIZES, [ROOM_TEXT, ROOM_TEXT_TODAY, EXEMPT, SMALLEST_PX])
    png = screenshot(board, phase, mode, shoot)
    decoded = subprocess.run([zbarimg(), '--raw', '-q', str(png)], capture_output=True, text=True, timeout=30)
    axe = axe_violations(board) if AXE.exists() else None
    return Seen(phase, mode, found, sizes, decoded, png, axe)


def screenshot(board, phase: str, mode: str, shoot: Callable) -> Path:
    """The README shows every phase with the controls and the room's view (Present) of Themes; the other
    Present shots stay in test-artifacts/."""
    name = f'board-{phase}{"-present" if mode == "present" else ""}.png'
    if mode == 'present' and phase != 'themes':
        board.screenshot(path=ARTIFACTS / name, animations='disabled', caret='hide')
        return ARTIFACTS / name
    return shoot(board, name)


def present(board, mode: str) -> None:
    """Reload for the controls (a page load reads the seeded room); then press Present for the room's view."""
    next_phase = board.get_by_role('button', name='Next phase')
    present_button = board.get_by_role('button', name=re.compile(r'^Present\b'))  # not a solution saying 'present'
    if mode == 'controls':
        board.reload()
        board.locator('.board-join-code').first.wait_for()
        if next_phase.is_hidden():  # a layout may keep Present on across loads
            present_button.click()
        expect(next_phase).to_be_visible()
    else:
        present_button.click()
        expect(next_phase).to_be_hidden()
    board.wait_for_function(SETTLED)


def zbarimg() -> str:
    found = shutil.which('zbarimg')
    if found is None:
        pytest.skip('zbarimg is not installed (apt-get install zbar-tools)')
    return found


def axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is, one line per element."""
    if page.evaluate('typeof window.axe') == 'undefined':
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE)
    return [f'{v["id"]} ({v["impact"]}: {v["help"]}) at {node["target"]}: {node["html"]}'
            for v in found if v['impact'] in SERIOUS for node in v['nodes']]


EVERY_LOOK = [pytest.param(phase, mode, id=f'{phase}-{mode}') for phase in PHASES for mode in MODES]


# ---------- what the room needs, per phase ----------

def needed_texts(phase: str) -> dict[str, list[str]]:
    """The seeded texts the room needs on screen in ``phase``, by kind. Welcome needs only the join panel; the
    wrap-up summary may leave the less endorsed solutions to the report, not each theme's most endorsed."""
    top_names = board_seed.top_theme_names()
    return {
        'welcome': {},
        'issues': {'card': board_seed.CARDS},
        'vote': {'card': board_seed.CARDS},
        'themes': {'card': board_seed.CARDS, 'theme name': list(board_seed.THEMES)},
        'solutions': {'solution': board_seed.SOLUTION_TEXTS, 'top theme': top_names},
        'wrapup': {'top theme': top_names, 'most endorsed solution': board_seed.most_endorsed()},
    }[phase]


def missing_from_screen(seen: Seen) -> list[str]:
    """Needed texts not on screen: an element on screen must contain each text's first 20 characters (as
    many such elements as texts that share those characters: a short card may begin a long one)."""
    on_screen = [box['text'] for box in seen.look['boxes'] if box['shown'] and inside(box)]
    missing = []
    for kind, texts in needed_texts(seen.phase).items():
        for text in texts:
            start = ' '.join(text.split())[:20]
            sharing = sum(start in ' '.join(other.split()) for other in texts)
            if sum(start in shown for shown in on_screen) < sharing:
                missing.append(f'{kind} "{start}…"')
    return missing


def inside(box: dict) -> bool:
    """Wholly on the screen: inside 1920x1080 and not cut off by an ancestor that clips its overflow."""
    return on_screen(box) and not cut_off(box)


def on_screen(box: dict) -> bool:
    return (box['left'] >= -0.5 and box['top'] >= -0.5
            and box['right'] <= PROJECTOR['width'] + 0.5 and box['bottom'] <= PROJECTOR['height'] + 0.5)


def cut_off(box: dict) -> bool:
    clip = box['clip']  # an element may overflow its clipping ancestor by a border's width
    return (box['left'] < clip['left'] - 1 or box['top'] < clip['top'] - 1
            or box['right'] > clip['right'] + 1 or box['bottom'] > clip['bottom'] + 1)


def at(box: dict) -> str:
    where = f'x {box["left"]:.0f}..{box["right"]:.0f}, y {box["top"]:.0f}..{box["bottom"]:.0f}'
    if not cut_off(box):
        return where
    clip = box['clip']
    return (f'{where}, cut off by {clip["by"]} (shows x {clip["left"]:.0f}..{clip["right"]:.0f}, '
            f'y {clip["top"]:.0f}..{clip["bottom"]:.0f})')


def listed(lines: list[str], most: int = 12) -> str:
    shown = '\n  '.join(lines[:most])
    return f'\n  {shown}' + (f'\n  ... and {len(lines) - most} more' if len(lines) > most else '')


# ---------- the tests ----------

@pytest.mark.parametrize(('phase', 'mode'), EVERY_LOOK)
def test_nothing_the_room_needs_is_below_the_fold(look, phase: str, mode: str) -> None:
    seen = look(phase, mode)
    boxes = seen.look['boxes']
    outside = [f'{box["what"]} at {at(box)}' for box in boxes if box['shown'] and not inside(box)]
    join_hidden = [box['what'] for box in boxes if box['join'] and not box['shown']]
    width, height = seen.look['scroll']
    problems = []
    if outside:
        lowest = max(box['bottom'] for box in boxes if box['shown'] and not inside(box))
        problems.append(f'{len(outside)} of {sum(b["shown"] for b in boxes)} shown elements ({seen.look["selector"]}, '
                        f'QR, join code) are not wholly on the 1920x1080 screen, the lowest ending at y {lowest:.0f}:'
                        f'{listed(outside)}')
    if seen.look['qrs'] == 0 or join_hidden:
        problems.append(f'the join panel is not shown: {join_hidden or "no .board-qr on the page"}')
    if width > PROJECTOR['width'] + 1 or height > PROJECTOR['height'] + 1:
        problems.append(f'the document scrolls: {width}x{height} px')
    if missing := missing_from_screen(seen):
        problems.append(f'{len(missing)} needed texts are not on screen:{listed(missing)}')
    assert not problems, f'{seen.where} ({seen.screenshot.name}): ' + '\n'.join(problems)


@pytest.mark.parametrize(('phase', 'mode'), EVERY_LOOK)
def test_no_participant_text_is_drawn_under_24px(look, phase: str, mode: str) -> None:
    seen = look(phase, mode)
    measured = [size for size in seen.sizes if size['px'] is not None]
    too_small = [size for size in measured if size['px'] < SMALLEST_PX - 0.5 or size['font_size'] < SMALLEST_PX - 0.01]
    smallest = min(measured, key=lambda size: size['px'], default=None)
    lines = [f'{size["what"]}: drawn at {size["px"]:.1f} px, font-size {size["font_size"]:g} px'
             for size in sorted(too_small, key=lambda size: size['px'])]
    assert not too_small, (f'{seen.where}: {len(too_small)} of {len(measured)} participant texts are drawn under '
                           f'{SMALLEST_PX} px; smallest {smallest["px"]:.1f} px ({smallest["what"]}):{listed(lines)}')
    if phase != 'welcome':
        assert measured, f'{seen.where}: no participant text shown ({seen.look["selector"]}) to measure'


@pytest.mark.parametrize(('phase', 'mode'), EVERY_LOOK)
def test_the_qr_code_decodes_from_the_screenshot(look, server, phase: str, mode: str) -> None:
    seen = look(phase, mode)
    join_url = server.rooms[0]['join_url']
    assert join_url == f'{server.base_url}/r/{server.rooms[0]["code"]}'
    assert seen.qr.returncode == 0, f'{seen.where}: zbarimg found no code in {seen.screenshot} ({seen.qr.stderr})'
    assert seen.qr.stdout.strip() == join_url, f'{seen.where}: the code reads {seen.qr.stdout.strip()!r}'


@NEEDS_AXE
@pytest.mark.parametrize(('phase', 'mode'), EVERY_LOOK)
def test_the_board_has_no_serious_axe_violations(look, phase: str, mode: str) -> None:
    require_axe()
    seen = look(phase, mode)
    assert seen.axe == [], f'{seen.where}: axe-core found serious or critical violations:{listed(seen.axe, 30)}'


@NEEDS_AXE
def test_the_organizer_page_has_no_serious_axe_violations(browser, server, room) -> None:
    require_axe()
    room.goto(max(room.phase, 'solutions', key=PHASES.index))  # an event with a busy room (also when run alone)
    context = browser.new_context(viewport=PROJECTOR, device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(server.event['organizer_url'])
        expect(page.get_by_text(server.rooms[0]['name'], exact=True)).to_be_visible()
        found = axe_violations(page)
    finally:
        context.close()
    assert found == [], f'organizer page: axe-core found serious or critical violations:{listed(found, 30)}'


def require_axe() -> None:
    if not AXE.exists():
        pytest.fail(f'{AXE.relative_to(PROJECT_ROOT)} is missing: run bash scripts/test.sh once, it installs '
                    'axe-core from npm')
