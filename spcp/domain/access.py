"""Who is acting, and what their role lets them do. Every domain function checks here.

Three roles: a *participant* of one room (proved by the browser's id, given on joining), the
*facilitator* of one room (proved by the room's facilitator key) and the *organizer* of an event
(proved by the event's organizer key), who may also facilitate any room of the event.
"""
from __future__ import annotations

import hmac
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, select

from .errors import NotAllowed, NotFound
from .models import Event, Receipt, Room

MAX_KEY_LENGTH = 64


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
    """The facilitator of the room with ``code``, if ``key`` is its facilitator key (or the organizer's)."""
    room = room_by_code(session, code)
    event = session.get(Event, room.event_id)
    if key and hmac.compare_digest(key.encode(), room.facilitator_key.encode()):
        return Actor(Role.FACILITATOR, room.event_id, room.id)
    if key and event and hmac.compare_digest(key.encode(), event.organizer_key.encode()):
        return Actor(Role.ORGANIZER, room.event_id, room.id)
    raise NotAllowed('This facilitator link is not valid. Ask the organizer for the right link.')


def organizer(session: Session, event_id: int, key: str) -> Actor:
    event = session.get(Event, event_id)
    if event is None or not key or not hmac.compare_digest(key.encode(), event.organizer_key.encode()):
        raise NotAllowed('This organizer link is not valid.')
    return Actor(Role.ORGANIZER, event_id)


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
    return room


def require_facilitator(session: Session, actor: Actor, room_id: int) -> Room:
    if actor.role not in (Role.FACILITATOR, Role.ORGANIZER):
        raise NotAllowed('Only the facilitator can do this.')
    return require_room(session, actor, room_id)


def require_participant(session: Session, actor: Actor, room_id: int) -> Room:
    if actor.role is not Role.PARTICIPANT or actor.participant_id is None:
        raise NotAllowed('Only participants can do this.')
    return require_room(session, actor, room_id)


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise NotAllowed('This request is malformed. Reload the page and try again.')
    return key


def already_done(session: Session, actor: Actor, key: str) -> Receipt | None:
    """The receipt of an earlier attempt with this idempotency key, if any (a retry)."""
    receipt = session.get(Receipt, check_key(key))
    if receipt is not None and receipt.participant_id != actor.participant_id:
        raise NotAllowed('This request is malformed. Reload the page and try again.')
    return receipt


def record(session: Session, actor: Actor, key: str, action: str, result_id: int | None = None) -> None:
    """Add the receipt to the current transaction (committed together with the action)."""
    assert actor.participant_id is not None
    session.add(Receipt(key=key, participant_id=actor.participant_id, action=action, result_id=result_id))
