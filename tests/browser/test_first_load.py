"""A phone's first load of a join link, in real Chromium (issue 16: small, pre-compressed, cached).

Checked on the shared server: the phone never asks for NiceGUI's Material Icons font (128.6 KB)
and still draws its icons (inline SVG from spcp/icons.py, each of non-zero size); a name outside
the map is left to Quasar's font path.
"""
from __future__ import annotations

import re
from pathlib import Path

import nicegui
import pytest

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
    page.on('request', lambda request: requested.append(request.url))
    page.goto(server.rooms[0]['join_url'])
    page.locator('.phone-phase').first.wait_for()
    page.evaluate('document.fonts.ready.then(() => true)')
    yield page, requested
    context.close()


def test_a_phone_draws_its_icons_without_the_material_icons_font(phone) -> None:
    page, requested = phone
    font = material_icons_font()
    assert not [url for url in requested if font in url]
    drawn = page.eval_on_selector_all('i.q-icon', '''icons => icons.map(icon => {
        const path = icon.querySelector('svg > path');
        const box = path ? path.getBBox() : {width: 0, height: 0};
        const shown = icon.getBoundingClientRect();
        return {font: icon.classList.contains('material-icons'), d: path ? path.getAttribute('d').length : 0,
                glyph: [box.width, box.height], shown: [shown.width, shown.height]};
    })''')
    assert len(drawn) >= 2  # the privacy shield and the language switch's arrow at least
    for icon in drawn:
        assert not icon['font'] and icon['d'] > 10, icon
        assert min(icon['glyph']) > 0 and min(icon['shown']) > 0, icon


def test_names_outside_the_map_are_left_to_quasars_font(phone) -> None:
    page, _ = phone
    mapped = page.evaluate('''() => ({send: mounted_app.$q.iconMapFn('send'),
                                      unknown: mounted_app.$q.iconMapFn('no_such_icon') === undefined,
                                      inherited: mounted_app.$q.iconMapFn('constructor') === undefined})''')
    assert mapped['send']['icon'].startswith('M') and mapped['send']['icon'].endswith('|0 0 512 512')
    assert mapped['unknown'] and mapped['inherited']
