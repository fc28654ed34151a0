"""A phone page loads its own Quasar, built with only the components it uses, and no DOMPurify
(spcp/phone_quasar.py): walk a phone through every phase, with the room full and the privacy note open,
and fail on any Quasar component it shows that the bundle lacks (it would be drawn as an unknown <q-...>
tag) and on any element that shows HTML."""
from __future__ import annotations

import re

from nicegui.testing import User

from spcp import phone_html, phone_quasar

from .conftest import every_phase

QUASAR_TAG = re.compile(r'<(q-[a-z-]+)')


def component_name(tag: str) -> str:
    """``q-expansion-item`` -> ``QExpansionItem``, the name Quasar exports it by."""
    return 'Q' + ''.join(word.capitalize() for word in tag.removeprefix('q-').split('-'))


def sanitizing_components(user: User) -> set[str]:
    """The page's Vue components that put HTML in (they would call DOMPurify through ``setHTML``)."""
    return {element.component.name for element in user.client.elements.values()
            if getattr(element, 'component', None) is not None
            and 'setHTML' in element.component.path.read_text(encoding='utf-8')}


def quasar_components(user: User) -> set[str]:
    """Every Quasar component the page shows: as an element's own tag, or inside its Vue component's template."""
    found = set()
    for element in user.client.elements.values():
        if element.tag.startswith('q-'):
            found.add(component_name(element.tag))
        component = getattr(element, 'component', None)
        if component is not None and component.path.suffix == '.js':
            found |= {component_name(tag) for tag in QUASAR_TAG.findall(component.path.read_text(encoding='utf-8'))}
    return found


def test_component_names() -> None:
    assert component_name('q-btn') == 'QBtn'
    assert component_name('q-expansion-item') == 'QExpansionItem'


async def test_every_quasar_component_a_phone_shows_is_in_its_bundle(create_user, event) -> None:
    room = event.rooms[0]
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    shown, html = quasar_components(phone), sanitizing_components(phone)
    async for _phase in every_phase(room):
        phone.find(marker='privacy').click()  # its dialog is built at the first tap
        shown |= quasar_components(phone)
        html |= sanitizing_components(phone)
    assert {'QBtn', 'QDialog', 'QInput'} <= shown  # the walk saw the page (a button, the note, a box)
    assert html == set(), 'a phone shows HTML: it needs DOMPurify back (spcp/phone_quasar.py)'
    missing = shown - set(phone_quasar.wanted()['components'])
    assert not missing, f'add {sorted(missing)} to scripts/phone_quasar/parts.json'


async def test_a_phone_page_names_the_bundle_and_a_board_all_of_quasar(user: User, event) -> None:
    """The bundle is built by scripts/install.sh (Node.js): the test command builds it, so it must be in use."""
    room = event.rooms[0]
    bundle = phone_html.pages().bundle
    assert bundle is not None, 'scripts/phone_quasar/build.mjs did not run, or built from other parts'
    phone_page = (await user.http_client.get(f'/r/{room.code}')).text
    assert bundle.url in phone_page
    assert phone_quasar.NICEGUI_QUASAR not in phone_page
    board_html = (await user.http_client.get('/')).text
    assert phone_quasar.NICEGUI_QUASAR in board_html and bundle.url not in board_html

    for name in phone_quasar.FILES:
        served = await user.http_client.get(bundle.prefix + name, headers={'Accept-Encoding': 'br'})
        assert (served.status_code, served.headers['content-encoding']) == (200, 'br')
        assert 'immutable' in served.headers['cache-control']
        assert served.content == (bundle.folder / name).read_bytes()  # httpx decodes brotli
        assert phone_quasar.NICEGUI_FILES + name not in phone_page
        assert len(served.content) < 0.9 * len((phone_quasar.NICEGUI_STATIC / name).read_bytes())
    assert f'"dompurify":"{bundle.prefix}dompurify.mjs"' in phone_page  # the import map
