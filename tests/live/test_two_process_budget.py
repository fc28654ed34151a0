"""One phone's dots sent at once to two ``spcp serve`` processes on one PostgreSQL (tests/cluster.py): the dots
written never exceed the budget, and every dot refused is refused in words ("You have used all your 3 dots");
the participant's rate limit is counted once for both processes (``SharedRateLimits``), not once in each.

Each participant has one browser (one cookie jar, so one device id and one participant) with a tab on each
process, as a phone whose proxy lost its sticky cookie, or two tabs of one phone behind two proxies, would
have. Both tabs tap dots at once through the phone's outbox, on different cards (so the per-card limit
never answers), and the two processes check the same budget at the same moment. What keeps it is the row
lock each participant action takes first (``access.lock_participant``): without it, each process reads the
dots used before the other's commit and both write (checked: this test then fails, over budget).
"""
from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from spcp.domain import access, cards, rooms
from spcp.domain.models import Room
from tests import cluster

from .conftest import NO_PER_ADDRESS_LIMITS
from .rawclient import RawClient

pytestmark = pytest.mark.postgres

PEOPLE = 4
CARDS = 8           # each tab taps half of them: 4 + 4 taps against a budget of 3
BUDGET = 3          # the room's dots per participant (the default)
NO_DOTS_LEFT = f'You have used all your {BUDGET} dots. Take one back to move it.'
ACK_TIMEOUT_S = 15  # two processes and the tests' PostgreSQL on this busy 2-core box
PER_MINUTE = CARDS  # SPCP_ACTIONS_PER_PARTICIPANT: each phone's CARDS taps fit, a few more do not
TOO_FAST = re.compile(r'Too many at once: wait \d+ seconds, then try again\. Nothing you wrote is lost\.')


@pytest.fixture(scope='module')
def two(postgres_server, tmp_path_factory) -> Iterator[cluster.Cluster]:
    from tests import postgres
    url = postgres.require(postgres_server).new_database()
    limits = NO_PER_ADDRESS_LIMITS | {'SPCP_ACTIONS_PER_PARTICIPANT': f'{PER_MINUTE} per minute'}
    with cluster.start(url, tmp_path_factory.mktemp('two-process-budget'), processes=2, proxy=False, rooms=1,
                       settings=limits) as running:
        yield running


def voting_room(database_url: str, code: str) -> None:
    """``CARDS`` cards written by someone, the room voting: set up straight in the database, before any
    phone opens a page (a page shows the room as it finds it)."""
    engine = create_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            room = session.exec(select(Room).where(Room.join_code == code)).one()
            staff = access.facilitator(session, code, room.facilitator_key)
            rooms.set_phase(session, staff, room.id, 'issues')
            writer, _ = rooms.join(session, code, 'the-writer')
            for n in range(CARDS):
                cards.submit(session, writer, room.id, f'Issue number {n}', uuid.uuid4().hex)
            rooms.set_phase(session, staff, room.id, 'vote')
    finally:
        engine.dispose()


def dots_written(database_url: str) -> dict[str, int]:
    """Dots in the database per device (the writer has none)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return dict(connection.execute(text(
                'SELECT participant.device, count(vote.id) FROM participant LEFT JOIN vote '
                'ON vote.participant_id = participant.id GROUP BY participant.device')).all())
    finally:
        engine.dispose()


def tap_all(tab: RawClient, card_ids: list[int], start: threading.Barrier) -> list[tuple[str, list[str]]]:
    """Tap a dot on each card at once (the outbox sends its items without waiting); each key's
    acknowledgements, once every key has one."""
    room = tab.element(tab.find_one(classes='spcp-outbox'))['props']['data-room']
    keys = [uuid.uuid4().hex[:16] for _ in card_ids]
    start.wait(timeout=30)
    for key, card in zip(keys, card_ids, strict=True):
        tab.send_outbox({'key': key, 'room': room, 'kind': 'dot', 'card_id': card})
    tab.wait_for(lambda: all(tab.outbox_acks(key) for key in keys), timeout=ACK_TIMEOUT_S,
                 what='an acknowledgement of every dot')
    return [(key, tab.outbox_acks(key)) for key in keys]


@pytest.fixture(scope='module')
def voting(two) -> dict:
    """The cluster's room, voting on ``CARDS`` cards."""
    room = two.rooms[0]
    voting_room(two.database_url, room['code'])
    return room


@pytest.fixture
def phones(two, voting) -> Iterator[list[tuple[RawClient, RawClient]]]:
    """Per phone, a tab on each process; ``phones(n)`` opens n new phones."""
    opened: list[tuple[RawClient, RawClient]] = []

    def open_phones(n: int) -> list[tuple[RawClient, RawClient]]:
        first, second = two.process_urls
        for _ in range(n):
            browser = requests.Session()  # one cookie jar: the same device id on both processes
            one = RawClient(first, browser)
            opened.append((one, RawClient(second, browser)))
            one.open(voting['join_url'])
            opened[-1][1].open(voting['join_url'])
        return opened[-n:]

    yield open_phones
    for pair in opened:
        for tab in pair:
            tab.close()


def tap_at_once(taps: dict[RawClient, list[int]]) -> dict[RawClient, list[list[str]]]:
    """Every tab taps its cards, all tabs at once; each tap's acknowledgements."""
    start, results = threading.Barrier(len(taps)), {}
    threads = [threading.Thread(target=lambda tab=tab, cards=cards: results.__setitem__(
                   tab, [states for _key, states in tap_all(tab, cards, start)]), daemon=True)
               for tab, cards in taps.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=ACK_TIMEOUT_S + 35)
    assert len(results) == len(taps), 'a tab got no acknowledgement for every tap'
    return results


def test_dots_tapped_on_two_processes_at_once_never_exceed_the_budget(two, phones):
    tabs = phones(PEOPLE)
    card_ids = sorted(card['id'] for card in tabs[0][0].vote_cards())
    assert len(card_ids) == CARDS
    shown = {tab: len(tab.notifications()) for pair in tabs for tab in pair}
    acks = tap_at_once({tab: card_ids[half::2] for pair in tabs for half, tab in enumerate(pair)})

    written = dots_written(two.database_url)
    assert sorted(written.values()) == [0] + [BUDGET] * PEOPLE  # the writer, then each phone at its budget
    for pair in tabs:
        assert sorted(states for tab in pair for states in acks[tab]) == \
            [['done']] * BUDGET + [['dropped']] * (CARDS - BUDGET)
        refusals = [text for tab in pair for text in tab.notifications()[shown[tab]:]]
        assert refusals == [NO_DOTS_LEFT] * (CARDS - BUDGET)


def test_a_participant_s_rate_limit_is_counted_once_for_both_processes(two, phones):
    """Each tab taps more than half the limit: together they pass it, each process alone would not."""
    [(one, other)] = phones(1)
    card_ids = sorted(card['id'] for card in one.vote_cards())
    taps = PER_MINUTE // 2 + 2
    shown = {tab: len(tab.notifications()) for tab in (one, other)}
    acks = tap_at_once({one: card_ids[:taps], other: card_ids[-taps:]})
    states = [state for tab in (one, other) for answer in acks[tab] for state in answer]
    assert len(states) == 2 * taps
    assert states.count('retry') == 2 * taps - PER_MINUTE  # refused by the limit: the phone sends them later
    too_fast = [text for tab in (one, other) for text in tab.notifications()[shown[tab]:] if TOO_FAST.fullmatch(text)]
    assert len(too_fast) == 2 * taps - PER_MINUTE
