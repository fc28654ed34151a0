"""Cards written straight into a running server's SQLite file (WAL: the server reads what is committed
here on its next read), by participants made for them: a room with a big list without typing it."""
from __future__ import annotations

import uuid
from pathlib import Path

from sqlmodel import Session

from spcp.db import make_engine
from spcp.domain import cards, rooms

PER_AUTHOR = 12  # a participant may write 12 cards (the plan's max_cards_per_participant)


def write_cards(database: Path, join_code: str, texts: list[str]) -> None:
    """Write ``texts`` in the room of ``join_code``, which must be naming issues. Nothing is published
    live: pages see the cards when they next read the room (e.g. at the next phase change)."""
    engine = make_engine(f'sqlite:///{database}')
    try:
        with Session(engine, expire_on_commit=False) as session:
            for start in range(0, len(texts), PER_AUTHOR):
                author = rooms.join(session, join_code, f'seeded-{uuid.uuid4().hex[:12]}')[0]
                for text in texts[start:start + PER_AUTHOR]:
                    cards.submit(session, author, author.room_id, text, uuid.uuid4().hex)
    finally:
        engine.dispose()
