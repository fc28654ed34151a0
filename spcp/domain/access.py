"""Who is acting, and what their role lets them do. Every domain function checks here.

Three roles: a *participant* of one room (proved by the browser's id, given on joining), the
*facilitator* of one room (proved by the room's facilitator key) and the *organizer* of an event
(proved by the event's organizer key), who may also facilitate any room of the event.

A staff actor carries a *proof*: a fingerprint of the key it signed in with (never the key).
Every staff action checks that the proof still matches the room's or event's key, so rotating a
key signs the old link out everywhere, on the next action or page load.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session, select

from .errors import NotAllowed, NotFound, msgid
from .models import Event, Participant, Receipt, Room

MAX_KEY_LENGTH = 64
INVALID_FACILITATOR_LINK = msgid('This facilitator link is not valid. Ask the organizer for the right link.')
INVALID_ORGANIZER_LINK = msgid('This organizer link is not valid.')
# FOR NO KEY UPDATE: waits for the same participant's other action only; the key-share locks that inserting
# their votes and cards takes (foreign keys) do not wait for it
_LOCK_PARTICIPANT = core_select(Participant.__table__.c.id) \
    .where(Participant.__table__.c.id == bindparam('participant_id')).with_for_update(key_share=True)
_LOCK_ROOM = core_select(Room.__table__.c.id).where(Room.__table__.c.id == bindparam('room_id')) \
    .with_for_update(key_share=True)


class Role(StrEnum):
    PARTICIPANT = 'participant'
    FACILITATOR = 'facilitator'
    ORGANIZER = 'organizer'


@dataclass(frozen=True)
class Actor:
    role: Role
    event_id: int
    room_id: int | None = None         # None for an organizer: all rooms of the event
    participant_id: int | None = None  # only for a participant
    proof: str | None = None           # staff only: fingerprint of the key signed in with


def fingerprint(key: str) -> str:
    """What a signed-in browser keeps instead of the key: enough to check it, useless to sign in with."""
    return hashlib.sha256(f'spcp-key:{key}'.encode()).hexdigest()[:32]


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def new_key() -> str:
    """A facilitator or organizer key: 128 bits, URL-safe."""
    return secrets.token_urlsafe(16)


def room_by_code(session: Session, code: str) -> Room:
    room = session.exec(select(Room).where(Room.join_code == normalize_code(code))).first()
    if room is None:
        raise NotFound('No room has the code {code}. Check the code and try again.', code=code.strip()[:20])
    return room


def normalize_code(code: str) -> str:
    """Codes are typed on phones: ignore case, spaces and dashes."""
    text = unicodedata.normalize('NFKC', code if isinstance(code, str) else '')[:40]
    # Arabic-Indic, Devanagari... digits count as the digits they are
    text = ''.join(str(unicodedata.digit(ch)) if ch.isdigit() and unicodedata.digit(ch, None) is not None else ch
                   for ch in text)
    return ''.join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())[:20]


def facilitator(session: Session, code: str, key: str) -> Actor:
    """The facilitator of the room with ``code``, if ``key`` is its facilitator key (or the organizer's,
    unless the event has an organizer password: then the organizer signs in on the organizer page)."""
    actor = facilitator_by_proof(session, code, fingerprint(key) if isinstance(key, str) and key else '')
    event = session.get(Event, actor.event_id)
    if actor.role is Role.ORGANIZER and event is not None and event.organizer_password_hash:
        raise NotAllowed('This event has an organizer password: sign in on the organizer page first.')
    return actor


def facilitator_by_proof(session: Session, code: str, proof: str) -> Actor:
    """The same, for a browser that signed in earlier and kept the key's fingerprint."""
    room = room_by_code(session, code)
    event = session.get(Event, room.event_id)
    if _same(proof, fingerprint(room.facilitator_key)):
        return Actor(Role.FACILITATOR, room.event_id, room.id, proof=proof)
    if event and _same(proof, fingerprint(event.organizer_key)):
        return Actor(Role.ORGANIZER, room.event_id, room.id, proof=proof)
    raise NotAllowed(INVALID_FACILITATOR_LINK)


def organizer(session: Session, event_id: int, key: str) -> Actor:
    return organizer_by_proof(session, event_id, fingerprint(key) if isinstance(key, str) and key else '')


def organizer_by_proof(session: Session, event_id: int, proof: str) -> Actor:
    event = session.get(Event, event_id) if isinstance(event_id, int) else None
    if event is None or not _same(proof, fingerprint(event.organizer_key)):
        raise NotAllowed(INVALID_ORGANIZER_LINK)
    return Actor(Role.ORGANIZER, event_id, proof=proof)


