"""Real-browser fixtures: the app as a subprocess on 127.0.0.1 and Debian's headless Chromium.

The server is started once per test session, exactly as an organizer would: ``spcp event create
--json`` into a fresh data folder, then ``spcp serve`` on a free port. The tests read the rooms'
codes and links from that JSON. A module that needs other settings (limits on) starts its own with
``make_server(SPCP_...='...')`` or overrides ``server`` with a module fixture. Playwright's sync
API is used from plain (non-async) tests, so it never runs inside pytest-asyncio's event loop.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nicegui
import pytest

from ..serving import free_port, stop, wait_until_up

CHROMIUM = Path('/usr/bin/chromium')
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / 'docs' / 'screenshots'   # committed, shown in the README
ARTIFACTS = PROJECT_ROOT / 'test-artifacts'            # git-ignored: every screenshot, failures, server log
PHONE = {'width': 390, 'height': 844}
PROJECTOR = {'width': 1920, 'height': 1080}
# `python -m spcp.cli` would not run anything (the module has no __main__ block): call its entry point
SPCP = [sys.executable, '-c', 'from spcp.cli import main; main()']


@dataclass
class Server:
    base_url: str
    event: dict
    log: Path
    data_dir: Path
    process: subprocess.Popen = field(repr=False)

    @property
    def rooms(self) -> list[dict]:
        return self.event['rooms']

    @property
    def database(self) -> Path:
        return self.data_dir / 'spcp.sqlite3'


@contextlib.contextmanager
def running_server(data_dir: Path, name: str, **settings: str) -> Iterator[Server]:
    """``spcp event create --json`` (3 rooms) then ``spcp serve``, both on ``data_dir``; ``settings``
    are extra ``SPCP_*`` variables (limits). The server log is copied to test-artifacts/NAME.log."""
    if not CHROMIUM.exists():
        pytest.skip(f'{CHROMIUM} is not installed (apt-get install chromium)')
    port = free_port()
    base_url = f'http://127.0.0.1:{port}'
    # without pytest's variables: NiceGUI would think it runs inside a test (PYTEST_CURRENT_TEST)
    env = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST_', 'SPCP_'))}
    env |= {'SPCP_DATA_DIR': str(data_dir), 'SPCP_HOST': '127.0.0.1', 'SPCP_PORT': str(port),
            'SPCP_PUBLIC_URL': base_url, 'PYTHONUNBUFFERED': '1'} | settings
    created = subprocess.run([*SPCP, 'event', 'create', '--name', 'Riverside SPCP', '--rooms', '3', '--json',
                              '--data-dir', str(data_dir)],
                             cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert created.returncode == 0, created.stderr
    event = json.loads(created.stdout)

    log = data_dir / 'server.log'
    with log.open('w') as log_file:
        process = subprocess.Popen([*SPCP, 'serve', '--host', '127.0.0.1', '--port', str(port),
                                    '--data-dir', str(data_dir), '--public-url', base_url],
                                   cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        wait_until_up(process, base_url + '/', log)
        yield Server(base_url, event, log, data_dir, process)
    finally:
        stop(process)
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(log, ARTIFACTS / f'{name}.log')


@pytest.fixture(scope='session')
def server(tmp_path_factory) -> Iterator[Server]:
    """The server most browser tests share. Its tests open several phones from 127.0.0.1, so the
    per-address limits (new participants, page loads) are off here; test_trust_browser tests them."""
    data_dir = tmp_path_factory.mktemp('spcp-browser-data')
    with running_server(data_dir, 'browser-server', SPCP_JOINS_PER_ADDRESS='0',
                        SPCP_PAGE_LOADS_PER_ADDRESS='') as started:
        yield started


@pytest.fixture(scope='module')
def make_server(tmp_path_factory, request) -> Iterator[Callable[..., Server]]:
    """``make_server(SPCP_NAME='value', ...)``: another server with its own data folder and event,
    for a module that needs other settings; every server made is stopped after the module."""
    with contextlib.ExitStack() as stack:
        def make(**settings: str) -> Server:
            data_dir = tmp_path_factory.mktemp('spcp-browser-data')
            name = f'{request.module.__name__.rsplit(".", 1)[-1]}-server-{data_dir.name}'
            return stack.enter_context(running_server(data_dir, name, **settings))
        yield make


@pytest.fixture(scope='module')
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# a Quasar component the page's Quasar lacks stays in the DOM as an unknown <q-...> element
UNKNOWN_QUASAR_TAGS = "[...new Set([...document.querySelectorAll('*')].map(e => e.localName)" \
                      ".filter(name => name.startsWith('q-')))]"
# on a page that loaded the phone's own Quasar, whose style sheets are trimmed (spcp/phone_quasar.py): the rules
# of NiceGUI's Quasar style sheets that apply to something on the page (pseudo-classes taken away, so a rule
# for :hover counts too) and that the phone's sheets lack
PHONE_STYLES_MISSING = """async (version) => {
  const phone = performance.getEntriesByType('resource').map(e => e.name)
    .filter(url => url.includes('/phone-quasar/') && url.endsWith('.css'));
  if (!phone.length) return [];
  const selectors = async (url) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync((await (await fetch(url)).text()).replace(/@import[^;]+;/g, ''));
    const found = [];
    const walk = (rules) => { for (const rule of rules) {
      if (rule.selectorText) found.push(rule.selectorText);
      if (rule.cssRules) walk(rule.cssRules);
    } };
    walk(sheet.cssRules);
    return found;
  };
  const nicegui = phone.map(url => url.replace(/\\/phone-quasar\\/[^/]+\\//, `/_nicegui/${version}/static/`));
  const kept = new Set((await Promise.all(phone.map(selectors))).flat());
  const applies = (selector) => {
    try { return document.querySelector(selector.replace(/::?[a-z-]+(\\([^)]*\\))?/g, '') || '*') !== null; }
    catch (e) { return false; }
  };
  return (await Promise.all(nicegui.map(selectors))).flat().filter(s => !kept.has(s) && applies(s)).slice(0, 10);
}"""


@dataclass
class Pages:
    """Opens phones and boards in their own browser contexts (separate cookies: separate people)."""
    browser: object
    server: Server
    contexts: list = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def _open(self, url: str, **context_options):
        context = self.browser.new_context(**context_options)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(5_000)
        page.on('dialog', lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on('pageerror', lambda error: self.page_errors.append(str(error)))
        page.goto(url)
        return page

    def phone(self, url: str):
        return self._open(url, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)

    def board(self, room: dict):
        return self._open(room['facilitator_url'], viewport=PROJECTOR, device_scale_factor=1)


@pytest.fixture
def pages(browser, server, request) -> Iterator[Pages]:
    from playwright.sync_api import Error as PlaywrightError

    opened = Pages(browser, server)
    yield opened
    ARTIFACTS.mkdir(exist_ok=True)
    unknown: dict[str, list[str]] = {}
    for i, context in enumerate(opened.contexts):
        for page in context.pages:  # the last state of every page, for looking at a failure
            with contextlib.suppress(PlaywrightError):  # best effort only
                page.screenshot(path=ARTIFACTS / f'{request.node.name}-{i}.png')
                missing = page.evaluate(UNKNOWN_QUASAR_TAGS) + page.evaluate(PHONE_STYLES_MISSING, nicegui.__version__)
                if missing:
                    unknown[page.url] = missing
        context.close()
    assert not unknown, f'Quasar components or styles missing (a phone has its own Quasar: spcp/phone_quasar.py): ' \
                        f'{unknown}'


@pytest.fixture
def shoot() -> Callable[..., Path]:
    """Save a screenshot in test-artifacts/ (git-ignored); with SPCP_UPDATE_SCREENSHOTS=1 also
    refresh the README's copy in docs/screenshots/, so a plain test run leaves the tree clean."""
    def save(page, name: str, **options) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        page.mouse.move(0, 0)  # no hover or focus highlight on the last button pressed
        page.evaluate('document.activeElement && document.activeElement.blur()')
        page.wait_for_timeout(400)  # Quasar fades the hover highlight out
        page.screenshot(path=ARTIFACTS / name, animations='disabled', caret='hide', **options)
        if os.environ.get('SPCP_UPDATE_SCREENSHOTS') == '1':
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ARTIFACTS / name, SCREENSHOTS / name)
        return ARTIFACTS / name
    return save


# ---------- helpers the browser tests share ----------

def heading(page, text: str):
    return page.get_by_role('heading', name=text, exact=True)


def add_issue(phone, text: str) -> None:
    """Type an issue on a phone and add it; the box empties once the server has it."""
    from playwright.sync_api import expect
    phone.locator('textarea').fill(text)
    phone.get_by_role('button', name='Add issue').click()
    expect(phone.locator('textarea')).to_have_value('')
