"""Keeps the event's data private on a shared laptop and tells browsers what a page may do.

Files: the data folder holds the database (every participant's words), the secret that signs
browser ids and NiceGUI's own storage. Only the account running SPCP Live may read them: folders
0700, files 0600. New files get that from a process umask of 0o077; :func:`lock_down` tightens what
an earlier version left readable by others (0755 folder, 0644 files).

HTTP: :class:`SecurityHeaders` is a pure ASGI middleware that adds a Content-Security-Policy and
three other headers to every HTTP response; websocket traffic passes through untouched.
"""
from __future__ import annotations

import logging
import os
import secrets
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SECRET_FILE = 'storage-secret.txt'
DATABASE_FILES = 'spcp.sqlite3*'  # the database, its -wal, -shm, -journal and any copy beside it
NICEGUI_STORAGE_DIR = 'nicegui-storage'

# NiceGUI's page has inline <script>s and compiles Vue templates and js_handlers with eval, and it
# writes inline <style>s and style="" attributes: measured in Chromium, dropping any of the three
# 'unsafe-*' below breaks the pages. Everything else comes from this server only.
CONTENT_SECURITY_POLICY = '; '.join((
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "script-src-attr 'none'",  # no onclick=/onerror= attributes: NiceGUI never writes them, injected markup would
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",  # the board's QR code is a data: URL
    "font-src 'self'",  # NiceGUI's icon fonts are files under /_nicegui/ (no data: fonts)
    "connect-src 'self'",  # socket.io: same-origin ws:// and polling
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
))
SECURITY_HEADERS: dict[str, str] = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',  # a facilitator link carries its key: never send it elsewhere
    'X-Frame-Options': 'DENY',
}


def nicegui_storage_dir(data_dir: Path) -> Path:
    return Path(data_dir) / NICEGUI_STORAGE_DIR


def prepare(data_dir: Path) -> list[Path]:
    """Make every file this process creates private, create the private folders and lock down
    what is already there. Call before the database is opened. Returns what was tightened."""
    os.umask(PRIVATE_UMASK)  # process-wide on purpose: SQLite, NiceGUI and we all create files later
    data_dir = Path(data_dir)
    data_dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    storage = nicegui_storage_dir(data_dir)
    storage.mkdir(mode=PRIVATE_DIR, exist_ok=True)
    # read by NiceGUI when it is first imported: `spcp serve` gets here before that import
    os.environ['NICEGUI_STORAGE_PATH'] = str(storage)
    tightened = lock_down(data_dir)
    if tightened:
        names = ', '.join('the folder itself' if p == data_dir else str(p.relative_to(data_dir)) for p in tightened)
        log.warning('Locked down %d path(s) other accounts could open in %s (now folders 0700, files 0600): %s',
                    len(tightened), data_dir, names)
    return tightened


def lock_down(data_dir: Path) -> list[Path]:
    """Folders to 0700, files to 0600 wherever group or others had any access. Returns the paths changed."""
    data_dir = Path(data_dir)
    storage = nicegui_storage_dir(data_dir)
    candidates: list[tuple[Path, int]] = [(data_dir, PRIVATE_DIR), (storage, PRIVATE_DIR),
                                          (data_dir / SECRET_FILE, PRIVATE_FILE)]
    candidates += [(path, PRIVATE_FILE) for path in sorted(data_dir.glob(DATABASE_FILES))]
    if storage.is_dir():
        candidates += [(path, PRIVATE_FILE) for path in sorted(storage.iterdir())]
    return [path for path, mode in candidates if _tighten(path, mode)]


def _tighten(path: Path, mode: int) -> bool:
    """chmod ``path`` to ``mode`` if group or others have any access; True if it did."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return False
    want_dir = mode == PRIVATE_DIR
    # never follow a symlink (it could point anywhere) nor chmod a socket or device
    if not (stat.S_ISDIR(info.st_mode) if want_dir else stat.S_ISREG(info.st_mode)):
        return False
    if not info.st_mode & 0o077:
        return False
    try:
        path.chmod(mode)
    except PermissionError as error:  # e.g. a folder owned by another account: say so, keep running
        log.warning('Cannot make %s private: %s', path, error)
        return False
    return True


def write_private(path: Path, text: str) -> bool:
    """Create ``path`` holding ``text``, 0600 from the first byte. False if it already exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:  # another process made it first: keep theirs
        return False
    with os.fdopen(fd, 'w', encoding='utf-8') as handle:
        handle.write(text)
    return True


def storage_secret(data_dir: Path) -> str:
    """The secret kept beside the data: it signs browser ids (cookies), so they stay valid across restarts and
    every server process of the data folder reads the same one; it also keys the hashed addresses of shared
    rate limits (rate_limits.py)."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        write_private(path, secrets.token_urlsafe(32))  # 0600 from the start, never world-readable
    return path.read_text(encoding='utf-8').strip()


def use_nicegui_storage(data_dir: Path) -> Path:
    """Keep NiceGUI's storage in ``<data_dir>/nicegui-storage`` instead of ``./.nicegui``.

    NiceGUI reads NICEGUI_STORAGE_PATH once, when ``nicegui`` is imported (``Storage.path``), and
    builds ``app.storage`` then. When it was imported before :func:`prepare` ran (``python
    spcp/server.py``, the page tests), point it at the folder and rebuild ``app.storage``, as
    NiceGUI's own test plugin does."""
    folder = nicegui_storage_dir(data_dir).resolve()
    os.environ['NICEGUI_STORAGE_PATH'] = str(folder)
    storage_module = sys.modules.get('nicegui.storage')
    if storage_module is None or storage_module.Storage.path == folder:
        return folder
    from nicegui import app
    storage_module.Storage.path = folder
    app.storage = storage_module.Storage()
    app.storage.general.initialize_sync()
    return folder


class SecurityHeaders:
    """Pure ASGI middleware: sets :data:`SECURITY_HEADERS` on every HTTP response (pages, static
    files, errors), replacing any earlier value. Websocket and lifespan scopes pass untouched."""

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        pairs = (headers if headers is not None else SECURITY_HEADERS).items()
        self.raw = [(name.lower().encode('latin-1'), value.encode('latin-1')) for name, value in pairs]
        self.names = {name for name, _ in self.raw}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message['type'] == 'http.response.start':
                message['headers'] = self._merge(message.get('headers', ()))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _merge(self, headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        return [(k, v) for k, v in headers if k.lower() not in self.names] + self.raw
