"""Four languages in one room, in real Chromium: Spanish, Hindi and Arabic phones (from their
browsers' Accept-Language) and an English phone and board.

The room is driven to Issues, each phone adds an issue in its own script, then to Vote. Checked:
the Arabic page is right-to-left in the HTML the server sends (before any script), its layout
mirrors (language switch and take-back buttons on the left), participant text takes its own
direction (``dir=auto``) on the English board and the Arabic phone, and the Devanagari and Arabic
webfonts load where the system has no such font. Runs on its own server, so its phase changes
disturb no other test. The screenshots are the README's language pictures.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field

import pytest

from spcp.i18n import translator

from .conftest import ARTIFACTS, CHROMIUM, PHONE, PROJECTOR, Pages, Server, heading

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed (apt-get install chromium)'),
]

expect = pytest.importorskip('playwright.sync_api').expect

LIVE_S = 2_000  # ms: a change on one screen must reach the others within this
NO_TOASTS = '.q-notifications { display: none !important; }'
ISSUES = {
    'es': 'La policía no explica por qué detiene a los jóvenes del barrio, y así nadie confía en ella.',
    'hi': 'पुलिस रात में शिकायत दर्ज नहीं करती, इसलिए मोहल्ले के लोग उस पर भरोसा नहीं करते।',
    'ar': 'لا يثق سكان الحي بالشرطة لأن الشكاوى لا يرد عليها أحد.',
    'en': 'Officers rarely attend community meetings, so residents never get to know them.',
}
FONT_FACES = {'SPCP Devanagari': 'noto-sans-devanagari-devanagari-400-normal.woff2',
              'SPCP Arabic': 'noto-naskh-arabic-arabic-400-normal.woff2'}
SYSTEM_FONTS = {'SPCP Devanagari': 'Noto Sans Devanagari', 'SPCP Arabic': 'Noto Naskh Arabic'}


@pytest.fixture(scope='module')
def server(make_server) -> Server:
    """A room of our own (this test moves its phases); several phones from 127.0.0.1, so no join limits."""
    return make_server(SPCP_JOINS_PER_ADDRESS='0', SPCP_PAGE_LOADS_PER_ADDRESS='')


@dataclass
class Opened:
    """A page with what it said on the console and which font files it fetched."""
    page: object
    html: str
    console_errors: list[str] = field(default_factory=list)
    fonts_fetched: list[str] = field(default_factory=list)


def open_page(pages: Pages, url: str, locale: str, **context_options) -> Opened:
    """Like ``Pages.phone``/``board`` but in a browser that asks for ``locale``; keeps the first HTML."""
    context = pages.browser.new_context(locale=locale, extra_http_headers={'Accept-Language': locale},
                                        device_scale_factor=1, **context_options)
    pages.contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(5_000)
    opened = Opened(page, '')
    page.on('dialog', lambda dialog: (pages.dialogs.append(dialog.message), dialog.dismiss()))
    page.on('pageerror', lambda error: pages.page_errors.append(f'{locale}: {error}'))
    page.on('console', lambda msg: opened.console_errors.append(msg.text) if msg.type == 'error' else None)
    page.on('response', lambda r: opened.fonts_fetched.append(r.url.rsplit('/', 1)[-1]) if 'noto-' in r.url else None)
    response = page.goto(url)
    assert response is not None and response.ok
    opened.html = response.text()
    return opened


def phone(pages: Pages, url: str, locale: str) -> Opened:
    return open_page(pages, url, locale, viewport=PHONE, is_mobile=True, has_touch=True)


def add_issue(opened: Opened, locale: str) -> None:
    page = opened.page
    page.locator('textarea').fill(ISSUES[locale])
    page.get_by_role('button', name=translator(locale)('Add issue')).click()
    expect(page.locator('textarea')).to_have_value('')  # the server took it and cleared the box


def direction(locator) -> str:
    return locator.evaluate('e => getComputedStyle(e).direction')


def font_faces(page) -> dict[str, set[str]]:
    """Status of each of our @font-face rules, once the fonts the page needs are settled."""
    faces = page.evaluate("""async () => { await document.fonts.ready;
        return [...document.fonts].map(f => [f.family.replace(/["']/g, ''), f.weight + ':' + f.status]); }""")
    found: dict[str, set[str]] = {}
    for family, state in faces:
        found.setdefault(family, set()).add(state)
    return found


def system_has(family: str) -> bool:
    fc_list = shutil.which('fc-list')
    if fc_list is None:
        return False
    listed = subprocess.run([fc_list, family, 'family'], capture_output=True, text=True, timeout=30).stdout
    return bool(listed.strip())


def left_of(a, b) -> bool:
    box_a, box_b = a.bounding_box(), b.bounding_box()
    return box_a['x'] + box_a['width'] <= box_b['x'] + 1


def test_four_languages_in_one_room(pages, server, shoot) -> None:
    room = server.rooms[0]
    board = open_page(pages, room['facilitator_url'], 'en-US', viewport=PROJECTOR)
    phones = {locale: phone(pages, room['join_url'], locale) for locale in ('es', 'hi', 'ar', 'en')}
    for locale, opened in phones.items():
        expect(heading(opened.page, translator(locale)('Welcome'))).to_be_visible()
    expect(board.page.get_by_text('4 joined')).to_be_visible(timeout=LIVE_S)

    # right-to-left before any script runs: in the HTML as served
    arabic = phones['ar']
    assert '<html lang="ar" dir="rtl">' in arabic.html
    assert arabic.page.evaluate('document.documentElement.dir') == 'rtl'
    assert '<html lang="es">' in phones['es'].html  # no dir: left-to-right is the default
    assert phones['es'].page.evaluate('document.documentElement.dir') == 'ltr'  # Quasar sets it
    _shoot_quasar_pieces(arabic.page)

    board.page.get_by_role('button', name='Next phase').click()
    for locale, opened in phones.items():
        expect(heading(opened.page, translator(locale)('Name the issues'))).to_be_visible(timeout=LIVE_S)
    for locale, opened in phones.items():
        add_issue(opened, locale)
    cards = {locale: board.page.locator('.board-card').filter(has_text=text) for locale, text in ISSUES.items()}
    for card in cards.values():
        expect(card).to_be_visible(timeout=LIVE_S)
    expect(arabic.page.get_by_text(translator('ar').plural('{n} issue in the room so far',
                                                         '{n} issues in the room so far', 4))).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    arabic.page.screenshot(path=ARTIFACTS / 'phone-ar-issues-toast.png', animations='disabled', caret='hide')
    _check_mirrored_top(phones)
    # unicode-range: a page fetches a script's font only once such text is on it (no Arabic card yet)
    assert phones['es'].fonts_fetched == []
    devanagari = FONT_FACES['SPCP Devanagari']
    assert sorted(phones['hi'].fonts_fetched) == [devanagari, devanagari.replace('400', '700')]
    for locale in ('es', 'hi', 'ar'):
        shoot(phones[locale].page, f'phone-{locale}-issues.png', style=NO_TOASTS)

    board.page.get_by_role('button', name='Next phase').click()
    for locale, opened in phones.items():
        expect(heading(opened.page, translator(locale)('Vote'))).to_be_visible(timeout=LIVE_S)
    for locale in ('es', 'hi', 'ar'):  # a dot on one's own card: its marks and the take-back button show
        _vote_for(phones[locale], locale)

    # participant text takes its own direction, whatever the page's
    assert {locale: direction(card) for locale, card in cards.items()} == \
        {'es': 'ltr', 'hi': 'ltr', 'ar': 'rtl', 'en': 'ltr'}
    vote_cards = arabic.page.locator('.vote-card')
    assert direction(vote_cards.filter(has_text=ISSUES['en'])) == 'ltr'
    assert direction(vote_cards.filter(has_text=ISSUES['ar'])) == 'rtl'
    arabic_row = vote_cards.filter(has_text=ISSUES['ar'])
    assert left_of(arabic.page.locator('.take-back').nth(_index_of(vote_cards, ISSUES['ar'])), arabic_row)

    _check_fonts(board, phones['hi'])
    for locale in ('es', 'hi', 'ar'):
        shoot(phones[locale].page, f'phone-{locale}-vote.png', style=NO_TOASTS)
    shoot(board.page, 'board-four-scripts.png', style=NO_TOASTS)

    assert pages.dialogs == []
    assert pages.page_errors == []
    assert {name: o.console_errors for name, o in {'board': board, **phones}.items()} == \
        {name: [] for name in ('board', 'es', 'hi', 'ar', 'en')}


def test_a_phone_switches_its_language_with_the_browsers_own_select(pages, server) -> None:
    """The phone's switch is a native <select>: choosing another language reloads the page in it, kept."""
    opened = phone(pages, server.rooms[0]['join_url'], 'en')
    page = opened.page
    expect(page.get_by_role('combobox', name='Language')).to_have_value('en')
    page.get_by_role('combobox', name='Language').select_option('es')
    spanish = page.get_by_role('combobox', name=translator('es')('Language'))
    expect(spanish).to_have_value('es', timeout=LIVE_S)  # the page again, in Spanish
    assert page.evaluate('document.documentElement.lang') == 'es'
    page.reload()
    expect(spanish).to_have_value('es')
    assert pages.page_errors == [] and opened.console_errors == []


def _shoot_quasar_pieces(page) -> None:
    """For a look (test-artifacts only): the group radios, right to left; the phone's language switch is the
    browser's own select (its picker is the phone's), each language named in itself and marked as such."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / 'phone-ar-welcome.png', animations='disabled', caret='hide')
    switch = page.get_by_role('combobox', name=translator('ar')('Language'))
    expect(switch).to_have_value('ar')
    options = switch.locator('option')
    expect(options).to_have_text(['English', 'Español', 'हिन्दी', 'العربية'])
    assert [options.nth(i).get_attribute('lang') for i in range(4)] == ['en', 'es', 'hi', 'ar']


def _check_mirrored_top(phones: dict[str, Opened]) -> None:
    """The language switch sits at the reading end of the room line: right in Spanish, left in Arabic."""
    for locale, switch_first in (('es', False), ('ar', True)):
        page = phones[locale].page
        switch = page.locator('.language-switch')
        room_line = page.locator('.phone-room')
        assert left_of(switch, room_line) is switch_first, locale
        assert page.locator('.phone-phase').evaluate('e => getComputedStyle(e).textAlign') == 'start'


def _index_of(vote_cards, text: str) -> int:
    texts = vote_cards.all_inner_texts()
    return next(i for i, shown in enumerate(texts) if text in shown)


def _vote_for(opened: Opened, locale: str) -> None:
    tr = translator(locale)
    opened.page.locator('.vote-card').filter(has_text=ISSUES[locale]).tap()
    expect(opened.page.get_by_text(tr('Dots left: {n} of {total}', n=2, total=3))).to_be_visible(timeout=LIVE_S)


def _check_fonts(board: Opened, hindi: Opened) -> None:
    """Our webfonts are in use: loaded on the board (cards in both scripts) and, for bold headings,
    on the Hindi phone. Where the system has no such Noto, the woff2 came from our server."""
    on_board = font_faces(board.page)
    for family, file in FONT_FACES.items():
        assert '400:loaded' in on_board.get(family, set()), (family, on_board)
        if not system_has(SYSTEM_FONTS[family]):
            assert file in board.fonts_fetched, (family, board.fonts_fetched)
    assert {'400:loaded', '700:loaded'} <= font_faces(hindi.page)['SPCP Devanagari']
