"""Events and their breakout rooms: creation, join codes, secrets."""
from __future__ import annotations

import secrets

from sqlmodel import Session, select

from .errors import DomainError
from .models import Event, Room
from .text import clean_text

# Join codes are read aloud and typed on phones: three letters then three digits (so O/0, I/1,
# S/5, B/8 cannot be mixed up), letters chosen to look and sound distinct, drawn at random so the
# next room's code cannot be guessed from this one's.
CODE_LETTERS = 'ACDEFHJKMNPRTUVWXY'
CODE_DIGITS = '23456789'
MAX_ROOMS = 200


def new_join_code() -> str:
    return (''.join(secrets.choice(CODE_LETTERS) for _ in range(3))
            + ''.join(secrets.choice(CODE_DIGITS) for _ in range(3)))


def format_code(code: str) -> str:
    """How a code is shown and read aloud: ``KMR-472``."""
    return f'{code[:3]}-{code[3:]}' if len(code) == 6 else code


def _unique_code(session: Session) -> str:
    for _ in range(100):
        code = new_join_code()
        if session.exec(select(Room.id).where(Room.join_code == code)).first() is None:
            return code
    raise DomainError('Could not find a free room code. Try again.')


def create_event(session: Session, name: str, rooms: int, plan: dict,
                 room_names: list[str] | None = None) -> Event:
    """A new event with ``rooms`` breakout rooms, each set up from the session plan."""
    name = clean_text(name, 120)
    if isinstance(rooms, bool) or not isinstance(rooms, int) or not 1 <= rooms <= MAX_ROOMS:
        raise DomainError('An event has between 1 and {max} rooms.', max=MAX_ROOMS)
    # check every name before writing anything, so a refusal leaves no half-made event behind
    names = [clean_text(room_names[i] if room_names and i < len(room_names) else f'Room {i + 1}', 80)
             for i in range(rooms)]
    try:
        event = Event(name=name, organizer_key=secrets.token_urlsafe(16), plan=plan)
        session.add(event)
        session.flush()
        for room_name in names:
            session.add(Room(event_id=event.id, name=room_name, join_code=_unique_code(session),
                             facilitator_key=secrets.token_urlsafe(16), **plan.get('room', {})))
            session.flush()
        session.commit()
    except Exception:
        session.rollback()
        raise
    return event


def rooms_of(session: Session, event_id: int) -> list[Room]:
    """The event's breakout rooms (its plenary, once made, is not one of them: see ``plenary.py``)."""
    return list(session.exec(select(Room).where(Room.event_id == event_id, Room.kind != 'plenary')
                             .order_by(Room.id)).all())


def find_event(session: Session, name: str) -> Event | None:
    return session.exec(select(Event).where(Event.name == name).order_by(Event.id)).first()


def latest_event(session: Session) -> Event | None:
    return session.exec(select(Event).order_by(Event.id.desc())).first()  # type: ignore[union-attr]
