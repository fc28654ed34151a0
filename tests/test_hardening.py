"""Private files and security headers (spcp/hardening.py).

Unit tests first (lock_down, prepare, the secret, NiceGUI's storage folder, the ASGI middleware
called directly); then one real ``spcp serve`` on 127.0.0.1, started on a data folder loosened the
way today's version leaves it, checked for file modes, headers and — in headless Chromium — a board
and a phone that still work with zero Content-Security-Policy violations.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from spcp import hardening
from spcp.hardening import CONTENT_SECURITY_POLICY, SECURITY_HEADERS, SecurityHeaders
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, PROJECTOR, SPCP

from .serving import free_port, stop, wait_until_up

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DB_FILES = ('spcp.sqlite3', 'spcp.sqlite3-shm', 'spcp.sqlite3-wal')


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def process_state(monkeypatch) -> Iterator[None]:
    """prepare() sets the umask and NICEGUI_STORAGE_PATH for the whole process: undo both."""
    monkeypatch.setenv('NICEGUI_STORAGE_PATH', 'unset-by-test')  # recorded, so restored afterwards
    previous = os.umask(0o022)  # what a login shell usually has: files 0644, folders 0755
    yield
    os.umask(previous)


def loosen_like_todays_version(data: Path) -> None:
    """What the version before this one leaves: folders 0755, files 0644."""
    storage = data / 'nicegui-storage'
    storage.mkdir(parents=True, exist_ok=True)
    (storage / 'storage-general.json').write_text('{"seen": 1}')
    (data / 'storage-secret.txt').write_text('old-secret')
    for path in (data, storage):
        path.chmod(0o755)
    for path in (*storage.iterdir(), *data.iterdir()):
        if path.is_file():
            path.chmod(0o644)


# --- files ----------------------------------------------------------------------------------------

def test_lock_down_tightens_exactly_what_others_could_open(tmp_path) -> None:
    data = tmp_path / 'data'
    data.mkdir()
    for name in DB_FILES:
        (data / name).write_bytes(b'')
    (data / 'server.log').write_text('not ours to guard')
    loosen_like_todays_version(data)
    (data / 'link-to-log').symlink_to(data / 'server.log')  # a symlink is never followed

    storage = data / 'nicegui-storage'
    assert hardening.lock_down(data) == [data, storage, data / 'storage-secret.txt',
                                         *(data / name for name in DB_FILES), storage / 'storage-general.json']
    assert [mode(p) for p in (data, storage)] == [0o700, 0o700]
    assert {mode(p) for p in (data / 'storage-secret.txt', storage / 'storage-general.json',
                              *(data / n for n in DB_FILES))} == {0o600}
    assert mode(data / 'server.log') == 0o644
    assert hardening.lock_down(data) == []  # nothing left to do


def test_lock_down_of_a_missing_folder_changes_nothing(tmp_path) -> None:
    assert hardening.lock_down(tmp_path / 'nowhere') == []


def test_prepare_makes_new_files_private_and_logs_one_line_for_old_ones(tmp_path, process_state, caplog) -> None:
    data = tmp_path / 'data'
    data.mkdir()
    loosen_like_todays_version(data)
    with caplog.at_level(logging.WARNING, logger='spcp.hardening'):
        tightened = hardening.prepare(data)
        assert hardening.prepare(data) == []
    assert len(tightened) == 4
    assert [r.getMessage() for r in caplog.records] == [
        f'Locked down 4 path(s) other accounts could open in {data} (now folders 0700, files 0600): '
        'the folder itself, nicegui-storage, storage-secret.txt, nicegui-storage/storage-general.json']
    assert os.environ['NICEGUI_STORAGE_PATH'] == str(data / 'nicegui-storage')
    (data / 'new.txt').write_text('x')  # the umask now set for the whole process
    (data / 'new-folder').mkdir()
    assert (mode(data / 'new.txt'), mode(data / 'new-folder')) == (0o600, 0o700)


def test_prepare_creates_the_folders_private(tmp_path, process_state) -> None:
    data = tmp_path / 'a' / 'data'
    assert hardening.prepare(data) == []
    assert (mode(data), mode(data / 'nicegui-storage')) == (0o700, 0o700)


def test_sqlite_database_and_its_wal_and_shm_are_created_private(tmp_path, process_state) -> None:
    data = tmp_path / 'data'
    hardening.prepare(data)
    connection = sqlite3.connect(data / 'spcp.sqlite3')
    try:
        connection.execute('PRAGMA journal_mode=WAL')
        connection.execute('CREATE TABLE t (x)')
        connection.execute('INSERT INTO t VALUES (1)')
        connection.commit()
        assert {name: mode(data / name) for name in DB_FILES} == dict.fromkeys(DB_FILES, 0o600)
    finally:
        connection.close()


def test_secret_is_created_0600_without_a_later_chmod(tmp_path, monkeypatch) -> None:
    """With umask 0 a file gets exactly the mode it is created with; chmod is forbidden, so a
    0600 result means it was never readable by others, not even for a moment."""
    from spcp import server
    from spcp.settings import Settings

    def forbidden(*_args, **_kwargs):
        raise AssertionError('the secret must be created private, not fixed afterwards')
    for owner, name in ((os, 'chmod'), (os, 'fchmod'), (Path, 'chmod')):
        monkeypatch.setattr(owner, name, forbidden)
    cfg = Settings(host='127.0.0.1', port=8080, data_dir=tmp_path / 'data', database_url='sqlite://',
                   public_url=None)
    previous = os.umask(0)
    try:
        secret = server.storage_secret(cfg)
    finally:
        os.umask(previous)
    path = tmp_path / 'data' / 'storage-secret.txt'
    assert mode(path) == 0o600 and mode(tmp_path / 'data') == 0o700
    assert len(secret) >= 40 and path.read_text() == secret
    assert server.storage_secret(cfg) == secret  # kept across restarts


def test_write_private_never_replaces_an_existing_file(tmp_path) -> None:
    path = tmp_path / 'secret'
    assert hardening.write_private(path, 'first') is True
    assert hardening.write_private(path, 'second') is False
    assert path.read_text() == 'first'


def test_nicegui_storage_moves_into_the_data_folder_when_nicegui_was_imported_first(tmp_path, monkeypatch) -> None:
    from nicegui import app
    from nicegui.storage import Storage

    monkeypatch.setattr(Storage, 'path', Storage.path)  # NiceGUI's test plugin's folder comes back afterwards
    monkeypatch.setattr(app, 'storage', app.storage)
    monkeypatch.setenv('NICEGUI_STORAGE_PATH', 'unset-by-test')
    folder = tmp_path / 'data' / 'nicegui-storage'
    folder.mkdir(parents=True)
    (folder / 'storage-general.json').write_text('{"kept": 1}')
    assert hardening.use_nicegui_storage(tmp_path / 'data') == folder
    assert Storage.path == folder
    assert app.storage.general.filepath == folder / 'storage-general.json'
    assert dict(app.storage.general) == {'kept': 1}


def test_cli_sets_the_nicegui_storage_folder_before_nicegui_is_imported(tmp_path) -> None:
    """`spcp serve` runs configure() before importing NiceGUI, which then reads the variable."""
    data = tmp_path / 'data'
    script = ('from pathlib import Path\nfrom spcp.cli import configure\n'
              f'configure(data_dir=Path({str(data)!r}))\n'
              'import sys\nassert "nicegui" not in sys.modules\n'
              'from nicegui import app\nprint(app.storage.general.filepath)\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'SPCP_', 'NICEGUI_'))}
    done = subprocess.run([sys.executable, '-c', script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(data / 'nicegui-storage' / 'storage-general.json')


# --- the middleware, called directly ---------------------------------------------------------------

def _headers_app() -> Starlette:
    async def page(_request):
        return PlainTextResponse('hi', headers={'X-Frame-Options': 'SAMEORIGIN', 'X-Kept': 'yes'})
    starlette = Starlette(routes=[Route('/', page)])
    starlette.add_middleware(SecurityHeaders)
    return starlette


async def test_middleware_sets_each_header_once_replacing_earlier_values() -> None:
    transport = httpx.ASGITransport(app=_headers_app())
    async with httpx.AsyncClient(transport=transport, base_url='http://spcp.test') as client:
        page, missing = await client.get('/'), await client.get('/missing')
    assert (page.status_code, missing.status_code) == (200, 404)
    for response in (page, missing):
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get_list(name) == [value], (response.url, name)
    assert page.headers['x-kept'] == 'yes' and page.headers['content-type'].startswith('text/plain')


async def test_middleware_passes_websocket_and_lifespan_scopes_untouched() -> None:
    seen = []

    async def inner(scope, receive, send):
        seen.append((scope['type'], receive, send))

    async def receive():
        return {}

    async def send(_message):
        return None
    middleware = SecurityHeaders(inner)
    for kind in ('websocket', 'lifespan'):
        await middleware({'type': kind}, receive, send)
    assert seen == [('websocket', receive, send), ('lifespan', receive, send)]


def test_policy_allows_nothing_from_other_origins() -> None:
    directives = dict(d.split(' ', 1) for d in CONTENT_SECURITY_POLICY.split('; '))
    assert directives == {
        'default-src': "'self'", 'script-src': "'self' 'unsafe-inline' 'unsafe-eval'", 'script-src-attr': "'none'",
        'style-src': "'self' 'unsafe-inline'", 'img-src': "'self' data:", 'font-src': "'self'",
        'connect-src': "'self'", 'frame-ancestors': "'none'", 'base-uri': "'none'", 'form-action': "'self'",
        'object-src': "'none'"}


# --- one real server --------------------------------------------------------------------------------

@dataclass
class Served:
    base_url: str
    data: Path
    cwd: Path
    event: dict
    log: Path


@pytest.fixture(scope='module')
def served(tmp_path_factory) -> Iterator[Served]:
    """An event created, its folder loosened as today's version leaves it, then `spcp serve` (umask 022)."""
    root = tmp_path_factory.mktemp('hardening')
    data, cwd = root / 'data', root / 'cwd'
    cwd.mkdir()
    port = free_port()
    base_url = f'http://127.0.0.1:{port}'
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'SPCP_', 'NICEGUI_'))}
    env |= {'SPCP_PUBLIC_URL': base_url, 'PYTHONUNBUFFERED': '1'}
    created = subprocess.run([*SPCP, 'event', 'create', '--name', 'Harbor SPCP', '--rooms', '1', '--json',
                              '--data-dir', str(data)], cwd=cwd, env=env, capture_output=True, text=True,
                             timeout=60, umask=0o022)
    assert created.returncode == 0, created.stderr
    loosen_like_todays_version(data)
    log = root / 'server.log'
    with log.open('w') as log_file:
        process = subprocess.Popen([*SPCP, 'serve', '--host', '127.0.0.1', '--port', str(port), '--data-dir',
                                    str(data)], cwd=cwd, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                   umask=0o022)
    try:
        wait_until_up(process, base_url + '/', log)
        yield Served(base_url, data, cwd, json.loads(created.stdout), log)
    finally:
        stop(process)


