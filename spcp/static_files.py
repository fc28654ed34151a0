"""Static files served pre-compressed (brotli, gzip) and cached for as long as their URL allows.

NiceGUI gzips its static files at level 9 on every request (a phone's cold load cost the server
~35 ms of CPU, the same bytes each time) and our ``/assets`` were cached for an hour. Here each
file is compressed once, with brotli at quality 11 (quasar.umd.prod.js: 155 KB gzipped, 129 KB as
brotli) and gzip at level 9 for browsers without brotli, and kept in memory; a request picks the
best encoding its ``Accept-Encoding`` allows and gets it with ``Content-Encoding``, ``Vary:
Accept-Encoding``, a strong ``ETag`` per encoding (``If-None-Match`` answers 304) and
``Cache-Control``: a year and ``immutable`` where the URL carries a version (NiceGUI's
``/_nicegui/<version>/...``, our ``/assets/...?v=<ASSET_VERSION>``), an hour otherwise (then a 304).

Where the compressed copies live: ``.cache/static/`` in the checkout (git-ignored), named by the
SHA-256 of the original's bytes. Brotli 11 is slow (0.9 s for Quasar, ~2.5 s for everything a page
loads), so it is paid once per machine and per content, not once per server start or data folder
(every test server has a fresh data folder). A new NiceGUI or a changed asset simply gets new
names; if the folder cannot be written, the copies are kept in memory only. At start-up,
:meth:`StaticStore.warm` prepares the files every page loads in the background, so the first
phones do not wait for brotli; a file asked for before it is ready is compressed right then (in a
worker thread, once however many ask).

Only files that exist are answered here (GET and HEAD); everything else (a missing file, a range
request) goes on to NiceGUI's own handlers unchanged.
"""
from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import logging
import mimetypes
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import brotli
import nicegui
from nicegui.dependencies import js_components
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

CACHE_DIR = Path(__file__).resolve().parent.parent / '.cache' / 'static'
IMMUTABLE = 'public, max-age=31536000, immutable'
REVALIDATE = 'public, max-age=3600'  # an /assets URL without the current version: may change under it
MAX_FILE_BYTES = 4 * 1024 * 1024     # larger files (NiceGUI's sass compiler) are left to NiceGUI
MIN_COMPRESS_BYTES = 256             # below this, headers cost more than compression saves
COMPRESSIBLE = ('text/', 'application/javascript', 'application/json', 'image/svg+xml', 'application/xml')
ENCODINGS = ('br', 'gzip')           # in order of preference when a browser accepts both
COMPRESS: dict[str, Callable[[bytes], bytes]] = {
    'br': lambda data: brotli.compress(data, quality=11),
    'gzip': lambda data: gzip.compress(data, compresslevel=9, mtime=0),  # mtime 0: the same bytes every time
}


@dataclass(frozen=True)
class Root:
    """A URL prefix and how to find the file behind the rest of a path (None: not ours to answer)."""
    prefix: str
    resolve: Callable[[str], Path | None]
    versioned: Callable[[str], bool]  # the query string -> whether this URL names one version for good
    # and whether the file behind it is one the URL's version pins (a component of ours is not: NiceGUI's
    # version path stays the same when we change vote_list.js, so it must be checked again, not kept a year)
    pinned: Callable[[Path], bool] = lambda _path: True


def folder(directory: Path) -> Callable[[str], Path | None]:
    """Files inside ``directory`` only (no ``..``, no absolute paths, no symlinks leading out)."""
    base = directory.resolve()

    def resolve(relative: str) -> Path | None:
        if not relative or '\\' in relative or '\0' in relative:
            return None
        candidate = (base / relative).resolve()
        return candidate if candidate.is_relative_to(base) and candidate.is_file() else None
    return resolve


def asset_version(version: str) -> Callable[[str], bool]:
    """``/assets/x?v=VERSION``: versioned only with the server's current ``ASSET_VERSION``."""
    return lambda query: f'v={version}' in query.split('&')


def always(_query: str) -> bool:
    return True


@dataclass
class Variant:
    body: bytes
    etag: bytes


@dataclass
class Entry:
    stamp: tuple[int, int]  # the file's mtime and size when read: a changed file is read again
    content_type: str
    compressible: bool
    variants: dict[str, Variant] = field(default_factory=dict)  # 'identity', 'br', 'gzip'


