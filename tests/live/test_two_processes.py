"""Two ``spcp serve`` processes on one PostgreSQL (tests/cluster.py): what a page does in one reaches the pages
another process serves (spcp/relay.py, LISTEN/NOTIFY). Each raw client talks to one process directly, as a
sticky proxy would keep it there; the board and the phone are never on the same process."""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests import cluster

from .conftest import NO_PER_ADDRESS_LIMITS
from .rawclient import RawClient

pytestmark = pytest.mark.postgres


@pytest.fixture(scope='module')
def two(postgres_server, tmp_path_factory) -> Iterator[cluster.Cluster]:
    from tests import postgres
    url = postgres.require(postgres_server).new_database()
    with cluster.start(url, tmp_path_factory.mktemp('two-processes'), processes=2, proxy=False,
                       settings=NO_PER_ADDRESS_LIMITS) as running:
        yield running


@pytest.fixture
def opened() -> Iterator[list[RawClient]]:
    clients: list[RawClient] = []
    yield clients
    for client in clients:
        client.close()


def _open(clients: list[RawClient], base_url: str, link: str) -> RawClient:
    """The link's page (its path) opened on the process at ``base_url``."""
    parts = urlsplit(link)
    client = RawClient(base_url)
    clients.append(client)
    return client.open(parts.path + (f'?{parts.query}' if parts.query else ''))


def _seen(client: RawClient, text: str) -> bool:
    return any(text in shown for shown in client.texts())


def test_a_card_submitted_on_one_process_reaches_a_board_on_the_other(two, opened):
    room = two.rooms[0]
    first, second = two.process_urls
    board = _open(opened, second, room['facilitator_url'])
    phone = _open(opened, first, room['join_url'])
    board.click(board.find_one(text='Next phase'))  # Welcome -> Issues, clicked on the second process ...
    issue = phone.find_one(label='Your issue', timeout=10)  # ... and the phone on the first one follows
    phone.type_into(issue, 'Stops at night feel random to us')
    phone.click(phone.find_one(text='Add issue'), 'two-processes-card-1')
    phone.wait_for_notification('Added. Thank you.')
    board.wait_for(lambda: _seen(board, 'Stops at night feel random to us'), timeout=10,
                   what='the card on the board served by the other process')


def test_phones_on_both_processes_are_counted_as_connected(two, opened):
    """A phone on each process in one room: the board (on the first) counts both phones as connected."""
    room = two.rooms[1]
    first, second = two.process_urls
    board = _open(opened, first, room['facilitator_url'])
    _open(opened, first, room['join_url'])
    _open(opened, second, room['join_url'])
    board.wait_for(lambda: _seen(board, '2 connected now'), timeout=10,
                   what=f'both phones counted on the board; it shows {board.texts()}')
