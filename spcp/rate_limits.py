"""How often one participant or one network address may act, and how many participants one address
may make in a room: counted in memory (SQLite: one process), or in the database for every server
process on one PostgreSQL (:class:`SharedRateLimits`, :class:`SharedJoinCounter`, same interface).

In memory the counting is the `limits` library's (a moving window per rule, expired entries dropped every
few seconds: :class:`SparseExpiry`), so memory stays bounded by the people active in the last window; a
restart forgets the counts, which is harmless for limits of seconds and minutes. The `limits` library has no SQL storage
(memory, Redis, Memcached, MongoDB only), so the shared counts are this module's own: see
:class:`SharedStore`.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import TextClause, bindparam, delete, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .domain.models import RateCount

log = logging.getLogger(__name__)
Try = tuple[str, object]  # (limit name, identity): one participant id, one address...


EXPIRE_EVERY_S = 5.0  # expired entries dropped at most this often (the windows are of 10 s and more)


class SparseExpiry(MemoryStorage):
    """`limits`' memory storage, dropping expired entries every ``EXPIRE_EVERY_S`` on the thread that counts.

    `limits` 5 starts a thread 10 ms after a try whenever its last one has ended, and that thread walks every
    key: 2,000 keys (1,000 participants, two rules each) took 2.1 ms a walk, and at 100 actions a second it
    started some 70 threads a second, about a fifth of a core taken from the event loop (starting each also
    waits for the new thread; bench/load.py put ~9 s of the server's CPU per 45 s run in threads that had
    ended). Whether an entry counts is decided by its time, not by the walk, so walking seldom changes no
    answer; it only keeps memory bounded. `limits`' walk empties a key's list but keeps the key (one per
    participant and rule, for good); this one drops it too, so memory follows the people active in the last
    window. (Every count here is made on the event loop's thread.)"""

    def __init__(self) -> None:
        super().__init__()
        self.expired_at = time.monotonic()

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 (overrides MemoryStorage.__schedule_expiry)
        if (now := time.monotonic()) - self.expired_at >= EXPIRE_EVERY_S:
            self.expired_at = now
            self._MemoryStorage__expire_events()
            for key in [key for key, entries in self.events.items() if not entries]:
                del self.events[key]


class RateLimits:
    """Named rules (``'actions_per_participant': '30 per 10 seconds;120 per minute'``)."""

    def __init__(self, rules: Mapping[str, str]) -> None:
        self._rules: dict[str, list[RateLimitItem]] = {
            name: parse_many(text) for name, text in rules.items() if text and text.strip()}
        self._limiter = MovingWindowRateLimiter(SparseExpiry())

    def hit(self, name: str, *identity: object) -> float | None:
        """Count one try of ``name`` by ``identity``. ``None`` if allowed; otherwise the seconds to
        wait before trying again (and the try is not counted)."""
        wait = self.check(name, *identity)
        if wait is None:
            for item in self._rules.get(name, []):
                self._limiter.hit(item, name, *map(str, identity))
        return wait

    def hit_all(self, tries: Iterable[Try]) -> float | None:
        """Count one try against several limits, all or none: ``None`` if every one allows it (then
        it counts against each), else the longest wait (and it counts against none)."""
        tries = list(tries)
        waits = [wait for name, who in tries if (wait := self.check(name, who)) is not None]
        if waits:
            return max(waits)
        for name, who in tries:
            self.hit(name, who)
        return None

    def check(self, name: str, *identity: object) -> float | None:
        """Like :meth:`hit`, without counting a try (for limits that count only failures)."""
        keys = [str(part) for part in identity]
        for item in self._rules.get(name, []):
            if not self._limiter.test(item, name, *keys):
                return self._wait(item, name, keys)
        return None

    def _wait(self, item: RateLimitItem, name: str, keys: list[str]) -> float:
        stats = self._limiter.get_window_stats(item, name, *keys)
        return max(1.0, math.ceil(stats.reset_time - time.time()))


class JoinCounter:
    """New participants per network address per room, and how many joins were refused.

    Counted in memory: a restart forgets it. No address is ever written to the database, so a
    participant stays anonymous.
    """

    def __init__(self, per_address: int) -> None:
        self.per_address = per_address  # 0: no limit
        self._joined: dict[tuple[int, str], int] = {}
        self.refused: dict[int, int] = {}   # room id -> refused joins
        self._exempt: set[tuple[int, str]] = set()

    def exempt(self, room_id: int, address: str, exempt: bool = True) -> None:
        """Let ``address`` fill one room (``exempt=False`` ends it): a practice room's rehearsal, whose
        simulated phones all come from the server's own address (``spcp/rehearsal/crowd.py``)."""
        (self._exempt.add if exempt else self._exempt.discard)((room_id, address))

    def allow(self, room_id: int, address: str) -> bool:
        """May ``address`` create one more participant in the room? Counts the refusal if not."""
        if (room_id, address) in self._exempt:
            return True
        if self.per_address and self._joined.get((room_id, address), 0) >= self.per_address:
            self.refused[room_id] = self.refused.get(room_id, 0) + 1
            return False
        return True

    def joined(self, room_id: int, address: str) -> None:
        self._joined[(room_id, address)] = self._joined.get((room_id, address), 0) + 1


# --- shared by several processes: the database -------------------------------------------------------

COUNTS = RateCount.__table__
SWEEP_EVERY_S = 60        # how often a process deletes the rows whose window has passed
JOIN_MEMORY_S = 86_400    # join counts and exemptions are kept a day (an event), then forgotten
UNCAPPED = 2**31 - 1
DATABASE_DOWN = (DBAPIError, PoolTimeout)  # what the database answers; a mistake in a statement is raised
_UNCOUNT = update(COUNTS).where(COUNTS.c.name == bindparam('u_name'), COUNTS.c.key == bindparam('u_key'),
                                COUNTS.c.window_s == bindparam('u_window_s')).values(n=COUNTS.c.n - 1)
_COUNTED = select(COUNTS.c.n, COUNTS.c.cap, COUNTS.c.expires) \
    .where(COUNTS.c.name == bindparam('name'), COUNTS.c.key == bindparam('key'), COUNTS.c.expires > bindparam('now'))


@dataclass(frozen=True, order=True)
class Window:
    """One count to add to: a limit's window (``length`` seconds; 0 for a count kept a day) for one hashed
    identity, at most ``cap`` tries (a row of ``rate_count``)."""
    name: str
    key: str
    length: int
    cap: int

    def row(self, now: float) -> dict[str, object]:
        return {'name': self.name, 'key': self.key, 'window_s': self.length, 'started': now,
                'expires': now + (self.length or JOIN_MEMORY_S), 'cap': self.cap}


class SharedStore:
    """Counts in the ``rate_count`` table, for every server process on one PostgreSQL.

    A window starts at an identity's first try and lasts the limit's length (as the `limits` library's
    fixed window: not moving as in memory, so a burst straddling two windows may reach twice a limit's
    number for a moment). A try is counted by one statement, a conditional write (``_counting``):
    ``INSERT ... ON CONFLICT DO UPDATE SET n = n + 1 WHERE n < cap`` (or the window is over: it starts
    again) ``RETURNING``; a row that comes back was counted, one that does not was full, and a try that
    finds any of its windows full counts in none. Two processes counting the same row wait for each
    other's row lock: a limit of 30 lets exactly 30 through, whichever processes they reach. Rows are
    written in one order (sorted), so two counts of several rows cannot deadlock. Measured on this 2-core
    box under load (a participant's action: 3 windows): 0.8-1.5 ms a count, 0.2-0.45 ms of it PostgreSQL's
    (planning 0.3, execution 0.15 at 12,000 rows), where a transaction of ``SELECT 1`` took 0.4-0.7 ms.

    Identities are never stored: ``key`` is HMAC-SHA256 of the limit's name and the identity under the
    server's secret (the cookie secret of the shared data folder), so the table holds no address, nor
    anything that finds one without the secret. A database error lets the try through (and is logged):
    the action that follows reports the database busy, if it is."""

    def __init__(self, engine: Callable[[], Engine], secret: str) -> None:
        self._engine = engine
        self._secret = secret.encode()
        self._swept = 0.0

    def key(self, name: str, *identity: object) -> str:
        text = '\x1f'.join([name, *map(str, identity)])
        return hmac.new(self._secret, text.encode(), hashlib.sha256).hexdigest()[:32]

    def count(self, windows: list[Window], now: float) -> list[Window]:
        """Count one try in each window, or in none if one is full; the full ones."""
        if not windows:
            return []
        windows = sorted(set(windows))
        try:
            with self._connection() as connection:
                counted = {tuple(row) for row in connection.execute(_counting(len(windows)), _numbered(windows, now))}
                full = [w for w in windows if (w.name, w.key, w.length) not in counted]
                if full and counted:  # raced another process to a window's last try: a refused try counts nowhere
                    connection.execute(_UNCOUNT, [{'u_name': name, 'u_key': key, 'u_window_s': length}
                                                  for name, key, length in sorted(counted)])
                self._sweep(connection, now)
        except DATABASE_DOWN:
            log.exception('rate limit not counted (database error): the try is let through')
            return []
        return full

    def counted(self, name: str, key: str, now: float) -> list[tuple[int, int, float]]:
        """``(n, cap, expires)`` of each current window of this identity for this limit."""
        try:
            with self._connection() as connection:
                return [tuple(row) for row in connection.execute(_COUNTED, {'name': name, 'key': key, 'now': now})]
        except DATABASE_DOWN:
            log.exception('rate limit not read (database error): the try is let through')
            return []

    def forget(self, name: str, key: str) -> None:
        try:
            with self._connection() as connection:
                connection.execute(delete(COUNTS).where(COUNTS.c.name == name, COUNTS.c.key == key))
        except DATABASE_DOWN:
            log.exception('rate limit not forgotten (database error)')

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A pooled connection outside any transaction: each statement is its own, with no BEGIN, COMMIT or
        ROLLBACK sent around it (every statement here is a whole count or read)."""
        with self._engine().connect() as connection:
            yield connection.execution_options(isolation_level='AUTOCOMMIT')

    def _sweep(self, connection: Connection, now: float) -> None:
        if now - self._swept >= SWEEP_EVERY_S:
            self._swept = now
            connection.execute(delete(COUNTS).where(COUNTS.c.expires <= now))


@cache
def _counting(rows: int) -> TextClause:
    """The count of one try in ``rows`` windows, all or none, as one statement (made once per number of
    rows; plain SQL, as SQLAlchemy does not cache a compiled INSERT ... ON CONFLICT: compiling it cost
    1.6 ms). Run outside a transaction: one round trip. The conditional write holds each window to its cap
    under its row lock, whatever runs at once; "none if one is full" is read from the statement's snapshot,
    so a try racing another process's last allowed one may count in the windows that had room: ``count``
    then takes it back (``_UNCOUNT``)."""
    values = ', '.join(f'(CAST(:r{i}_name AS VARCHAR), CAST(:r{i}_key AS VARCHAR), CAST(:r{i}_window_s AS INTEGER), '
                       f'CAST(:r{i}_started AS FLOAT), CAST(:r{i}_expires AS FLOAT), CAST(:r{i}_cap AS INTEGER))'
                       for i in range(rows))
    over = 'c.expires <= EXCLUDED.started'  # the window has passed: this try starts the next one
    return text(
        f'WITH tries (name, key, window_s, started, expires, cap) AS (VALUES {values}) '
        f'INSERT INTO rate_count AS c (name, key, window_s, started, expires, n, cap) '
        f'SELECT name, key, window_s, started, expires, 1, cap FROM tries WHERE NOT EXISTS ('
        f'SELECT 1 FROM tries t JOIN rate_count r USING (name, key, window_s) '
        f'WHERE r.expires > t.started AND r.n >= t.cap) ORDER BY name, key, window_s '
        f'ON CONFLICT (name, key, window_s) DO UPDATE SET '
        f'n = CASE WHEN {over} THEN 1 ELSE c.n + 1 END, '
        f'started = CASE WHEN {over} THEN EXCLUDED.started ELSE c.started END, '
        f'expires = CASE WHEN {over} THEN EXCLUDED.expires ELSE c.expires END, cap = EXCLUDED.cap '
        f'WHERE {over} OR c.n < EXCLUDED.cap RETURNING name, key, window_s')


def _numbered(windows: list[Window], now: float) -> dict[str, object]:
    return {f'r{i}_{column}': value for i, w in enumerate(windows) for column, value in w.row(now).items()}


class SharedRateLimits:
    """:class:`RateLimits` counted in the database (:class:`SharedStore`): the same rules, the same calls."""

    def __init__(self, rules: Mapping[str, str], store: SharedStore, clock: Callable[[], float] = time.time) -> None:
        self._rules: dict[str, list[RateLimitItem]] = {
            name: parse_many(text) for name, text in rules.items() if text and text.strip()}
        self._store = store
        self._clock = clock

    def hit(self, name: str, *identity: object) -> float | None:
        return self._hit([(name, self._store.key(name, *identity))])

    def hit_all(self, tries: Iterable[Try]) -> float | None:
        return self._hit([(name, self._store.key(name, who)) for name, who in tries])

    def _hit(self, keyed: list[tuple[str, str]]) -> float | None:
        now = self._clock()
        windows = [Window(name, key, item.get_expiry(), item.amount)
                   for name, key in keyed for item in self._rules.get(name, [])]
        full = {w.key: w for w in self._store.count(windows, now)}
        if not full:
            return None
        ends = [expires for name, key in keyed if key in full
                for n, cap, expires in self._store.counted(name, key, now) if n >= cap]
        return max((max(1.0, math.ceil(end - now)) for end in ends), default=1.0)

    def check(self, name: str, *identity: object) -> float | None:
        if not self._rules.get(name):
            return None
        now = self._clock()
        ends = [expires for n, cap, expires in self._store.counted(name, self._store.key(name, *identity), now)
                if n >= cap]
        return max((max(1.0, math.ceil(end - now)) for end in ends), default=None)


class SharedJoinCounter:
    """:class:`JoinCounter` counted in the database (:class:`SharedStore`), for every server process.

    ``allow`` counts the join it allows, in the same conditional write that checks the count (two
    processes asked for an address's last join at once let one through); ``joined`` has nothing left to
    count. Counts and exemptions are kept a day from their first join, not until a restart."""

    def __init__(self, per_address: int, store: SharedStore, clock: Callable[[], float] = time.time) -> None:
        self.per_address = per_address  # 0: no limit
        self._store = store
        self._clock = clock
        self.refused = SharedRefusals(store, clock)   # .get(room id, 0): refused joins

    def exempt(self, room_id: int, address: str, exempt: bool = True) -> None:
        key = self._store.key('join_exempt', room_id, address)
        if exempt:
            self._store.count([Window('join_exempt', key, 0, UNCAPPED)], self._clock())
        else:
            self._store.forget('join_exempt', key)

    def allow(self, room_id: int, address: str) -> bool:
        now = self._clock()
        if self._store.counted('join_exempt', self._store.key('join_exempt', room_id, address), now):
            return True
        if not self.per_address:
            return True
        if not self._store.count([Window('joins', self._store.key('joins', room_id, address), 0, self.per_address)],
                                 now):
            return True
        refusals = Window('joins_refused', self._store.key('joins_refused', room_id), 0, UNCAPPED)
        self._store.count([refusals], now)
        return False

    def joined(self, room_id: int, address: str) -> None:
        """Counted already, by :meth:`allow`."""


class SharedRefusals:
    """The refused joins of a room, read from the database: ``refused.get(room_id, 0)`` as for the dict
    of :class:`JoinCounter`."""

    def __init__(self, store: SharedStore, clock: Callable[[], float]) -> None:
        self._store = store
        self._clock = clock

    def get(self, room_id: int, default: int = 0) -> int:
        rows = self._store.counted('joins_refused', self._store.key('joins_refused', room_id), self._clock())
        return rows[0][0] if rows else default
