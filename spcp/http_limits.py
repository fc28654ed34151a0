"""Limits page loads per network address, before NiceGUI builds anything for them.

Every page a browser opens costs the server a NiceGUI client (kept up to a minute even if it never
connects), so a flood of GETs could fill the laptop's memory. Over the limit, the answer is HTTP
429 with ``Retry-After`` and a short plain page. Static files, NiceGUI's own files and the
websocket are not counted: a page that loads fetches many of those.
"""
from __future__ import annotations

import html

from starlette.types import ASGIApp, Receive, Scope, Send

from . import actions
from .i18n import negotiate, translator

NOT_COUNTED = ('/_nicegui', '/assets/', '/favicon', '/room-cards/')  # /room-cards: see pages/card_lists.py

TOO_MANY_PAGE = '''<!doctype html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="font-family: sans-serif; font-size: 1.4rem; margin: 2rem; max-width: 36rem">
<h1>{title}</h1><p>{text}</p></body></html>'''


class PageLoadLimit:
    """Pure ASGI middleware: counts GETs of pages per client address (``page_loads_per_address``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or scope.get('method') != 'GET' or scope.get('path', '').startswith(NOT_COUNTED):
            await self.app(scope, receive, send)
            return
        address = (scope.get('client') or ('unknown', 0))[0]
        wait = actions.limits().rates.hit('page_loads_per_address', address)
        if wait is None:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get('headers') or [])
        await _too_many(send, round(wait), negotiate(headers.get(b'accept-language', b'').decode('latin-1')))


async def _too_many(send: Send, seconds: int, locale: str) -> None:
    tr = translator(locale)
    body = TOO_MANY_PAGE.format(lang=tr.locale, dir=tr.direction, title=html.escape(tr('Please wait a moment')),
                                text=html.escape(tr('Too many pages opened from this device. '
                                                    'Try again in {seconds} seconds.', seconds=seconds))).encode()
    await send({'type': 'http.response.start', 'status': 429, 'headers': [
        (b'content-type', b'text/html; charset=utf-8'), (b'retry-after', str(seconds).encode()),
        (b'content-length', str(len(body)).encode()), (b'cache-control', b'no-store')]})
    await send({'type': 'http.response.body', 'body': body})
