"""The event bench/load.py measures, written into the SQLite file by the served checkout's own domain.

    python bench/load_seed.py CHECKOUT DATABASE ROOMS PHASE CARDS MAX_CARDS

DATABASE is an SQLite file or a database URL (``postgresql+psycopg://...``: several processes on one database).

Run by bench/load.py in a subprocess with CHECKOUT first on the path, so a ``--project`` checkout (an
older commit) seeds with its own schema and rules. Prints the rooms as JSON: [code, board path,
[[card id, text], ...]] each. Importable for ``SeededRoom`` without importing spcp.
"""
from __future__ import annotations

import json
import math
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEED_AUTHOR_CARDS = 10   # cards per seeded author (a participant may write 12)
CARD = 'Room {room} card {i}: officers stop young people on the east side again and again without saying why'


@dataclass
class SeededRoom:
    code: str
    board_path: str
    cards: list[tuple[int, str]] = field(default_factory=list)
    organizer: str = ''                     # the event's organizer sign-in link (its dashboard moves every room)


def seed(database: Path | str, rooms: int, phase: str, cards: int, max_cards: int) -> tuple[list[SeededRoom], str]:
    """One event of ``rooms`` rooms in ``phase``, each with ``cards`` issues (votes shown in Vote), written
    through the domain into the SQLite file or database URL (a running server reads it on the next page load);
    and the organizer's sign-in link of the event (its dashboard moves every room at once)."""
    from sqlmodel import Session

    from spcp import db, plan
    from spcp.domain import events
    from spcp.links import facilitator_url, organizer_url

    engine = db.make_engine(str(database) if '://' in str(database) else f'sqlite:///{database}')
    the_plan = plan.load_plan()
    the_plan.setdefault('room', {})['max_cards_per_participant'] = max_cards
    try:
        with Session(engine, expire_on_commit=False) as session:
            event = events.create_event(session, f'Load bench {uuid.uuid4().hex[:6]}', rooms, the_plan)
            seeded = [SeededRoom(room.join_code, facilitator_url('', room.join_code, room.facilitator_key),
                                 seed_room(session, room, phase, cards))
                      for room in events.rooms_of(session, event.id)]
            organizer = organizer_url('', event.id, event.organizer_key)
    finally:
        engine.dispose()
    return seeded, organizer


def seed_room(session: Any, room: Any, phase: str, cards: int) -> list[tuple[int, str]]:
    from spcp.domain import access, rooms
    from spcp.domain import cards as card_domain

    facilitator = access.facilitator(session, room.join_code, room.facilitator_key)
    rooms.set_phase(session, facilitator, room.id, 'issues')
    authors = [rooms.join(session, room.join_code, f'load-seed-{i}')[0]
               for i in range(math.ceil(cards / SEED_AUTHOR_CARDS))]
    made = []
    for i in range(cards):
        text = CARD.format(room=room.join_code, i=i)
        view, _ = card_domain.submit(session, authors[i // SEED_AUTHOR_CARDS], room.id, text, uuid.uuid4().hex)
        made.append((view.id, text))
    if phase != 'issues':
        rooms.set_phase(session, facilitator, room.id, phase)
    if phase == 'vote':
        rooms.reveal_votes(session, facilitator, room.id, True)  # the board shows totals: a dot reaches it
    return made


def main(argv: list[str]) -> None:
    project, database, rooms, phase, cards, max_cards = argv
    sys.path.insert(0, project)
    seeded, organizer = seed(database if '://' in database else Path(database), int(rooms), phase, int(cards),
                             int(max_cards))
    print(json.dumps({'rooms': [[room.code, room.board_path, room.cards] for room in seeded], 'organizer': organizer}))


if __name__ == '__main__':
    main(sys.argv[1:])
