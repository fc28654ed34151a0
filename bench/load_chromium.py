"""Real Chromium phones beside bench/load.py's simulated ones (``--chromium N``), in one generator process.

Each phone is its own browser context (its own cookies: its own participant), 390x844, opening the
join link of the phase run's first room (the plenary's one room) on 127.0.0.1. It answers ``ready``
once every phone shows its room, waits for ``go`` like the other workers, and then, in each page,
watches for the phase change the board clicks: the first moment the heading shows another title, the
socket is connected, the vote list (if the new phase has one) is no longer loading its cards, and every
font has loaded (checked on each change of the page and every 20 ms; what is still missing is reported
for a phone that never gets there). That moment (the browser's epoch clock, turned into this machine's monotonic
clock, which the board's worker stamps its click with) is the phone's "usable" time. Chromium is
Debian's /usr/bin/chromium with the project's usual flags; everything is bounded by the run's timeout.
"""
from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']
# window.__spcpWatch(title): from now on, note the epoch ms of the first moment the page is usable again under
# another title (window.__spcpUsable), checked on every change of the page, of its fonts and every 20 ms (a
# page in the background gets no animation frames, and its timers may be slowed); window.__spcpWhy() says
# what is still missing
WATCH_SCRIPT = '''(() => {
  const missing = (title) => {
    const heading = document.querySelector('.phone-phase');
    if (!heading || !heading.getClientRects().length) return 'no heading';
    if (heading.textContent === title) return 'same title';
    if (!(window.socket && window.socket.connected)) return 'socket not connected';
    // the vote list's "loading" line (vote_list.js) while its cards are fetched
    if ([...document.querySelectorAll('p.phone-meta[role=status]')].some((e) => e.getClientRects().length)) {
      return 'list loading';
    }
    return document.fonts.status === 'loaded' ? '' : 'fonts loading';
  };
  window.__spcpWatch = (title) => {
    window.__spcpUsable = null;
    window.__spcpWhy = () => missing(title);
    const check = () => {
      if (window.__spcpUsable === null && !missing(title)) {
        window.__spcpUsable = Date.now();
        observer.disconnect();
        clearInterval(timer);
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
    document.fonts.addEventListener('loadingdone', check);
    const timer = setInterval(check, 20);
  };
})();'''


@dataclass
class ChromiumPlan:
    base_url: str
    code: str               # the room the phones join
    phones: int
    timeout: float
    cpus: set[int] | None   # the generator's CPUs (the browser's processes inherit them)


def heading(page: Any) -> str:
    return page.evaluate("(document.querySelector('.phone-phase') || {}).textContent || ''")


def note_list(page: Any, response: Any) -> None:
    if '/room-cards/' in response.url:
        page.lists.append((response.status, response.url.split('/', 3)[-1]))


def open_phones(browser: Any, plan: ChromiumPlan) -> list[Any]:
    pages = []
    for _ in range(plan.phones):
        context = browser.new_context(viewport={'width': 390, 'height': 844}, is_mobile=True, has_touch=True,
                                      locale='en', extra_http_headers={'Accept-Language': 'en'})
        context.add_init_script(WATCH_SCRIPT)
        page = context.new_page()
        page.lists = []  # (status, path) of every card list fetched (vote_list.js), for a phone that never loads
        page.on('response', partial(note_list, page))
        page.goto(f'{plan.base_url}/r/{plan.code}', timeout=plan.timeout * 1000)
        page.wait_for_function("document.querySelector('.spcp-outbox') && window.socket && window.socket.connected",
                               timeout=plan.timeout * 1000)
        pages.append(page)
    return pages


def watch(pages: list[Any], start: float, timeout: float) -> list[float | None]:
    """Arm every page just before ``start`` (the board's click); each page's usable moment, monotonic."""
    time.sleep(max(0.0, start - 0.3 - time.monotonic()))
    for page in pages:
        page.evaluate('(title) => window.__spcpWatch(title)', heading(page))
    deadline, usable = time.monotonic() + timeout, [None] * len(pages)
    while time.monotonic() < deadline and None in usable:
        for i, page in enumerate(pages):
            if usable[i] is None and (at := page.evaluate('window.__spcpUsable')) is not None:
                usable[i] = at / 1000 - (time.time() - time.monotonic())  # the browser's epoch ms -> monotonic
        time.sleep(0.05)
    return usable


def main(plan: ChromiumPlan, conn: Connection) -> None:
    """The process's entry point, speaking the same messages as bench/load_worker.py."""
    if plan.cpus:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, plan.cpus)
    from playwright.sync_api import sync_playwright
    errors: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                pages = open_phones(browser, plan)
                conn.send({'ready': True, 'phones': 0, 'errors': 0})
                go = conn.recv()
                cpu, started = time.process_time(), time.monotonic()
                usable = watch(pages, go['start'], plan.timeout)
                titles = [heading(page) for page in pages]
                why = [page.evaluate('window.__spcpWhy ? window.__spcpWhy() : "not watched"')
                       + (f' (card lists: {page.lists[-3:]})' if page.lists else ' (no card list fetched)')
                       for page in pages]
            finally:
                browser.close()
        conn.send({'result': {'chromium': [{'at': at, 'title': title, 'missing': missing} for at, title, missing
                                           in zip(usable, titles, why, strict=True)],
                              'actions': [], 'others': [], 'others_missing': 0, 'clicks': {}, 'joins': [], 'seen': [],
                              'errors': errors, 'disconnects': 0, 'close_codes': [], 'tabs': plan.phones,
                              'cpu_s': time.process_time() - cpu, 'wall_s': time.monotonic() - started}})
    except BaseException as error:  # noqa: BLE001 (the parent reports it; this process never hangs silently)
        with contextlib.suppress(Exception):
            conn.send({'failed': f'chromium: {error!r}'[:1000]})
        raise
