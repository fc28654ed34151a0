"""A phone page loads its own Quasar, built with only the components it uses, Vue without its compiler, and
no DOMPurify (spcp/phone_quasar.py): walk a phone through every phase, with the room full and the privacy note
open, and fail on any Quasar component it shows that the bundle lacks (it would be drawn as an unknown
<q-...> tag), on any element that shows HTML, and on any template left to compile in the browser (a
component not compiled at install, a slot's template: Vue without its compiler would draw nothing)."""
from __future__ import annotations

import re

import nicegui
from nicegui.dependencies import js_components
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


def templates_left(user: User, compiled: dict) -> set[str]:
    """The page's components whose template the browser would compile, and its slots that have a template."""
    found = set()
    for element in user.client.elements.values():
        component = getattr(element, 'component', None)
        if component is not None and component.path.suffix == '.js' and component.path.resolve() not in compiled \
                and 'template' in component.path.read_text(encoding='utf-8'):
            found.add(component.name)
        found |= {f'{element.tag} slot {name}' for name, slot in element.slots.items() if slot.template}
    return found


def test_component_names() -> None:
    assert component_name('q-btn') == 'QBtn'
    assert component_name('q-expansion-item') == 'QExpansionItem'


async def test_every_quasar_component_a_phone_shows_is_in_its_bundle(create_user, event) -> None:
    room = event.rooms[0]
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    compiled = phone_html.pages().bundle.compiled
    shown, html = quasar_components(phone), sanitizing_components(phone)
    left, components = templates_left(phone, compiled), set()
    async for _phase in every_phase(room):
        phone.find(marker='privacy').click()  # its dialog is built at the first tap
        shown |= quasar_components(phone)
        html |= sanitizing_components(phone)
        left |= templates_left(phone, compiled)
        components |= {e.component.name for e in phone.client.elements.values() if getattr(e, 'component', None)}
    assert {'QBtn', 'QDialog', 'QInput'} <= shown  # the walk saw the page (a button, the note, a box)
    assert {'dialog', 'input', 'vote_list'} <= components  # and components with templates
    assert html == set(), 'a phone shows HTML: it needs DOMPurify back (spcp/phone_quasar.py)'
    assert left == set(), 'a phone needs a template compiled in the browser: Vue without its compiler cannot'
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

    for nicegui_name, name in phone_quasar.SWAPS.items():
        served = await user.http_client.get(bundle.prefix + name, headers={'Accept-Encoding': 'br'})
        assert (served.status_code, served.headers['content-encoding']) == (200, 'br')
        assert 'immutable' in served.headers['cache-control']
        assert served.content == (bundle.folder / name).read_bytes()  # httpx decodes brotli
        assert phone_quasar.NICEGUI_FILES + nicegui_name not in phone_page
        assert len(served.content) < 0.9 * len((phone_quasar.NICEGUI_STATIC / nicegui_name).read_bytes())
    assert f'"dompurify":"{bundle.prefix}dompurify.mjs"' in phone_page  # the import map
    assert f'"vue":"{bundle.prefix}vue.runtime.esm-browser.prod.js"' in phone_page
    assert f'{phone_quasar.NICEGUI_FILES}vue.esm-browser.prod.js' in board_html  # a board may compile templates


async def test_every_page_is_served_the_compiled_components(user: User) -> None:
    """A component compiled at install is served compiled at NiceGUI's own URL, to every page; one that was not
    (NiceGUI's interactive image: its template has a duplicate attribute) as it is."""
    compiled = phone_html.pages().bundle.compiled
    for key, component in js_components.items():
        source = component.path.resolve()
        served = await user.http_client.get(f'/_nicegui/{nicegui.__version__}/components/{key}')
        assert served.status_code == 200, key
        if source in compiled:
            assert served.text == compiled[source].read_text(encoding='utf-8')
            assert 'render: __spcp_render' in served.text and 'template:' not in served.text
        else:
            assert served.text == source.read_text(encoding='utf-8')
    names = {component.path.name for component in js_components.values() if component.path.resolve() in compiled}
    assert {'dialog.js', 'input.js', 'own_card.js', 'vote_list.js', 'native_select.js'} <= names
    assert 'interactive_image.js' not in names
