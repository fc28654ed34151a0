"""A big vote list (over ``vote_list.INLINE_BYTES``) is not in the phone's element: real Chromium fetches it
from the room's address (card_lists.py) and votes on it as on a small one, after a reload too."""
from __future__ import annotations

import pytest

from ..seeding import write_cards
from .conftest import CHROMIUM, add_issue, heading

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed (apt-get install chromium)'),
]

expect = pytest.importorskip('playwright.sync_api').expect

LIVE_S = 2_000
ISSUES = ['Cars drive too fast on Fifth Avenue', 'Nobody answers the phone at night']  # typed on the phone
SEEDED = [f'Seeded issue {i}: officers stop young people on the east side again and again without saying why, '
          'and nobody ever explains what happened afterwards, so people stop calling and stop trusting them.'
          for i in range(40)]  # written beside them by others: a list too big to ride in the element


@pytest.fixture(scope='module')
def server(make_server):
    return make_server(SPCP_JOINS_PER_ADDRESS='0', SPCP_PAGE_LOADS_PER_ADDRESS='')


def test_a_big_vote_list_is_fetched_and_voted_on(pages, server) -> None:
    room = server.rooms[0]
    board = pages.board(room)
    phone = pages.phone(room['join_url'])
    lists: list[tuple[str, int]] = []
    phone.on('response', lambda r: lists.append((r.url, r.status)) if '/room-cards/' in r.url else None)
    board.get_by_role('button', name='Next phase').click()
    expect(heading(phone, 'Name the issues')).to_be_visible(timeout=LIVE_S)
    for text in ISSUES:
        add_issue(phone, text)
    write_cards(server.database, room['code'], SEEDED)
    assert lists == []  # nothing fetched while naming issues

    board.get_by_role('button', name='Next phase').click()
    expect(heading(phone, 'Vote')).to_be_visible(timeout=LIVE_S)
    expect(phone.locator('.vote-card')).to_have_count(len(ISSUES + SEEDED), timeout=LIVE_S)
    assert len(lists) == 1 and lists[0][1] == 200, lists
    card = phone.locator('.vote-card').filter(has_text='Cars drive too fast')
    card.tap()
    expect(phone.get_by_text('Dots left: 2 of 3')).to_be_visible(timeout=LIVE_S)
    expect(card).to_have_attribute('aria-pressed', 'true')

    phone.reload()
    expect(phone.locator('.vote-card')).to_have_count(len(ISSUES + SEEDED), timeout=LIVE_S)
    expect(card).to_have_attribute('data-dots', '●')
    assert [status for _url, status in lists] == [200, 200]
    assert pages.page_errors == []
