"""Phones that lose the connection keep every word: assets/outbox.js in real Chromium over a real cut.

Each phone (390x844) opens its join URL through its own :class:`TcpProxy`; the boards talk to the
server directly. Cutting a proxy kills the phone's open WebSocket and refuses every reconnect, as a
dropped Wi-Fi does (Playwright's ``set_offline`` may leave an open WebSocket alone). NiceGUI keeps a
disconnected client for ``RECONNECT_TIMEOUT_S`` (30 s): a phone back within it reconnects to the same
page, one back later finds its page gone and reloads, and then only the browser's outbox and drafts
can carry the words over. All phones are cut at the same moment and restored on their own schedule,
so the 5 s, 40 s and 120 s drops (for a 30 s window) run side by side, about 2.5 minutes on a server of
their own:

- room 1: three phones each tap 'Add issue' while cut and type a second draft they do not send;
  back after 5 s (no reload; its tap is a double tap), 40 s and 120 s (reloads; the last in Arabic);
- room 2 (Arabic): an issue tapped while cut, then the board moves the room to Vote: the phone shows
  the refusal and keeps the text; then a dot tapped during a 40 s cut counts exactly once;
- room 3: the control. Its outbox.js gives way to a plain sender (each tap sent once at once, as a
  NiceGUI click is, nothing kept): the same 40 s drop loses the tapped text and the draft. (Not an
  empty script: the buttons call window.spcpOutbox, so without one a tap would do nothing even online,
  and the control would prove nothing; this one sends a tap while connected, checked first.)
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator

import pytest

from spcp.i18n import Translator, translator
from spcp.server import RECONNECT_TIMEOUT_S

from .conftest import CHROMIUM, PHONE, Pages, Server
from .tcp_proxy import TcpProxy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed (apt-get install chromium)'),
]

playwright = pytest.importorskip('playwright.sync_api')
expect, PlaywrightError = playwright.expect, playwright.Error

BACK_S = 25_000               # ms: socket.io retries every <= 5 s (+/- 50 %), then a reload, a connect, a send
LIVE_S = 5_000                # ms: for a change on a connected screen
# seconds cut: within NiceGUI's reconnect window, past it, far past it (5, 40 and 120 s for a 30 s window)
SHORT, LONG, LONGEST = 5, RECONNECT_TIMEOUT_S + 10, RECONNECT_TIMEOUT_S + 90
EN, AR = translator('en'), translator('ar')
NO_TOASTS = '.q-notifications { display: none !important; }'
VOTED = 'الحافلة الأخيرة تغادر مبكرًا جدًا'  # room 2's card, voted on during a cut
SENT_ONLINE = 'Sent online by the plain sender'

# Every notification a page showed, kept in sessionStorage so it survives the page's own reloads
# (Quasar's toasts vanish after a few seconds, possibly while the test looks at another phone).
RECORD_NOTES = """(() => {
  const seen = node => node.nodeType === 1 && [node, ...node.querySelectorAll('*')]
    .filter(el => el.classList.contains('q-notification__message'))
    .forEach(el => sessionStorage.setItem('test:notes',
      JSON.stringify(JSON.parse(sessionStorage.getItem('test:notes') || '[]').concat([el.textContent]))));
  new MutationObserver(changes => changes.forEach(c => c.addedNodes.forEach(seen)))
    .observe(document, {childList: true, subtree: true});
})()"""

# The control: what a phone without the outbox does. A tap is sent once, right away (socket.io
# buffers it while disconnected, as it did a NiceGUI click), the box empties; nothing is kept.
PLAIN_SENDER = """window.spcpOutbox = {
  send(action) {
    const room = document.querySelector('.spcp-outbox').getAttribute('data-room');
    const input = action.field && document.querySelector(`[data-draft="${action.field}"]`);  // the <textarea>
    const item = {key: Date.now().toString(36) + Math.random().toString(36).slice(2, 12), room, ...action};
    if (input) {
      item.text = input.value;
      input.value = '';
      input.dispatchEvent(new Event('input', {bubbles: true}));
    }
    window.emitEvent('spcp_outbox', item);
  },
  ack() {},
};"""


@pytest.fixture(scope='module')
def server(make_server) -> Server:
    """This module's own server: many phones from 127.0.0.1, so the per-address limits are off."""
    return make_server(SPCP_JOINS_PER_ADDRESS='0', SPCP_PAGE_LOADS_PER_ADDRESS='', SPCP_ACTIONS_PER_ADDRESS='')


