"""Rate limits and join counts shared by several server processes on one PostgreSQL (spcp/rate_limits.py).

Two limiter objects on one database stand for two processes; a clock given to them stands for time.
PostgreSQL only: on SQLite one process counts in memory (RateLimits, JoinCounter).
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from spcp.rate_limits import SWEEP_EVERY_S, SharedJoinCounter, SharedRateLimits, SharedStore

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize('engine', ['postgres'], indirect=True)]

RULES = {'actions_per_participant': '3 per 10 seconds;5 per minute', 'actions_per_address': '4 per minute',
         'code_guesses_per_address': '2 per minute'}
SECRET = 'the-data-folder-secret'


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.5

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def process(engine, clock: Clock, secret: str = SECRET) -> SharedRateLimits:
    """One server process's limiter on the shared database."""
    return SharedRateLimits(RULES, SharedStore(lambda: engine, secret), clock)


def rows(engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text('SELECT * FROM rate_count ORDER BY name, window_s'))]


def test_two_processes_count_one_participant_once(engine, clock):
    one, two = process(engine, clock), process(engine, clock)
    assert [one.hit('actions_per_participant', 7), two.hit('actions_per_participant', 7),
            one.hit('actions_per_participant', 7)] == [None, None, None]
    assert two.hit('actions_per_participant', 7) == 10  # the 10 seconds began with the first try
    assert one.check('actions_per_participant', 7) == 10
    assert one.hit('actions_per_participant', 8) is None  # someone else
    clock.now += 6.2
    assert two.hit('actions_per_participant', 7) == 4  # 3.8 s left: rounded up
    clock.now += 4
    assert [two.hit('actions_per_participant', 7), one.hit('actions_per_participant', 7)] == [None, None]
    assert one.hit('actions_per_participant', 7) == 50  # now the minute's 5 are used
    clock.now += 50
    assert one.hit('actions_per_participant', 7) is None


def test_a_refused_try_counts_against_no_limit(engine, clock):
    one, two = process(engine, clock), process(engine, clock)
    for _ in range(4):
        assert one.hit('actions_per_address', '10.0.0.9') is None
    assert two.hit_all([('actions_per_participant', 1), ('actions_per_address', '10.0.0.9')]) == 60
    assert two.hit_all([('actions_per_participant', 1), ('actions_per_address', '10.0.0.10')]) is None
    # the refused try did not count against participant 1: two more fit in its 10 seconds
    assert [one.hit('actions_per_participant', 1), one.hit('actions_per_participant', 1)] == [None, None]
    assert one.hit('actions_per_participant', 1) == 10


def test_check_counts_nothing(engine, clock):
    one = process(engine, clock)
    assert one.check('code_guesses_per_address', '10.0.0.3') is None
    assert rows(engine) == []
    one.hit('code_guesses_per_address', '10.0.0.3')
    assert one.check('code_guesses_per_address', '10.0.0.3') is None
    one.hit('code_guesses_per_address', '10.0.0.3')
    assert one.check('code_guesses_per_address', '10.0.0.3') == 60
    assert one.check('a limit switched off', '10.0.0.3') is None


def test_tries_at_once_in_several_processes_pass_exactly_the_limit(engine, clock):
    limiters = [process(engine, clock) for _ in range(6)]
    barrier = threading.Barrier(len(limiters))

    def flood(limiter: SharedRateLimits) -> list[float | None]:
        barrier.wait(timeout=30)
        return [limiter.hit_all([('actions_per_participant', 3), ('actions_per_address', '10.0.0.4')])
                for _ in range(5)]

    with ThreadPoolExecutor(len(limiters)) as pool:
        answers = [wait for answers in pool.map(flood, limiters) for wait in answers]
    assert answers.count(None) == 3 and len(answers) == 30  # the participant's 3 per 10 seconds
    assert {n for name, key, window_s, started, expires, n, cap in rows(engine)} == {3}


def test_no_address_is_written_only_a_keyed_hash(engine, clock):
    process(engine, clock).hit_all([('actions_per_participant', 42), ('actions_per_address', '192.168.4.23')])
    written = rows(engine)
    assert len(written) == 3
    assert not any('192.168' in str(value) or value == '42' for row in written for value in row)
    keys = {row[1] for row in written}
    assert all(len(key) == 32 and int(key, 16) >= 0 for key in keys)
    # another secret, other keys: without the secret the hashes lead to no address
    process(engine, clock, secret='another-secret').hit('actions_per_address', '192.168.4.23')
    assert len({row[1] for row in rows(engine)}) == 3


def test_passed_windows_are_deleted(engine, clock):
    one = process(engine, clock)
    one.hit('code_guesses_per_address', '10.0.0.5')
    clock.now += max(SWEEP_EVERY_S, 61)
    one.hit('actions_per_address', '10.0.0.6')  # counting sweeps what has passed, once a minute at most
    assert [row[0] for row in rows(engine)] == ['actions_per_address']


def test_joins_per_address_are_counted_for_every_process(engine, clock):
    one, two = (SharedJoinCounter(2, SharedStore(lambda: engine, SECRET), clock) for _ in range(2))
    assert [one.allow(1, '10.0.0.7'), two.allow(1, '10.0.0.7'), one.allow(1, '10.0.0.7')] == [True, True, False]
    assert not two.allow(1, '10.0.0.7')
    assert two.allow(2, '10.0.0.7') and one.allow(1, '10.0.0.8')  # another room, another address
    assert (one.refused.get(1, 0), two.refused.get(1, 0), one.refused.get(2, 0)) == (2, 2, 0)
    one.exempt(1, '10.0.0.7')             # a rehearsal's simulated phones, from the server's address
    assert two.allow(1, '10.0.0.7') and two.allow(1, '10.0.0.7')
    assert not two.allow(2, '10.0.0.7') or not two.allow(2, '10.0.0.7')  # room 2 is not exempt
    two.exempt(1, '10.0.0.7', False)
    assert not one.allow(1, '10.0.0.7')
    assert not any('10.0.0' in str(value) for row in rows(engine) for value in row)


def test_no_limit_counts_nothing(engine, clock):
    joins = SharedJoinCounter(0, SharedStore(lambda: engine, SECRET), clock)
    assert all(joins.allow(1, '10.0.0.7') for _ in range(10))
    assert rows(engine) == []
