"""How often one participant or one network address may act: moving windows kept in memory.

The counting is the `limits` library's (a moving window per rule, expired entries dropped by its
own timer), so memory stays bounded by the people active in the last window. One process holds
the counts; a restart forgets them, which is harmless for limits of seconds and minutes.
"""
from __future__ import annotations

import math
import time
from collections.abc import Mapping

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class RateLimits:
    """Named rules (``'actions_per_participant': '30 per 10 seconds;120 per minute'``)."""

    def __init__(self, rules: Mapping[str, str]) -> None:
        self._rules: dict[str, list[RateLimitItem]] = {
            name: parse_many(text) for name, text in rules.items() if text and text.strip()}
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, name: str, *identity: object) -> float | None:
        """Count one try of ``name`` by ``identity``. ``None`` if allowed; otherwise the seconds to
        wait before trying again (and the try is not counted)."""
        wait = self.check(name, *identity)
        if wait is None:
            for item in self._rules.get(name, []):
                self._limiter.hit(item, name, *map(str, identity))
        return wait

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
