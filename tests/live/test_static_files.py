"""Static files pre-compressed and cached (spcp/static_files.py), over HTTP through the middleware.

A small Starlette app stands behind the middleware: whatever the middleware does not answer reaches
it (status 418), so "left to NiceGUI" is visible. The real wiring (NiceGUI's paths, our assets,
every other middleware) is checked against a running server in tests/browser/test_first_load.py.
"""
from __future__ import annotations

import asyncio
import gzip
import hashlib
import os
from dataclasses import dataclass

import brotli
import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse

from spcp import static_files
from spcp.static_files import IMMUTABLE, REVALIDATE, PrecompressedStatic, Root, StaticStore

CSS = ('.phone { margin: 0 auto; max-width: 40rem; }\n' * 40).encode()
FONT = bytes(range(256)) * 8  # stands for a woff2: already compressed, served as it is


def nicegui() -> Starlette:
    """Stands for NiceGUI behind the middleware: answers everything with 418."""
    inner = Starlette()
    inner.add_route('/{path:path}', lambda request: PlainTextResponse('left to NiceGUI', status_code=418),
                    methods=['GET', 'HEAD', 'POST'])
    return inner


@dataclass
class Sent:
    status: int
    headers: httpx.Headers
    raw: bytes  # the body as sent, not decoded


class Client:
    """HTTP over ASGI to the middleware; bodies as sent (httpx would decode br and gzip)."""

    def __init__(self, app) -> None:
        self.app = app

    async def request(self, method: str, url: str, **headers: str) -> Sent:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url='http://test') as client, \
                client.stream(method, url, headers=headers) as response:
            raw = b''.join([chunk async for chunk in response.aiter_raw()])
        return Sent(response.status_code, response.headers, raw)

    async def get(self, url: str, accept: str, **headers: str) -> Sent:
        return await self.request('GET', url, **{'Accept-Encoding': accept, **headers})


@pytest.fixture
def site(tmp_path):
    """/files/ -> a folder with a style sheet, a 'font' and a tiny script; versioned with ?v=7."""
    files = tmp_path / 'files'
    (files / 'fonts').mkdir(parents=True)
    (files / 'site.css').write_bytes(CSS)
    (files / 'fonts' / 'face.woff2').write_bytes(FONT)
    (files / 'tiny.js').write_bytes(b'let a = 1;\n')
    (tmp_path / 'secret.txt').write_text('not to be served')
    store = StaticStore(tmp_path / 'cache')
    roots = [Root('/files/', static_files.folder(files), static_files.asset_version('7'))]
    return Client(PrecompressedStatic(nicegui(), roots, store)), files, store


@pytest.mark.parametrize(('accept', 'encoding'), [
    ('gzip, deflate, br, zstd', 'br'), ('br', 'br'), ('gzip', 'gzip'), ('br;q=0, gzip', 'gzip'),
    ('*', 'br'), ('identity', 'identity'), ('', 'identity'), ('gzip;q=0', 'identity'),
])
async def test_the_encoding_follows_accept_encoding_and_decodes_to_the_file(site, accept, encoding) -> None:
    client, _, _ = site
    response = await client.get('/files/site.css?v=7', accept)
    raw = response.raw
    assert response.status == 200
    assert response.headers.get('content-encoding', 'identity') == encoding
    assert response.headers['vary'] == 'Accept-Encoding'
    assert response.headers['content-type'] == 'text/css; charset=utf-8'
    assert int(response.headers['content-length']) == len(raw)
    decode = {'br': brotli.decompress, 'gzip': gzip.decompress, 'identity': bytes}[encoding]
    assert decode(raw) == CSS
    if encoding != 'identity':
        assert len(raw) < len(CSS) // 5