@pytest.fixture
def proxies(server) -> Iterator[Callable[[], TcpProxy]]:
    """``proxies()``: a new proxy to this server; all are closed after the test."""
    with contextlib.ExitStack() as stack:
        yield lambda: stack.enter_context(TcpProxy(int(server.base_url.rsplit(':', 1)[1])))


# ---------- helpers ----------

def open_phone(pages: Pages, proxy: TcpProxy, room: dict, tr: Translator = EN, *, outbox: str | None = None):
    """A phone in its own context, through ``proxy``, reading ``tr``'s language; ``outbox`` replaces
    assets/outbox.js. Kept in ``pages`` so the fixture screenshots and closes it like the others."""
    context = pages.browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1,
                                        extra_http_headers={'Accept-Language': tr.locale})
    pages.contexts.append(context)
    context.add_init_script(RECORD_NOTES)
    if outbox is not None:  # in place before assets/outbox.js (inline in the page's head), which then steps aside
        context.add_init_script(outbox)
    page = context.new_page()
    page.set_default_timeout(LIVE_S)
    page.on('pageerror', lambda error: pages.page_errors.append(str(error)))
    page.goto(room['join_url'].replace(pages.server.base_url, proxy.base_url))
    expect(page.get_by_role('heading', name=tr('Name the issues'), exact=True)).to_be_visible()
    return page


def notes(page) -> list[str]:
    return json.loads(page.evaluate("sessionStorage.getItem('test:notes') || '[]'"))


def query(server: Server, sql: str, *args: object) -> list[tuple]:
    """Read the database file read-only (the server keeps writing it)."""
    with contextlib.closing(sqlite3.connect(f'file:{server.database}?mode=ro', uri=True, timeout=5)) as db:
        return db.execute(sql, args).fetchall()


def room_cards(server: Server, room: dict) -> list[str]:
    rows = query(server, 'SELECT card.text FROM card JOIN room ON room.id = card.room_id '
                         'WHERE room.join_code = ? ORDER BY card.id', room['code'])
    return [text for (text,) in rows]


def dots_on(server: Server, text: str) -> int:
    return query(server, 'SELECT count(*) FROM vote JOIN card ON card.id = vote.card_id WHERE card.text = ?',
                 text)[0][0]


def wait_for_card(server: Server, room: dict, text: str, page) -> None:
    deadline = time.monotonic() + BACK_S / 1000
    while text not in room_cards(server, room):
        assert time.monotonic() < deadline, f'{text!r} never reached the database: {room_cards(server, room)}'
        page.wait_for_timeout(250)


def sleep_until(page, moment: float) -> None:
    """Wait (pumping Playwright's events) until ``time.monotonic()`` reaches ``moment``."""
    left_ms = int((moment - time.monotonic()) * 1000)
    if left_ms > 0:
        page.wait_for_timeout(left_ms)


def tap_while_cut(phone, tr: Translator, tapped: str, draft: str, *, taps: int = 1) -> None:
    """Type an issue and tap 'Add issue' (the box empties: the outbox has it), then type a draft."""
    phone.locator('textarea').fill(tapped)
    for _ in range(taps):
        phone.get_by_role('button', name=tr('Add issue')).tap()
    expect(phone.locator('textarea')).to_have_value('')
    phone.locator('textarea').fill(draft)


def expect_offline_banner(phone, tr: Translator, waiting: str) -> None:
    """The banner says the phone is offline and what waits, and leaves the box and its button free."""
    banner = phone.locator('#spcp-banner')
    expect(banner).to_have_class('offline')
    expect(banner.locator('strong')).to_have_text(tr('Offline: your words are kept and will be sent when the '
                                                     'connection is back.'))
    expect(banner.locator('span')).to_have_text(tr('Waiting to send: {n}').replace('{n}', '1'))
    expect(banner.locator('q')).to_have_text(waiting)
    if phone.locator('textarea').count():  # in Issues: one can go on typing and tapping while offline
        button = phone.get_by_role('button', name=tr('Add issue')).bounding_box()
        assert button is not None and banner.bounding_box()['y'] >= button['y'] + button['height']


def mark_page(page) -> None:
    page.evaluate('window.__same_page = true')  # gone after a reload


def reloaded(page) -> bool:
    return page.evaluate('window.__same_page') is None