def _get(url: str):
    try:
        return urllib.request.urlopen(url, timeout=10)
    except urllib.error.HTTPError as error:  # a 404 still has headers
        return error


def test_serve_locks_down_a_folder_left_open_by_todays_version(served) -> None:
    room = served.event['rooms'][0]
    with _get(room['join_url']) as response:  # opens the database: -wal and -shm exist while serving
        assert response.status == 200
    data, storage = served.data, served.data / 'nicegui-storage'
    assert (mode(data), mode(storage)) == (0o700, 0o700)
    files = [data / name for name in (*DB_FILES, 'storage-secret.txt')] + sorted(storage.iterdir())
    assert {str(p.relative_to(data)): mode(p) for p in files} == {str(p.relative_to(data)): 0o600 for p in files}
    assert storage / 'storage-general.json' in files
    assert not (served.cwd / '.nicegui').exists()
    lines = [line for line in served.log.read_text().splitlines() if line.startswith('Locked down')]
    assert lines == [f'Locked down 5 path(s) other accounts could open in {data} (now folders 0700, files 0600): '
                     'the folder itself, nicegui-storage, storage-secret.txt, spcp.sqlite3, '
                     'nicegui-storage/storage-general.json']


def test_every_kind_of_response_carries_the_security_headers(served) -> None:
    from nicegui import __version__ as nicegui_version

    room = served.event['rooms'][0]
    for path, status in ((f'/r/{room["code"]}', 200), ('/assets/spcp.css', 200),
                         (f'/_nicegui/{nicegui_version}/static/nicegui.js', 200), ('/no/such/page', 404)):
        with _get(served.base_url + path) as response:
            assert response.status == status, path
            for name, value in SECURITY_HEADERS.items():
                assert response.headers.get_all(name) == [value], (path, name)


