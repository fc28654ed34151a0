"""A phone page's HTML is rewritten only in the page template's own tags (spcp/phone_html.py): Quasar's
files name the phone's own build, and nicegui.js and the early socket follow socket.io."""
from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import HTMLResponse

from spcp import phone_html, phone_quasar

from .test_phone_quasar import write_bundle

STATIC = phone_quasar.NICEGUI_FILES
QUASAR = phone_quasar.NICEGUI_QUASAR
TYPED = f'a card that says <script defer src="{STATIC}nicegui.js"></script> and {QUASAR}'


class Outbox:
    next_message_id = 7


class Client:
    """What the rewrite reads of a NiceGUI client (and it must be weakly referable, as a client is)."""
    id = 'c1'
    outbox = Outbox()


def template(prefix: str = '') -> str:
    """The parts of NiceGUI's template the rewrite touches, in its order; a participant's words after the marker."""
    css = STATIC + 'quasar.important.prod.css'
    return (f'<head><style>@import url("{prefix}{css}")</style><link rel="preload" href="{prefix}{QUASAR}">'
            f'</head><body><script defer src="{prefix}{STATIC}socket.io.min.js"></script>'
            f'<script type="module">import * as Vue from "vue";</script>'
            f'<script defer src="{prefix}{QUASAR}"></script><script defer src="{prefix}{STATIC}nicegui.js"></script>'
            f'<div id="esm-fallback">...</div><script>createApp({json.dumps(TYPED)})</script></body>')


def request(**headers: str) -> Request:
    return Request({'type': 'http', 'headers': [(k.lower().encode(), v.encode()) for k, v in headers.items()]})


def rewritten(pages: phone_html.PhonePages, client: Client, html: str, **headers: str) -> str:
    response = pages.rewrite(client, request(**headers), HTMLResponse(html))
    assert response.headers['content-length'] == str(len(response.body))
    return response.body.decode()


def test_only_a_phone_pages_own_tags_are_rewritten(tmp_path) -> None:
    write_bundle(tmp_path, phone_quasar.wanted())
    pages, client = phone_html.PhonePages(phone_quasar.load(tmp_path)), Client()
    assert rewritten(pages, client, template()) == template()  # not a phone page's client: untouched

    pages.use_on(client)
    body = rewritten(pages, client, template())
    assert body.count(pages.bundle.url) == 2
    assert f'@import url("{pages.bundle.prefix}quasar.important.prod.css")' in body
    assert body.endswith(f'<div id="esm-fallback">...</div><script>createApp({json.dumps(TYPED)})</script></body>')


def test_nicegui_js_and_the_early_socket_follow_socket_io() -> None:
    pages, client = phone_html.PhonePages(None), Client()
    pages.use_on(client)
    body = rewritten(pages, client, template('/spcp'))
    order = [f'src="/spcp{STATIC}socket.io.min.js"', f'src="/spcp{STATIC}nicegui.js"', 'const SPCP_SOCKET = ',
             'import * as Vue', f'src="/spcp{QUASAR}"', 'esm-fallback']
    assert [body.index(part) for part in order] == sorted(body.index(part) for part in order)
    head = body.partition('<div id="esm-fallback"')[0]
    assert head.count(f'src="/spcp{STATIC}nicegui.js"') == 1  # moved, not run twice
    config = json.loads(body.split('const SPCP_SOCKET = ', 1)[1].split(';\n', 1)[0])
    assert config['path'] == '/spcp/_nicegui_ws/socket.io'
    assert config['query'] == {'client_id': 'c1', 'next_message_id': 7, 'implicit_handshake': True}
    assert config['transports'] == ['websocket', 'polling'] and config['extraHeaders'] == {}
    assert phone_html.EARLY_SOCKET_JS in body


def test_a_prefetch_or_an_unknown_template_keeps_niceguis_own_socket() -> None:
    pages, client = phone_html.PhonePages(None), Client()
    pages.use_on(client)
    # a prefetched page handshakes explicitly once shown (NiceGUI's template says so): nothing opened early
    assert rewritten(pages, client, template(), **{'Sec-Purpose': 'prefetch'}) == template()
    no_socket_io = template().replace('socket.io.min.js', 'other.js')
    assert rewritten(pages, client, no_socket_io) == no_socket_io
    two_nicegui = template().replace('</head>', f'<script defer src="{STATIC}nicegui.js"></script></head>')
    assert rewritten(pages, client, two_nicegui) == two_nicegui


def test_a_config_cannot_close_its_script() -> None:
    client = Client()
    client.id = '</script><script>alert(1)</script>'
    head = phone_html.open_socket_early(template().encode(), client, request()).decode()
    assert head.count('</script>') == template().count('</script>') + 1  # the early socket's own only


def test_nicegui_js_moves_after_socket_io_wherever_it_was() -> None:
    pages, client = phone_html.PhonePages(None), Client()
    pages.use_on(client)
    nicegui_tag = f'<script defer src="{STATIC}nicegui.js"></script>'
    earlier = template().replace(nicegui_tag, '').replace('</head>', nicegui_tag + '</head>')
    body = rewritten(pages, client, earlier)
    assert body.count(nicegui_tag) == 1
    assert body.index(f'{STATIC}socket.io.min.js') < body.index(nicegui_tag) < body.index('const SPCP_SOCKET = ')