def wait_reloaded(page) -> None:
    """Until the page has reloaded and shows its text box again (evaluate fails while it navigates)."""
    deadline = time.monotonic() + BACK_S / 1000
    while True:
        with contextlib.suppress(PlaywrightError):
            if page.evaluate('window.__same_page === undefined && !!document.querySelector("textarea")'):
                return
        assert time.monotonic() < deadline, 'the page did not reload'
        time.sleep(0.25)


def expect_all_sent(phone, *, kept: bool = False) -> None:
    """The outbox is empty and the banner gone (or, with a kept text, showing only that)."""
    phone.wait_for_function('() => window.spcpOutbox && window.spcpOutbox.items().length === 0', timeout=BACK_S)
    banner = phone.locator('#spcp-banner')
    if kept:
        expect(banner).not_to_have_class('offline')
        expect(banner.locator('> span, > strong, > q')).to_have_count(0)
    else:
        expect(banner).to_be_hidden()


def expect_back(phone, server: Server, room: dict, tr: Translator, tapped: str, draft: str, *, reload: bool) -> None:
    """After the cut: the tapped issue is stored once, the unsent draft is in the box, the banner is gone."""
    wait_for_card(server, room, tapped, phone)
    expect_all_sent(phone)
    assert room_cards(server, room).count(tapped) == 1
    assert draft not in room_cards(server, room)
    expect(phone.locator('textarea')).to_have_value(draft)
    expect(phone.locator('.mine').filter(has_text=tapped)).to_have_count(1)
    assert reloaded(phone) is reload  # a cut past the reconnect window really went through a reload
    assert tr('Added. Thank you.') in notes(phone)
    assert tr('Please write some text.') not in notes(phone)


# ---------- the test ----------

def test_phones_keep_typed_and_tapped_words_through_5_40_and_120_second_cuts(
        pages, server, proxies, shoot) -> None:
    issues_room, vote_room, control_room = server.rooms
    boards = [pages.board(room) for room in server.rooms]
    for board in boards:  # Welcome -> Name the issues
        board.get_by_role('button', name='Next phase').click()
    cut = {name: proxies() for name in ('short', 'long', 'longest', 'vote', 'control')}
    short = open_phone(pages, cut['short'], issues_room)
    long = open_phone(pages, cut['long'], issues_room)
    longest = open_phone(pages, cut['longest'], issues_room, AR)
    voter = open_phone(pages, cut['vote'], vote_room, AR)
    control = open_phone(pages, cut['control'], control_room, outbox=PLAIN_SENDER)
    online_first(server, (voter, AR, vote_room, VOTED), (control, EN, control_room, SENT_ONLINE))
    for phone in (short, long, longest, voter, control):
        mark_page(phone)

    # everyone is cut at once; each taps one issue and leaves a second one typed but not sent
    for proxy in cut.values():
        proxy.stop()
    start = time.monotonic()
    typed = {short: ('Cut 5 s: nobody explains a stop', 'Cut 5 s: draft not sent yet'),
             long: ('Cut 40 s: no interpreter at the door', 'Cut 40 s: draft not sent yet'),
             longest: ('انقطاع 120 ثانية: لا أحد يرد على الشكاوى', 'مسودة لم تُرسل بعد'),
             control: ('Cut 40 s without the outbox', 'Draft without the outbox')}
    tap_while_cut(short, EN, *typed[short], taps=2)  # a double tap: one card, no 'Please write some text.'
    tap_while_cut(long, EN, *typed[long])
    tap_while_cut(longest, AR, *typed[longest])
    tap_while_cut(control, EN, *typed[control])
    refused = 'كُتبت في مرحلة القضايا ولم تصل في وقتها'
    voter.locator('textarea').fill(refused)
    voter.get_by_role('button', name=AR('Add issue')).tap()
    boards[1].get_by_role('button', name='Next phase').click()  # the room moves to Vote while the phone is cut
    expect(boards[1].get_by_text('Spend your dots on the issues that matter most to you.')).to_be_visible()

    for phone, tr, waiting in ((short, EN, typed[short][0]), (long, EN, typed[long][0]),
                               (longest, AR, typed[longest][0]), (voter, AR, refused)):
        expect_offline_banner(phone, tr, waiting)
    shoot(long, 'phone-offline-waiting.png', style=NO_TOASTS)
    shoot(longest, 'phone-offline-waiting-ar.png', style=NO_TOASTS)
    assert longest.evaluate('[document.documentElement.dir, getComputedStyle(document.getElementById('
                            '"spcp-banner")).direction]') == ['rtl', 'rtl']

    sleep_until(short, start + SHORT)
    cut['short'].restart()
    cut['vote'].restart()
    expect_back(short, server, issues_room, EN, *typed[short], reload=False)
    refused_for_good(voter, server, vote_room, refused, shoot)
    vote_cut = dot_while_cut(voter, cut['vote'], VOTED)

    sleep_until(long, start + LONG)
    cut['long'].restart()
    cut['control'].restart()
    expect_back(long, server, issues_room, EN, *typed[long], reload=True)
    lost_without_the_outbox(control, server, control_room, *typed[control])

    sleep_until(voter, vote_cut + LONG)
    cut['vote'].restart()
    dot_counted_once(voter, server, VOTED, refused)

    sleep_until(longest, start + LONGEST)
    cut['longest'].restart()
    expect_back(longest, server, issues_room, AR, *typed[longest], reload=True)
    assert sorted(room_cards(server, issues_room)) == sorted(words[0] for phone, words in typed.items()
                                                             if phone is not control)
    assert pages.page_errors == []


