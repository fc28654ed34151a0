"""Which participants have their room open right now.

"Joined" (in the database) counts everyone who ever joined; this counts phones connected now,
so a facilitator can tell a full room from one that emptied at lunch. Each server process counts its
own phones; with several processes (``spcp/relay.py``) each hears the others' counts and adds them,
forgetting a process it has not heard from in ``REMOTE_KEEP_S`` (it stopped, or lost PostgreSQL).
"""
from __future__ import annotations

import time
from collections import Counter

REMOTE_KEEP_S = 60  # other processes repeat their counts every 20 s (relay.SNAPSHOT_S)


class Presence:
    def __init__(self) -> None:
        self._open: dict[int, Counter[int]] = {}   # room id -> participant id -> open pages
        self._remote: dict[str, tuple[float, dict[int, int]]] = {}  # process -> (heard at, room id -> phones)

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
        """Phones with the room open, in this process and the others heard from lately."""
        now = time.monotonic()
        return self.local(room_id) + sum(counts.get(room_id, 0) for heard, counts in self._remote.values()
                                         if now - heard < REMOTE_KEEP_S)

    def local(self, room_id: int) -> int:
        """Phones with the room open in this process."""
        return len(self._open.get(room_id, ()))

    def local_counts(self) -> dict[int, int]:
        return {room_id: len(pages) for room_id, pages in self._open.items() if pages}

    def remote(self, process: str, counts: dict[int, int], every_room: bool = False) -> None:
        """Another process's counts: of the rooms named (``every_room``: of all its rooms; others are 0)."""
        _heard, known = self._remote.get(process, (0.0, {}))
        self._remote[process] = (time.monotonic(), dict(counts) if every_room else {**known, **counts})


_presence = Presence()


def presence() -> Presence:
    return _presence


def reset() -> None:
    """Forget everyone (tests start a fresh app each time)."""
    global _presence  # noqa: PLW0603
    _presence = Presence()