async def test_versioned_urls_are_immutable_others_revalidate_after_an_hour(site) -> None:
    client, _, _ = site
    assert (await client.get('/files/site.css?v=7', 'br')).headers['cache-control'] == IMMUTABLE
    assert (await client.get('/files/site.css?x=1&v=7', 'br')).headers['cache-control'] == IMMUTABLE
    assert (await client.get('/files/site.css?v=6', 'br')).headers['cache-control'] == REVALIDATE  # an old page's URL
    assert (await client.get('/files/site.css', 'br')).headers['cache-control'] == REVALIDATE
    assert IMMUTABLE == 'public, max-age=31536000, immutable' and REVALIDATE == 'public, max-age=3600'


async def test_already_compressed_and_tiny_files_are_sent_as_they_are(site) -> None:
    client, _, _ = site
    font = await client.get('/files/fonts/face.woff2', 'br, gzip')
    assert font.status == 200 and font.raw == FONT
    assert font.headers['content-type'] == 'font/woff2'
    assert 'content-encoding' not in font.headers and 'vary' not in font.headers
    tiny = await client.get('/files/tiny.js', 'br, gzip')
    assert tiny.raw == b'let a = 1;\n' and 'content-encoding' not in tiny.headers


async def test_etag_per_encoding_and_304(site) -> None:
    client, _, _ = site
    brotli_tag = (await client.get('/files/site.css?v=7', 'br')).headers['etag']
    gzip_tag = (await client.get('/files/site.css?v=7', 'gzip')).headers['etag']
    digest = hashlib.sha256(CSS).hexdigest()[:32]
    assert (brotli_tag, gzip_tag) == (f'"{digest}-br"', f'"{digest}-gzip"')
    again = await client.get('/files/site.css?v=7', 'br', **{'If-None-Match': brotli_tag})
    assert again.status == 304 and again.raw == b''
    assert again.headers['etag'] == brotli_tag and again.headers['cache-control'] == IMMUTABLE
    assert again.headers['vary'] == 'Accept-Encoding' and 'content-length' not in again.headers
    assert (await client.get('/files/site.css?v=7', 'br', **{'If-None-Match': f'"x", W/{brotli_tag}'})).status == 304
    other = await client.get('/files/site.css?v=7', 'br', **{'If-None-Match': gzip_tag})  # another representation
    assert other.status == 200 and brotli.decompress(other.raw) == CSS


async def test_head_has_the_headers_without_the_body(site) -> None:
    client, _, _ = site
    head = await client.request('HEAD', '/files/site.css?v=7', **{'Accept-Encoding': 'br'})
    full = await client.get('/files/site.css?v=7', 'br')
    assert head.status == 200 and head.raw == b''
    assert head.headers['content-length'] == full.headers['content-length'] == str(len(full.raw))


@pytest.mark.parametrize(('method', 'url', 'headers'), [
    ('GET', '/files/missing.css', {}),
    ('GET', '/files/../secret.txt', {}),
    ('GET', '/files/%2e%2e/secret.txt', {}),
    ('GET', '/files/fonts', {}),                       # a folder
    ('GET', '/files/site.css', {'Range': 'bytes=0-9'}),  # NiceGUI's StaticFiles answers ranges
    ('POST', '/files/site.css', {}),
    ('GET', '/elsewhere/site.css', {}),
])
async def test_anything_else_is_left_to_nicegui(site, method, url, headers) -> None:
    client, _, _ = site
    response = await client.request(method, url, **headers)
    assert (response.status, response.raw) == (418, b'left to NiceGUI')


async def test_copies_are_kept_on_disk_by_content_and_reused_by_the_next_server(site, tmp_path, monkeypatch) -> None:
    client, files, _ = site
    await client.get('/files/site.css?v=7', 'br')
    digest = hashlib.sha256(CSS).hexdigest()
    assert brotli.decompress((tmp_path / 'cache' / f'{digest}.br').read_bytes()) == CSS
    assert gzip.decompress((tmp_path / 'cache' / f'{digest}.gz').read_bytes()) == CSS
    monkeypatch.setattr(static_files, 'COMPRESS', {})  # the next server cannot compress: it must read the copies
    roots = [Root('/files/', static_files.folder(files), static_files.always)]
    second = Client(PrecompressedStatic(nicegui(), roots, StaticStore(tmp_path / 'cache')))
    assert brotli.decompress((await second.get('/files/site.css', 'br')).raw) == CSS