def online_first(server: Server, *phones: tuple) -> None:
    """Each (phone, tr, room, text) adds an issue while connected: room 2's card to vote on later,
    and proof that the control's plain sender does send a tap when the phone is online."""
    for phone, tr, room, text in phones:
        phone.locator('textarea').fill(text)
        phone.get_by_role('button', name=tr('Add issue')).tap()
        wait_for_card(server, room, text, phone)


def refused_for_good(voter, server: Server, room: dict, refused: str, shoot) -> None:
    """Tapped in Issues, delivered in Vote: the refusal is shown and the words stay on screen."""
    expect(voter.get_by_role('heading', name=AR('Vote'), exact=True)).to_be_visible(timeout=BACK_S)
    kept = voter.locator('#spcp-banner div')
    expect(kept.locator('q')).to_have_text(refused, timeout=BACK_S)
    expect(kept.locator('span')).to_have_text(AR('Not sent. Your text is kept here:'))
    expect(voter.locator('#spcp-banner')).not_to_have_class('offline')
    assert AR('Issues can only be added while the room is naming issues.') in notes(voter)
    assert refused not in room_cards(server, room)
    assert reloaded(voter) is False
    shoot(voter, 'phone-kept-ar-with-refusal.png')  # as the reader sees it in the first seconds
    shoot(voter, 'phone-kept-ar.png', style=NO_TOASTS)
    # the banner is redrawn only when it changes: its OK button keeps the focus across the script's ticks
    ok = voter.locator('#spcp-banner button')
    ok.focus()
    voter.wait_for_timeout(2_500)
    assert voter.evaluate('document.activeElement === document.querySelector("#spcp-banner button")')


def dot_while_cut(voter, proxy: TcpProxy, card: str) -> float:
    """Cut the phone again and tap one dot; return when the cut began."""
    expect(voter.get_by_text(AR('Dots left: {n} of {total}', n=3, total=3))).to_be_visible()
    proxy.stop()
    cut_at = time.monotonic()
    voter.locator('.vote-card').filter(has_text=card).tap()
    expect(voter.locator('#spcp-banner > span')).to_have_text(AR('Waiting to send: {n}').replace('{n}', '1'))
    return cut_at


def dot_counted_once(voter, server: Server, card: str, refused: str) -> None:
    expect_all_sent(voter, kept=True)
    expect(voter.get_by_text(AR('Dots left: {n} of {total}', n=2, total=3))).to_be_visible()
    assert dots_on(server, card) == 1
    assert reloaded(voter) is True
    # the refused text is still kept on screen after the reload, until the reader dismisses it
    expect(voter.locator('#spcp-banner div q')).to_have_text(refused)
    voter.locator('#spcp-banner button').tap()
    expect(voter.locator('#spcp-banner')).to_be_hidden()


def lost_without_the_outbox(control, server: Server, room: dict, tapped: str, draft: str) -> None:
    """The control: back after the same 40 s, reloaded, and both the tap and the draft are gone."""
    wait_reloaded(control)
    expect(control.get_by_role('heading', name='Name the issues', exact=True)).to_be_visible()
    control.wait_for_timeout(3_000)  # as long as the outbox phone needed to send after its reload
    assert tapped not in room_cards(server, room)
    assert room_cards(server, room) == [SENT_ONLINE]
    expect(control.locator('textarea')).to_have_value('')
    expect(control.get_by_text(tapped)).to_have_count(0)
    expect(control.get_by_text(draft)).to_have_count(0)
