"""A phone's first load of a join link, in real Chromium (issue 16: small, pre-compressed, cached).

Checked on the shared server: the phone never asks for NiceGUI's Material Icons font (128.6 KB)
and still draws its icons (inline SVG from spcp/icons.py, each of non-zero size); a name outside
the map is left to Quasar's font path. An English phone downloads no font at all (system fonts,
no Roboto), and the Vue components its room needs are fetched with the page, not after its socket
has connected. Every script and style sheet it loads arrives as brotli,
made before it asked (spcp/static_files.py's start-up list covers NiceGUI's files of the page),
and over plain HTTP the server's real middleware stack sends each encoding, long caching, 304s and
still the security headers.
"""
from __future__ import annotations

import gzip
import re
import urllib.request
from pathlib import Path
from urllib.error import HTTPError

import brotli
import nicegui
import pytest

from spcp import phone_quasar, static_files
from spcp.pages.language import QUASAR_LANGUAGE
from spcp.server import ASSET_VERSION
from spcp.settings import ASSETS_DIR

from .conftest import CHROMIUM, PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed (apt-get install chromium)'),
]


def material_icons_font() -> str:
    """The file name NiceGUI's fonts.css gives the 'Material Icons' face."""
    css = (Path(nicegui.__file__).parent / 'static' / 'fonts.css').read_text(encoding='utf-8')
    return re.search(r'font-family: "Material Icons";[^}]*?src: url\(fonts/([^)]+)\)', css).group(1)


@pytest.fixture
def phone(browser, server):
    """A new phone (empty cache) on the first room's join link, once the room is shown; and its requests."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    requested: list[str] = []
    responses: list = []
    page.on('request', lambda request: requested.append(request.url))
    page.on('response', lambda response: responses.append(response))
    page.on('websocket', lambda socket: requested.append(socket.url))
    page.goto(server.rooms[0]['join_url'])
    page.locator('.phone-phase').first.wait_for()
    page.evaluate('document.fonts.ready.then(() => true)')
    yield page, requested, responses
    context.close()


def test_a_phone_draws_its_icons_without_the_material_icons_font(phone) -> None:
    page, requested, _ = phone
    font = material_icons_font()
    assert not [url for url in requested if font in url]
    drawn = page.eval_on_selector_all('i.q-icon', '''icons => icons.map(icon => {
        const path = icon.querySelector('svg > path');
        const box = path ? path.getBBox() : {width: 0, height: 0};
        const shown = icon.getBoundingClientRect();
        return {font: icon.classList.contains('material-icons'), d: path ? path.getAttribute('d').length : 0,
                glyph: [box.width, box.height], shown: [shown.width, shown.height]};
    })''')
    assert len(drawn) >= 1  # the privacy shield at least (the language switch is the browser's own select)
    for icon in drawn:
        assert not icon['font'] and icon['d'] > 10, icon
        assert min(icon['glyph']) > 0 and min(icon['shown']) > 0, icon


def test_an_english_phone_fetches_no_font_and_its_components_with_the_page(phone) -> None:
    page, requested, _ = phone
    assert not [url for url in requested if url.split('?')[0].endswith(('.woff2', '.woff', '.ttf'))]
    socket = next(i for i, url in enumerate(requested) if url.startswith('ws://'))
    components = [i for i, url in enumerate(requested) if '/components/' in url]
    assert len(components) >= 3 and max(components) < socket  # dialog.js, vote_list.js... before the socket
    shown = page.evaluate("[...document.querySelectorAll('select.language-switch, .q-radio')].length")
    assert shown >= 2  # the language switch and the group choice did use them


def test_a_phone_loads_its_own_quasar_and_escapes_instead_of_sanitizing(phone) -> None:
    """spcp/phone_quasar.py: the phone's Quasar, style sheets and DOMPurify's stand-in come from its folder."""
    page, requested, _ = phone
    own = [url.rsplit('/', 1)[-1] for url in requested if '/phone-quasar/' in url]
    assert sorted(own) == sorted(phone_quasar.FILES)
    assert not [url for url in requested if url.endswith(('/static/quasar.umd.prod.js', '/static/dompurify.mjs'))]
    assert page.evaluate('Quasar.version') == phone_quasar.nicegui_quasar_version()
    escaped = page.evaluate("import('dompurify').then(m => m.default.sanitize('<img src=x onerror=alert(1)>'))")
    assert escaped == '&lt;img src=x onerror=alert(1)&gt;'


def test_names_outside_the_map_are_left_to_quasars_font(phone) -> None:
    page, _, _ = phone
    mapped = page.evaluate('''() => ({send: mounted_app.$q.iconMapFn('send'),
                                      unknown: mounted_app.$q.iconMapFn('no_such_icon') === undefined,
                                      inherited: mounted_app.$q.iconMapFn('constructor') === undefined})''')
    assert mapped['send']['icon'].startswith('M') and mapped['send']['icon'].endswith('|0 0 512 512')
    assert mapped['unknown'] and mapped['inherited']


def test_a_phones_scripts_and_styles_arrive_as_brotli_prepared_at_start(phone) -> None:
    _, _, responses = phone
    text = [r for r in responses if r.request.resource_type in ('script', 'stylesheet')]
    assert len(text) >= 15
    assert {r.url.split('?')[0].rsplit('/', 1)[-1]: r.headers.get('content-encoding') for r in text} \
        == {r.url.split('?')[0].rsplit('/', 1)[-1]: 'br' for r in text}
    static = f'/_nicegui/{nicegui.__version__}/static/'
    prepared = set(static_files.page_files(ASSETS_DIR, QUASAR_LANGUAGE.values()))
    nicegui_files = {static_files.NICEGUI_STATIC / r.url.split(static, 1)[1] for r in text if static in r.url}
    assert nicegui_files and nicegui_files <= prepared


def fetch(url: str, accept: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """A GET with urllib (which decodes nothing): status, headers (lower-case names), raw body."""
    request = urllib.request.Request(url, headers={'Accept-Encoding': accept, **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except HTTPError as error:  # 304 comes as an "error"
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


@pytest.mark.parametrize(('path', 'original', 'cache_control'), [
    (f'/_nicegui/{nicegui.__version__}/static/quasar.umd.prod.js',
     static_files.NICEGUI_STATIC / 'quasar.umd.prod.js', 'immutable'),
    (f'/assets/spcp.css?v={ASSET_VERSION}', ASSETS_DIR / 'spcp.css', static_files.IMMUTABLE),
    ('/assets/spcp.css', ASSETS_DIR / 'spcp.css', static_files.REVALIDATE),
])
def test_the_server_sends_each_encoding_cached_and_with_its_security_headers(server, path, original,
                                                                            cache_control) -> None:
    url = server.base_url + path
    status, headers, raw = fetch(url, 'gzip, deflate, br')
    assert (status, headers['content-encoding']) == (200, 'br')
    assert brotli.decompress(raw) == original.read_bytes()
    assert cache_control in headers['cache-control'] and 'Accept-Encoding' in headers['vary']
    assert headers['x-content-type-options'] == 'nosniff' and 'content-security-policy' in headers
    status, headers_gzip, raw = fetch(url, 'gzip')
    assert (status, headers_gzip['content-encoding']) == (200, 'gzip')
    assert gzip.decompress(raw) == original.read_bytes()
    status, plain, raw = fetch(url, '')
    assert (status, plain.get('content-encoding'), raw) == (200, None, original.read_bytes())
    status, again, raw = fetch(url, 'br', **{'If-None-Match': headers['etag']})
    assert (status, raw, again['etag']) == (304, b'', headers['etag'])
