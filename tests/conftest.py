"""Settings for the whole suite."""
from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests import postgres

# The socket.io client library that tests use (tests/live, the TLS test) logs an ERROR from its own
# threads when a socket it no longer needs closes (e.g. "packet queue is empty, aborting" after a
# test's server stopped). That can land in a later test, where NiceGUI's test plugin fails on any
# ERROR log: it is the test client's noise, not the app's.
for name in ('engineio.client', 'socketio.client'):
    logging.getLogger(name).setLevel(logging.CRITICAL)


@pytest.fixture(scope='session')
def postgres_server() -> Iterator[postgres.Server | postgres.Unavailable | None]:
    """One PostgreSQL server for the whole session (tests/postgres.py), started by the first test that asks;
    None when switched off (SPCP_TEST_POSTGRES=0), the reason when it would not start."""
    if not postgres.ENABLED:
        yield None
        return
    try:
        server = postgres.start()
    except postgres.Unavailable as reason:
        yield reason
        return
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A PostgreSQL database at the newest schema with no rows (ids start at 1 again): one database shared by
    the tests, emptied before each."""
    server = postgres.require(postgres_server)
    url = server.shared_database()
    server.empty()
    return url


@pytest.fixture
def postgres_database(postgres_server) -> Iterator[str]:
    """A PostgreSQL database of the test's own, at the newest schema, dropped after it: for a test that
    changes the schema itself."""
    server = postgres.require(postgres_server)
    url = server.new_database()
    yield url
    server.drop_database(url)