# --- real Chromium ----------------------------------------------------------------------------------

WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI));
"""


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed (apt-get install chromium)')
def test_board_and_phone_work_in_chromium_without_csp_violations(served) -> None:
    sync_api = pytest.importorskip('playwright.sync_api')
    expect = sync_api.expect
    room = served.event['rooms'][0]
    console: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            board, phone = (_open(browser, url, viewport, console, errors) for url, viewport in (
                (room['facilitator_url'], PROJECTOR), (room['join_url'], PHONE)))
            qr = board.locator('.board-qr img')
            expect(qr).to_be_visible()
            board.wait_for_function("() => [...document.querySelectorAll('.board-qr img')]"
                                    '.every(i => i.complete && i.naturalWidth > 0)')
            expect(phone.get_by_role('heading', name='Welcome', exact=True)).to_be_visible()
            board.get_by_role('button', name='Next phase').click()
            expect(phone.get_by_role('heading', name='Name the issues', exact=True)).to_be_visible(timeout=5_000)
            phone.locator('textarea').fill('Nobody explains why a stop happened')
            phone.get_by_role('button', name='Add issue').click()
            expect(board.locator('.board-card').filter(has_text='Nobody explains why')).to_be_visible(timeout=5_000)
            for page in (board, phone):  # same-origin ws:// passes connect-src 'self': no fallback to polling
                assert page.evaluate('window.socket.io.engine.transport.name') == 'websocket'
                assert page.evaluate('window.__csp') == []
            assert [m for m in console if 'Content Security Policy' in m] == []
            assert errors == []
            _check_the_policy_is_enforced(phone)
        finally:
            browser.close()


def _open(browser, url: str, viewport: dict, console: list[str], errors: list[str]):
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(5_000)
    page.add_init_script(WATCH_CSP)
    page.on('console', lambda message: console.append(f'{message.type}: {message.text}'))
    page.on('pageerror', lambda error: errors.append(str(error)))
    page.goto(url)
    return page


def _check_the_policy_is_enforced(page) -> None:
    """The control: markup injected by a script is refused, so the listener above would have seen
    a violation. An image from elsewhere is blocked, and so is its inline onerror handler."""
    page.evaluate("""document.body.insertAdjacentHTML('beforeend',
        '<img src="http://127.0.0.2:9/x.png" onerror="window.__ran = true">')""")
    page.wait_for_function('window.__csp.length >= 2')
    assert sorted(page.evaluate('window.__csp')) == ['img-src http://127.0.0.2:9/x.png', 'script-src-attr inline']
    assert page.evaluate('window.__ran') is None