def rotate_facilitator_key(session: Session, actor: Actor, room_id: int) -> tuple[str, Actor]:
    """Give the room a new facilitator key: every link and browser signed in with the old one is
    signed out. Returns the new key and the rotating actor, still signed in."""
    room = require_facilitator(session, actor, room_id)
    room.facilitator_key = new_key()
    session.commit()
    if actor.role is Role.FACILITATOR:
        actor = Actor(Role.FACILITATOR, room.event_id, room.id, proof=fingerprint(room.facilitator_key))
    return room.facilitator_key, actor


def _check_proof(session: Session, actor: Actor, room: Room) -> None:
    """A staff actor's key must still be the current one (a rotated key signs out)."""
    if actor.role is Role.ORGANIZER:
        event = session.get(Event, room.event_id)
        valid = event is not None and _same(actor.proof, fingerprint(event.organizer_key))
    else:
        valid = _same(actor.proof, fingerprint(room.facilitator_key))
    if not valid:
        raise NotAllowed('You have been signed out: the key of this link was changed. '
                         'Ask the organizer for the new link.')


def require_room(session: Session, actor: Actor, room_id: int) -> Room:
    """The room, if the actor belongs to it (participant, facilitator) or to its event (organizer)."""
    room = session.get(Room, room_id)
    if room is None:
        raise NotFound('This room no longer exists.')
    if actor.role is Role.ORGANIZER:
        if room.event_id != actor.event_id:
            raise NotAllowed('You are not an organizer of this event.')
    elif actor.room_id != room_id:
        raise NotAllowed('You are not in this room.')
    if actor.role is not Role.PARTICIPANT:
        _check_proof(session, actor, room)
    return room


def require_facilitator(session: Session, actor: Actor, room_id: int) -> Room:
    if actor.role not in (Role.FACILITATOR, Role.ORGANIZER):
        raise NotAllowed('Only the facilitator can do this.')
    return require_room(session, actor, room_id)


def require_participant(session: Session, actor: Actor, room_id: int) -> Room:
    if actor.role is not Role.PARTICIPANT or actor.participant_id is None:
        raise NotAllowed('Only participants can do this.')
    lock_participant(session, actor.participant_id)
    return require_room(session, actor, room_id)


def lock_participant(session: Session, participant_id: int) -> None:
    """Make this participant's other actions wait until this one commits: the first statement of every
    participant action, so its checks ("dots left?", "receipt of this key?") read what the participant's
    earlier actions wrote, in whichever server process they ran. Several processes share one PostgreSQL
    there, whose READ COMMITTED lets two transactions read the same count and both write; on SQLite
    (one process, one writer at a time) there is nothing to lock and nothing is sent."""
    if not one_writer(session):
        session.connection().execute(_LOCK_PARTICIPANT, {'participant_id': participant_id})


def lock_room(session: Session, room_id: object) -> None:
    """The same for the room's budgets kept by its staff (paper issues and dots, counted for the whole room):
    two boards entering paper dots at once, served by two processes, enter them one after the other.
    Taken before the room is read, so the room's row read next is the one the other board committed."""
    if not one_writer(session) and isinstance(room_id, int):
        session.connection().execute(_LOCK_ROOM, {'room_id': room_id})


def one_writer(session: Session) -> bool:
    """Whether the store lets one writer at a time (SQLite): then no row needs a lock. Read from the session's
    engine (7.5 µs through ``session.connection()``, a fraction of one from the engine)."""
    return (session.bind or session.get_bind()).dialect.name == 'sqlite'


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise NotAllowed('This request is malformed. Reload the page and try again.')
    return key


def already_done(session: Session, actor: Actor, key: str, action: str) -> Receipt | None:
    """The receipt of an earlier attempt of ``action`` with this idempotency key, if any (a retry).
    A key already used by someone else, or for another action, is refused: it is no retry."""
    receipt = session.get(Receipt, check_key(key))
    if receipt is not None and (receipt.participant_id != actor.participant_id or receipt.action != action):
        raise NotAllowed('This request is malformed. Reload the page and try again.')
    return receipt


def record(session: Session, actor: Actor, key: str, action: str, result_id: int | None = None) -> None:
    """Add the receipt to the current transaction (committed together with the action)."""
    assert actor.participant_id is not None
    session.add(Receipt(key=key, participant_id=actor.participant_id, action=action, result_id=result_id))
