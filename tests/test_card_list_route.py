"""The card-list route ahead of the middleware (spcp/pages/card_lists.py): which requests it answers, and
the browser id it reads from the signed session cookie exactly as starlette's SessionMiddleware signs it.
Who may read a list, on a real server: tests/live/test_card_lists.py."""
from __future__ import annotations

import asyncio
import json
from base64 import b64encode

import itsdangerous
import pytest

from spcp.pages import card_lists

SECRET = 'a secret of this server'


def signed(session: object, secret: str = SECRET) -> str:
    """A session cookie's value as SessionMiddleware writes it."""
    return itsdangerous.TimestampSigner(secret).sign(b64encode(json.dumps(session).encode())).decode()


def broken(cookie: str) -> str:
    """The cookie with the first character of its signature changed (a last character may carry unused bits)."""
    head, signature = cookie.rsplit('.', 1)
    return f'{head}.{"A" if signature[0] != "A" else "B"}{signature[1:]}'


def test_the_browser_id_comes_from_a_cookie_this_server_signed() -> None:
    device = card_lists.session_device(SECRET)
    assert device(f'other=1; session={signed({"id": "browser-7"})}') == 'browser-7'
    assert device(f'session={signed({"id": "browser-7"}, "another server")}') == ''
    assert device('session=' + broken(signed({'id': 'browser-7'}))) == ''
    assert device(f'session={signed({"theme": "dark"})}') == ''
    assert device(f'session={signed(["id"])}') == ''
    assert device(f'session={signed({"id": 7})}') == ''
    assert device('session=not-signed-at-all') == ''
    assert device('') == ''
    assert device(f'sid={signed({"id": "browser-7"})}') == ''  # another cookie's name


def test_an_expired_session_is_nobody() -> None:
    assert card_lists.session_device(SECRET, max_age=-1)(f'session={signed({"id": "browser-7"})}') == ''


class Downstream:
    """The rest of the app: records what it was handed."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    async def __call__(self, scope, receive, send) -> None:
        self.paths.append(scope['path'])


def call(route: card_lists.CardListRoute, method: str, path: str, cookie: str = '') -> list[dict]:
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {'type': 'http.request', 'body': b''}
    scope = {'type': 'http', 'method': method, 'path': path, 'headers': [(b'cookie', cookie.encode())]}
    asyncio.run(route(scope, receive, send))
    return sent


@pytest.mark.parametrize('method,path', [
    ('POST', '/room-cards/3/abc'), ('GET', '/room-cards/x/abc'), ('GET', '/room-cards/3'),
    ('GET', '/room-cards/3/abc/more'), ('GET', '/room-cards/3/'), ('GET', '/room-cardsX/3/abc'),
    ('GET', '/room-cards/٣/abc'), ('GET', '/'),
])
def test_anything_but_a_list_goes_on_to_the_app(method: str, path: str) -> None:
    downstream = Downstream()
    assert call(card_lists.CardListRoute(downstream, card_lists.session_device(SECRET)), method, path) == []
    assert downstream.paths == [path]


def test_a_browser_without_a_session_is_refused_with_the_security_headers() -> None:
    downstream = Downstream()
    start, body = call(card_lists.CardListRoute(downstream, card_lists.session_device(SECRET)), 'GET',
                       '/room-cards/3/abc', cookie='session=forged')
    headers = dict(start['headers'])
    assert (start['status'], body['body'], downstream.paths) == (403, card_lists.REFUSED, [])
    assert headers[b'x-content-type-options'] == b'nosniff' and headers[b'content-length'] == b'%d' % len(body['body'])
    assert b'set-cookie' not in headers
