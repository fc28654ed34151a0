"""Practice rooms: a room of the event made for rehearsing before the day, filled with simulated phones.

A practice room is a room like the others (its board, its phases, its join code), flagged
``Room.practice`` so that what simulated phones write there is never counted with the event's real
rooms (the dashboard marks it; exports and the plenary leave it out). Only a practice room may be
rehearsed: simulated phones never join a real room. The phones themselves are not the domain's
(``spcp/rehearsal/``); here are the rules: who may add a practice room, who may start or stop a
rehearsal, and how many phones.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from .access import Actor, require_facilitator
from .changes import Change
from .errors import DomainError, msgid
from .models import Room
from .setup import RoomDetails, add_room

DEFAULT_PHONES = 8
MAX_PHONES = 30
MAX_MINUTES = 45        # a rehearsal ends by itself after this long
NOT_PRACTICE = msgid('Simulated phones only join a practice room. The organizer can add one on the set-up page.')


@dataclass(frozen=True)
class RehearsalPlan:
    """What a rehearsal may start with: the room, its code for the phones, how many phones, how fast."""
    room_id: int
    event_id: int
    code: str
    phones: int
    quick: bool   # a run-through: people act within seconds instead of minutes


def add_practice_room(session: Session, actor: Actor, event_id: int, name: str) -> tuple[int, list[Change]]:
    """A new practice room in the organizer's event (named in the organizer's language by the page)."""
    room_id, changes = add_room(session, actor, event_id, RoomDetails(name))
    room = session.get(Room, room_id)
    room.practice = True
    session.commit()
    return room_id, changes


def is_practice(session: Session, actor: Actor, room_id: int) -> bool:
    """Whether the room is a practice room (asked by its facilitator or organizer)."""
    return require_facilitator(session, actor, room_id).practice


def start_rehearsal(session: Session, actor: Actor, room_id: int, phones: int,
                    quick: bool = False) -> tuple[RehearsalPlan, list[Change]]:
    """The facilitator (or organizer) starts simulated phones in a practice room: checked here, run by
    ``spcp.rehearsal.crowd``."""
    room = require_facilitator(session, actor, room_id)
    if not room.practice:
        raise DomainError(NOT_PRACTICE)
    if isinstance(phones, bool) or not isinstance(phones, int) or not 1 <= phones <= MAX_PHONES:
        raise DomainError('Choose between 1 and {max} simulated phones.', max=MAX_PHONES)
    return RehearsalPlan(room.id, room.event_id, room.join_code, phones, bool(quick)), []


def stop_rehearsal(session: Session, actor: Actor, room_id: int) -> list[Change]:
    """The facilitator (or organizer) stops the room's simulated phones (they leave; what they wrote stays)."""
    require_facilitator(session, actor, room_id)
    return []
