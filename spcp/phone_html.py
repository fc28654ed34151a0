"""What a phone's page HTML becomes on its way out: its own, smaller Quasar and Vue, and its socket opened early.

NiceGUI's template is the same for every page. A phone's first load is what the slow phone of issue 16
waits for, so a phone page's HTML (its client marked by the page, :meth:`PhonePages.use_on`) is rewritten
in the template's own tags, never in the elements (what participants typed follows
``TEMPLATE_BODY_START``):

- Quasar's and Vue's files name the phone's own build (spcp/phone_quasar.py), where it was built at install.
- nicegui.js moves up to run right after socket.io (its top level needs neither Vue nor Quasar), and
  ``assets/early_socket.js`` follows as an inline module that opens the page's socket there and hands it
  to NiceGUI when Vue has mounted the page: the handshake overlaps Vue and Quasar arriving and running
  instead of following them (on the slow phone the room was usable 130-290 ms after mounting).
"""
from __future__ import annotations

import json
import re
import weakref
from typing import Any

from nicegui import core
from nicegui.client import Client, _is_prefetch
from starlette.requests import Request
from starlette.responses import Response

from .phone_quasar import NICEGUI_FILES, SWAPS, Bundle
from .settings import ASSETS_DIR

# NiceGUI's template writes every <script> of its own before the page's elements, which follow this line
TEMPLATE_BODY_START = b'<div id="esm-fallback"'
SOCKET_IO_TAG = re.compile(rb'<script defer src="([^"<>]*)' + re.escape(NICEGUI_FILES.encode())
                           + rb'socket\.io\.min\.js"></script>')
EARLY_SOCKET_JS = (ASSETS_DIR / 'early_socket.js').read_text(encoding='utf-8')


def socket_config(client: Client, prefix: str) -> dict[str, Any]:
    """What NiceGUI's template hands createApp for the socket, and its mounted() passes to io()."""
    config = core.app.config
    query = {**config.socket_io_js_query_params, 'client_id': client.id,
             'next_message_id': client.outbox.next_message_id, 'implicit_handshake': True}
    return {'path': f'{prefix}/_nicegui_ws/socket.io', 'query': query,
            'extraHeaders': config.socket_io_js_extra_headers, 'transports': config.socket_io_js_transports}


def open_socket_early(head: bytes, client: Client, request: Request) -> bytes:
    """``head`` (the template before the elements) with nicegui.js and the early socket right after socket.io;
    as it was for a prefetch (NiceGUI handshakes explicitly when it is shown) or a template it does not know."""
    found = SOCKET_IO_TAG.search(head)
    if found is None or _is_prefetch(request):
        return head
    prefix = found.group(1)
    nicegui_tag = b'<script defer src="' + prefix + NICEGUI_FILES.encode() + b'nicegui.js"></script>'
    if head.count(nicegui_tag) != 1:
        return head
    config = json.dumps(socket_config(client, prefix.decode())).replace('<', '\\u003c')
    early = f'<script type="module">const SPCP_SOCKET = {config};\n{EARLY_SOCKET_JS}</script>'.encode()
    head = head.replace(nicegui_tag, b'')
    at = SOCKET_IO_TAG.search(head).end()  # found again: wherever nicegui.js's tag was, it is gone now
    return head[:at] + nicegui_tag + early + head[at:]


class PhonePages:
    """Marks the clients of phone pages and rewrites their HTML (wired by the composition root)."""

    def __init__(self, bundle: Bundle | None) -> None:
        self.bundle = bundle
        self._clients: weakref.WeakSet[Client] = weakref.WeakSet()

    def use_on(self, client: Client) -> None:
        self._clients.add(client)

    def rewrite(self, client: Client, request: Request, response: Response) -> Response:
        """A marked client's page: the phone's Quasar where there is one, its socket opened early."""
        if client not in self._clients or not isinstance(response.body, bytes):
            return response
        head, marker, rest = response.body.partition(TEMPLATE_BODY_START)
        if self.bundle:  # the scripts, their preload hints, the import map, the style sheets' @import
            for nicegui_name, name in SWAPS.items():
                head = head.replace(f'{NICEGUI_FILES}{nicegui_name}'.encode(), f'{self.bundle.prefix}{name}'.encode())
        head = open_socket_early(head, client, request)
        response.body = head + marker + rest
        response.headers['content-length'] = str(len(response.body))
        return response


_pages = PhonePages(None)


def pages() -> PhonePages:
    return _pages


def install(bundle: Bundle | None) -> PhonePages:
    """Wraps NiceGUI's ``Client.build_response`` (once) so a marked client's page is rewritten."""
    global _pages
    _pages = PhonePages(bundle)
    original = Client.build_response
    if getattr(original, 'phone_html', False):
        original = original.__wrapped__  # type: ignore[attr-defined]

    def build_response(self: Client, request: Request, status_code: int = 200) -> Response:
        return _pages.rewrite(self, request, original(self, request, status_code))

    build_response.phone_html = True  # type: ignore[attr-defined]
    build_response.__wrapped__ = original  # type: ignore[attr-defined]
    Client.build_response = build_response  # type: ignore[method-assign]
    return _pages
