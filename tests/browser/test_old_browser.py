"""A browser without import maps gets a plain page in its reader's language, not a blank screen
(assets/browser-check.js). Chromium plays the old browser: an init script takes import maps (or
HTMLScriptElement.supports itself) away before the page loads, and where such a browser could not find
Vue by the import map's name, Vue's file fails to load, so NiceGUI's modules fail as they would there."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import PHONE, Server

NO_IMPORT_MAPS = "HTMLScriptElement.supports = function (type) { return type === 'classic' || type === 'module'; };"
NO_SUPPORTS = 'HTMLScriptElement.supports = undefined;'  # Chrome 89-95 have import maps but no supports()
NO_VUE = '**/vue*.js'  # NiceGUI's Vue or the phone's: ``import * as Vue from "vue"`` fails without an import map

TITLES = {
    'en-US': ('en', 'ltr', 'This browser is too old for SPCP Live'),
    'es-MX': ('es', 'ltr', 'Este navegador es demasiado antiguo para SPCP Live'),
    'hi-IN': ('hi', 'ltr', 'यह ब्राउज़र SPCP Live के लिए बहुत पुराना है'),
    'ar-EG': ('ar', 'rtl', 'هذا المتصفح قديم جدًا لتشغيل SPCP Live'),
    'fr-FR': ('en', 'ltr', 'This browser is too old for SPCP Live'),  # a language without a text: English
}
TODO = {'en': 'ask the facilitator for a paper card', 'es': 'pida al facilitador una tarjeta de papel',
        'hi': 'सूत्रधार से काग़ज़ का कार्ड माँगें', 'ar': 'طلب بطاقة ورقية من الميسِّر'}


@pytest.fixture(scope='module')
def server(make_server) -> Server:
    """Its own server: a current browser here joins a room, which would change the shared rooms' counts."""
    return make_server()


@pytest.fixture
def phone(browser) -> Iterator:
    """``phone(url, locale=..., init=..., block=...)``: a phone's page after its load event; ``init`` runs
    before any page script, ``block`` is a URL pattern whose requests fail."""
    contexts = []

    def open_page(url: str, *, locale: str = 'en-US', init: str | None = None, block: str | None = None):
        context = browser.new_context(locale=locale, viewport=PHONE, is_mobile=True, has_touch=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(5_000)
        page.sockets = []
        page.on('websocket', lambda socket: page.sockets.append(socket.url))
        if init:
            page.add_init_script(init)
        if block:
            page.route(block, lambda route: route.abort())
        page.goto(url, wait_until='load')
        return page

    yield open_page
    for context in contexts:
        context.close()


def shows_the_message(page, locale: str) -> None:
    code, direction, title = TITLES[locale]
    message = page.locator('#spcp-old-browser')
    message.wait_for(state='visible')
    assert page.locator('#spcp-old-browser h1').inner_text() == title
    assert TODO[code] in message.inner_text()
    assert page.evaluate('[document.documentElement.lang, document.documentElement.dir, document.title]') == \
        [code, direction, title]
    # nothing of the real page is left, and it never started: no Vue app, no socket, nobody joined
    assert page.locator('#app').count() == 0 and page.locator('#esm-fallback').count() == 0
    assert page.evaluate('typeof window.socket') == 'undefined'
    assert page.sockets == []


def works_normally(page) -> None:
    page.wait_for_function('window.socket && window.socket.connected')
    assert page.locator('#spcp-old-browser').count() == 0
    assert page.locator('#esm-fallback').count() == 0  # NiceGUI's modules ran
    assert page.locator('#app').count() == 1


@pytest.mark.parametrize('locale', ['en-US', 'hi-IN', 'fr-FR'])  # es and ar: the two tests below
def test_a_browser_without_import_maps_is_told_in_its_language(server, phone, locale):
    shows_the_message(phone(server.base_url + '/', locale=locale, init=NO_IMPORT_MAPS, block=NO_VUE), locale)


def test_a_join_link_in_an_old_browser_shows_the_message_and_joins_nobody(server, phone):
    page = phone(server.rooms[0]['join_url'], locale='es-ES', init=NO_IMPORT_MAPS, block=NO_VUE)
    shows_the_message(page, 'es-MX')


def test_a_browser_without_supports_whose_modules_fail_is_told_after_loading(server, phone):
    # like Safari 15: no HTMLScriptElement.supports, and the modules cannot find Vue
    page = phone(server.base_url + '/', locale='ar', init=NO_SUPPORTS, block=NO_VUE)
    shows_the_message(page, 'ar-EG')


def test_a_browser_without_supports_whose_modules_run_works_normally(server, phone):
    works_normally(phone(server.base_url + '/', init=NO_SUPPORTS))  # like Chrome 89-95


def test_a_current_browser_is_not_affected(server, phone):
    page = phone(server.rooms[0]['join_url'])
    works_normally(page)
    assert page.evaluate("HTMLScriptElement.supports('importmap')") is True
