"""Whose language a page speaks: its reader's, chosen once per browser and switchable anywhere.

A phone starts in the browser's own language (``Accept-Language``) and keeps the reader's choice
in NiceGUI's server-side storage for that browser; a board follows its facilitator's browser and
an organizer page its organizer's, so one room's board and phones may differ. The page's ``lang``
(and, with :class:`HtmlDirection`, ``dir``) are in the HTML the server sends, so an Arabic page is
right-to-left before any script runs.
"""
from __future__ import annotations

import copy
from collections.abc import Callable

from nicegui import app, ui
from nicegui.events import ValueChangeEventArguments
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..i18n import LOCALES, Translator, negotiate, translator
from .components.native_select import NativeSelect

QUASAR_LANGUAGE = {'en': 'en-US', 'es': 'es', 'hi': 'hi', 'ar': 'ar'}  # Quasar's own strings and <html lang>
RTL_LANGUAGES = tuple(code for code in LOCALES if translator(code).rtl)


def reader(request: Request | None = None) -> Translator:
    """The reader's translator: their choice if they made one, else their browser's language.
    Also makes this page's HTML carry that language."""
    chosen = app.storage.user.get('locale')
    if chosen not in LOCALES:
        request = request or ui.context.client.request
        chosen = negotiate(request.headers.get('accept-language') if request else None)
    tr = translator(chosen)
    _serve_in(tr)
    return tr


def _serve_in(tr: Translator) -> None:
    """``<html lang=...>`` for this client only (NiceGUI reads it from the page when it responds)."""
    client = ui.context.client
    if client.page.resolve_language() != QUASAR_LANGUAGE[tr.locale]:
        page = copy.copy(client.page)  # the page object is shared by every client of the route
        page.language = QUASAR_LANGUAGE[tr.locale]
        client.page = page


def language_switch(tr: Translator) -> ui.select:
    """A visible switch between the supported languages; the choice is kept for this browser."""
    switch = ui.select(dict(LOCALES), value=tr.locale, on_change=_chooser(tr)) \
        .props('dense outlined options-dense').classes('language-switch').mark('language')
    switch.props['aria-label'] = tr('Language')
    return switch


def phone_language_switch(tr: Translator) -> NativeSelect:
    """The same switch on a phone: the browser's own select (the phone's picker, and no Quasar select to load)."""
    switch = NativeSelect(dict(LOCALES), value=tr.locale, on_change=_chooser(tr)) \
        .classes('language-switch native-select').mark('language')
    switch.props['aria-label'] = tr('Language')
    return switch


def _chooser(tr: Translator) -> Callable[[ValueChangeEventArguments], None]:
    storage = app.storage.user

    def choose(event: ValueChangeEventArguments) -> None:
        if event.value in LOCALES and event.value != tr.locale:
            storage['locale'] = event.value
            ui.navigate.reload()  # the whole page again, with its lang and direction from the server
    return choose


class HtmlDirection:
    """Pure ASGI middleware: adds ``dir="rtl"`` to ``<html lang="ar">`` in the HTML NiceGUI serves
    (its template writes ``lang`` only). Other responses and websockets pass untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        start: Message | None = None

        async def send_with_direction(message: Message) -> None:
            nonlocal start
            if message['type'] == 'http.response.start':
                if any(k == b'content-type' and v.startswith(b'text/html') for k, v in message.get('headers', [])):
                    start = message  # held back until the first body chunk: its length may change
                    return
            elif message['type'] == 'http.response.body' and start is not None:
                held, start = start, None
                message = {**message, 'body': _with_direction(message.get('body', b''))}
                headers = [(k, v) for k, v in held['headers'] if k != b'content-length']
                if not message.get('more_body'):
                    headers.append((b'content-length', str(len(message['body'])).encode()))
                await send({**held, 'headers': headers})
            await send(message)

        await self.app(scope, receive, send_with_direction)


def _with_direction(body: bytes) -> bytes:
    head = body[:300]
    for code in RTL_LANGUAGES:
        tag = f'<html lang="{QUASAR_LANGUAGE[code]}">'.encode()
        if tag in head:
            return body.replace(tag, f'<html lang="{QUASAR_LANGUAGE[code]}" dir="rtl">'.encode(), 1)
    return body
