"""Which participants have their room open right now (in this server process).

"Joined" (in the database) counts everyone who ever joined; this counts phones connected now,
so a facilitator can tell a full room from one that emptied at lunch.
"""
from __future__ import annotations

from collections import Counter


class Presence:
    def __init__(self) -> None:
        self._open: dict[int, Counter[int]] = {}   # room id -> participant id -> open pages

    def arrive(self, room_id: int, participant_id: int) -> int:
        """One more page of this participant is connected; returns the room's connected count."""
        self._open.setdefault(room_id, Counter())[participant_id] += 1
        return self.connected(room_id)

    def leave(self, room_id: int, participant_id: int) -> int:
        pages = self._open.get(room_id)
        if pages is not None and pages[participant_id] > 0:
            pages[participant_id] -= 1
            if pages[participant_id] == 0:
                del pages[participant_id]
        return self.connected(room_id)

    def connected(self, room_id: int) -> int:
        return len(self._open.get(room_id, ()))


_presence = Presence()


def presence() -> Presence:
    return _presence


def reset() -> None:
    """Forget everyone (tests start a fresh app each time)."""
    global _presence  # noqa: PLW0603
    _presence = Presence()