def content_type(path: Path) -> str:
    guessed = mimetypes.guess_type(path.name)[0] or 'application/octet-stream'
    return guessed + '; charset=utf-8' if guessed.startswith('text/') or guessed == 'application/javascript' \
        else guessed


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_mtime_ns, info.st_size


class StaticStore:
    """The compressed copies: in memory per process, on disk (``cache_dir``) across processes."""

    def __init__(self, cache_dir: Path | None = CACHE_DIR) -> None:
        self.cache_dir = cache_dir
        self.entries: dict[Path, Entry] = {}
        self.pending: dict[Path, asyncio.Future[Entry]] = {}

    async def entry(self, path: Path) -> Entry:
        """The file's entry, made (in a worker thread) if it is new or changed; one build at a time per file."""
        known = self.entries.get(path)
        if known is not None and known.stamp == _stamp(path):
            return known
        if path in self.pending:
            return await asyncio.shield(self.pending[path])
        future = asyncio.get_running_loop().create_future()
        self.pending[path] = future
        try:
            made = await asyncio.to_thread(self.build, path)
            self.entries[path] = made
            future.set_result(made)
            return made
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: nobody else may be waiting for it
            raise
        finally:
            del self.pending[path]

    def build(self, path: Path) -> Entry:
        stamp = _stamp(path)
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        kind = content_type(path)
        compressible = kind.startswith(COMPRESSIBLE) and len(data) >= MIN_COMPRESS_BYTES
        entry = Entry(stamp, kind, compressible, {'identity': Variant(data, f'"{digest[:32]}"'.encode())})
        if compressible:
            for encoding in ENCODINGS:
                body = self._compressed(data, digest, encoding)
                if len(body) < len(data):
                    entry.variants[encoding] = Variant(body, f'"{digest[:32]}-{encoding}"'.encode())
        return entry

    def _compressed(self, data: bytes, digest: str, encoding: str) -> bytes:
        cached = self.cache_dir / f'{digest}.{"br" if encoding == "br" else "gz"}' if self.cache_dir else None
        if cached is not None and cached.is_file():
            return cached.read_bytes()
        body = COMPRESS[encoding](data)
        if cached is not None:
            self._keep(cached, body)
        return body

    def _keep(self, target: Path, body: bytes) -> None:
        """Write atomically (servers started together may write the same file); memory only on failure."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=target.parent, prefix='.tmp-', delete=False) as out:
                out.write(body)
            try:
                os.chmod(out.name, 0o644)  # the originals are public files too
                os.replace(out.name, target)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(out.name)  # left only if the replace failed
        except OSError as error:
            log.warning('static files: cannot keep compressed copies in %s (%s); memory only', target.parent, error)
            self.cache_dir = None

    async def warm(self, paths: Iterable[Path]) -> None:
        """Prepare ``paths`` one after another (a single worker thread), so the first phones need not wait."""
        for path in paths:
            with contextlib.suppress(OSError):
                await self.entry(path)


def choose(accept_encoding: str, entry: Entry) -> str:
    """The best encoding of ``entry`` that the ``Accept-Encoding`` header allows (q=0 refuses)."""
    accepted: dict[str, float] = {}
    for part in accept_encoding.lower().split(','):
        name, _, params = part.strip().partition(';')
        quality = 1.0
        if params.strip().startswith('q='):
            with contextlib.suppress(ValueError):
                quality = float(params.strip()[2:])
        accepted[name.strip()] = quality
    for encoding in ENCODINGS:
        if encoding in entry.variants and accepted.get(encoding, accepted.get('*', 0)) > 0:
            return encoding
    return 'identity'


class PrecompressedStatic:
    """Pure ASGI middleware: answers GET/HEAD of an existing file under one of ``roots`` from ``store``."""

    def __init__(self, app: ASGIApp, roots: Iterable[Root], store: StaticStore) -> None:
        self.app, self.roots, self.store = app, tuple(roots), store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._find(scope)
        if found is None:
            await self.app(scope, receive, send)
            return
        root, path = found
        try:
            entry = await self.store.entry(path)
        except OSError:  # gone since it was found: NiceGUI answers (404)
            await self.app(scope, receive, send)
            return
        versioned = root.versioned(scope.get('query_string', b'').decode('latin-1')) and root.pinned(path)
        await self._answer(scope, send, entry, versioned)

    def _find(self, scope: Scope) -> tuple[Root, Path] | None:
        if scope['type'] != 'http' or scope.get('method') not in ('GET', 'HEAD'):
            return None
        headers = dict(scope.get('headers') or [])
        if b'range' in headers:  # NiceGUI's StaticFiles answers ranges
            return None
        url_path: str = scope.get('path', '')
        for root in self.roots:
            if url_path.startswith(root.prefix):
                path = root.resolve(url_path[len(root.prefix):])
                with contextlib.suppress(OSError):
                    if path is not None and path.stat().st_size <= MAX_FILE_BYTES:
                        return root, path
                return None
        return None

    async def _answer(self, scope: Scope, send: Send, entry: Entry, versioned: bool) -> None:
        request = dict(scope.get('headers') or [])
        encoding = choose(request.get(b'accept-encoding', b'').decode('latin-1'), entry)
        variant = entry.variants[encoding]
        headers = [(b'content-type', entry.content_type.encode()), (b'etag', variant.etag),
                   (b'cache-control', (IMMUTABLE if versioned else REVALIDATE).encode())]
        if entry.compressible:
            headers.append((b'vary', b'Accept-Encoding'))
        if encoding != 'identity':
            headers.append((b'content-encoding', encoding.encode()))
        if _matches(request.get(b'if-none-match', b''), variant.etag):
            await send({'type': 'http.response.start', 'status': 304, 'headers': headers})
            await send({'type': 'http.response.body', 'body': b''})
            return
        headers.append((b'content-length', str(len(variant.body)).encode()))
        await send({'type': 'http.response.start', 'status': 200, 'headers': headers})
        await send({'type': 'http.response.body', 'body': b'' if scope['method'] == 'HEAD' else variant.body})


def _matches(if_none_match: bytes, etag: bytes) -> bool:
    tags = {tag.strip().removeprefix(b'W/') for tag in if_none_match.split(b',')}
    return b'*' in tags or etag in tags


# ---------- what this app serves ----------

NICEGUI_STATIC = Path(nicegui.__file__).parent / 'static'
# what NiceGUI's page template (templates/index.html, prod_js) and its import map load on every page,
# slowest to compress first; the Quasar language file of each of our languages comes after
PAGE_FILES = ('quasar.umd.prod.js', 'quasar.unimportant.prod.css', 'vue.esm-browser.prod.js', 'socket.io.min.js',
              'quasar.important.prod.css', 'dompurify.mjs', 'fonts.css', 'nicegui.js', 'nicegui.css')


def nicegui_component(key: str) -> Path | None:
    """``/_nicegui/<version>/components/<key>``: a Vue component NiceGUI serves from a .js file."""
    component = js_components.get(key)
    return component.path if component is not None and component.path.is_file() else None


def part_of_nicegui(path: Path) -> bool:
    """A file that ships with NiceGUI (its version is in the URL), not one of ours served beside it."""
    return NICEGUI_STATIC.parent in path.resolve().parents


def roots(assets: Path, version: str, compiled: Mapping[Path, Path] | None = None) -> list[Root]:
    """NiceGUI's static files and .js components (their URL names NiceGUI's version), and our assets; a component
    whose source is in ``compiled`` is answered with its compiled module (spcp/phone_quasar.py)."""
    nicegui_prefix = f'/_nicegui/{nicegui.__version__}'
    compiled = compiled or {}

    def component(key: str) -> Path | None:
        source = nicegui_component(key)
        return compiled.get(source.resolve(), source) if source is not None else None
    return [Root(f'{nicegui_prefix}/static/', folder(NICEGUI_STATIC), always),
            Root(f'{nicegui_prefix}/components/', component, always, pinned=part_of_nicegui),
            Root('/assets/', folder(assets), asset_version(version))]


def page_files(assets: Path, quasar_languages: Iterable[str]) -> list[Path]:
    """The files worth compressing before the first phone asks: NiceGUI's for every page, then ours."""
    names = [*PAGE_FILES, *(f'lang/{code}.umd.prod.js' for code in quasar_languages)]
    ours = sorted(p for p in assets.rglob('*') if p.is_file() and content_type(p).startswith(COMPRESSIBLE))
    return [NICEGUI_STATIC / name for name in names] + ours


def preload_components(elements: Iterable[type]) -> str:
    """``<link rel="modulepreload">`` for the .js Vue components of ``elements``. A phone's page is built
    after its socket connects, so NiceGUI asks for these only then, one more round trip before the room
    shows (~170 ms on a slow phone); preloaded with the page, they are already in the module map."""
    prefix = f'/_nicegui/{nicegui.__version__}/components/'
    return ''.join(f'<link rel="modulepreload" href="{prefix}{element.component.key}">' for element in elements)