async def test_a_changed_file_is_served_anew(site) -> None:
    client, files, _ = site
    assert brotli.decompress((await client.get('/files/site.css', 'br')).raw) == CSS
    (files / 'site.css').write_bytes(b'.board { color: black; }\n' * 30)
    stat = (files / 'site.css').stat()
    os.utime(files / 'site.css', ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert brotli.decompress((await client.get('/files/site.css', 'br')).raw) == b'.board { color: black; }\n' * 30


async def test_without_a_writable_cache_folder_copies_stay_in_memory(tmp_path) -> None:
    (tmp_path / 'site.css').write_bytes(CSS)
    (tmp_path / 'not-a-folder').write_text('a file where the cache folder would go')
    store = StaticStore(tmp_path / 'not-a-folder' / 'cache')
    client = Client(PrecompressedStatic(nicegui(), [Root('/', static_files.folder(tmp_path), static_files.always)],
                                        store))
    assert brotli.decompress((await client.get('/site.css', 'br')).raw) == CSS
    assert gzip.decompress((await client.get('/site.css', 'gzip')).raw) == CSS
    assert store.cache_dir is None


async def test_many_asking_at_once_compress_once(tmp_path, monkeypatch) -> None:
    (tmp_path / 'site.css').write_bytes(CSS)
    calls: list[str] = []
    compress = dict(static_files.COMPRESS)
    monkeypatch.setattr(static_files, 'COMPRESS', {k: (lambda d, k=k: calls.append(k) or compress[k](d))
                                                   for k in compress})
    store = StaticStore(None)
    entries = await asyncio.gather(*(store.entry(tmp_path / 'site.css') for _ in range(20)))
    assert all(entry is entries[0] for entry in entries)
    assert sorted(calls) == ['br', 'gzip']


def test_a_folder_root_resolves_only_files_inside_it(tmp_path) -> None:
    (tmp_path / 'inside').mkdir()
    (tmp_path / 'inside' / 'a.css').write_text('a')
    (tmp_path / 'outside.css').write_text('b')
    (tmp_path / 'inside' / 'link.css').symlink_to(tmp_path / 'outside.css')
    resolve = static_files.folder(tmp_path / 'inside')
    assert resolve('a.css') == (tmp_path / 'inside' / 'a.css').resolve()
    for name in ('../outside.css', 'link.css', str(tmp_path / 'outside.css'), '', '.', 'a.css\0', '..\\outside.css'):
        assert resolve(name) is None, name


async def test_our_components_are_checked_again_nicegui_s_are_kept(tmp_path) -> None:
    """A component of ours (vote_list.js) is served under NiceGUI's version path, which stays the same when
    we change it: kept a year, a fixed vote_list.js would never reach a phone that had the old one."""
    from nicegui import __version__
    from nicegui.dependencies import js_components

    from spcp.pages.components.vote_list import VoteList
    from spcp.settings import ASSETS_DIR
    ours = VoteList.component.key
    theirs = next(key for key, component in js_components.items() if static_files.part_of_nicegui(component.path))
    client = Client(PrecompressedStatic(nicegui(), static_files.roots(ASSETS_DIR, '16'), StaticStore(tmp_path)))
    prefix = f'/_nicegui/{__version__}/components/'
    assert (await client.get(prefix + theirs, 'br')).headers['cache-control'] == IMMUTABLE
    mine = await client.get(prefix + ours, 'br')
    assert mine.status == 200 and mine.headers['cache-control'] == REVALIDATE and mine.headers['etag']
