"""How people get in: finding a room by its code, joining it, signing in with a facilitator or
organizer link. Like :mod:`spcp.actions`, every answer is an :class:`~spcp.actions.Outcome`.

Guessing codes is slowed down per network address; a phone becomes a participant only when its
page really connects (never on a plain GET, such as a link preview); one address may create only
a few participants per room (``SPCP_JOINS_PER_ADDRESS``).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from . import db, live
from .actions import BUSY, TOO_FAST, Outcome, limits
from .domain import access, participant_writes, passwords, plenary, rooms
from .domain.access import Actor, Role
from .domain.changes import PresenceChanged
from .domain.errors import DomainError, NotFound, msgid
from .presence import presence

FULL = msgid('This room already has as many phones from your network as it allows. '
             'If you are a new participant, ask the facilitator.')


@dataclass(frozen=True)
class RoomRef:
    """A room found by its code: enough to build a page, before anyone has joined."""
    id: int
    code: str


def _guard(call) -> Outcome:
    try:
        return call()
    except DomainError as error:
        return Outcome.refused(error.msgid, **error.params)
    except SQLAlchemyError:
        return Outcome.refused(BUSY, retry=True)


def find_room(code: str, *, address: str) -> Outcome:
    """The room with ``code``. Wrong codes from one address are limited, so codes cannot be tried
    one after another; a right code costs nothing."""
    if (wait := limits().rates.check('code_guesses_per_address', address)) is not None:
        return Outcome.refused(TOO_FAST, retry=True, seconds=round(wait))

    def lookup() -> Outcome:
        with db.session() as session:
            try:
                room = access.room_by_code(session, code)
            except NotFound:
                limits().rates.hit('code_guesses_per_address', address)
                raise
            return Outcome(True, value=RoomRef(room.id, room.join_code))
    return _guard(lookup)


def visitor(code: str, *, device: str) -> Outcome:
    """Whom a phone's page is built for before its socket connects: the participant this phone (``device``)
    already is in the room, or a newcomer without a participant id. Makes nothing: a participant is made by
    :func:`join`, once the page really connects."""
    def look() -> Outcome:
        with db.session() as session:
            actor = rooms.rejoin(session, code, device) if device else None
            if actor is None:
                room = access.room_by_code(session, code)
                actor = Actor(Role.PARTICIPANT, room.event_id, room.id)
            return Outcome(True, value=actor)
    return _guard(look)


def join(code: str, *, device: str, address: str) -> Outcome:
    """The participant for this phone (``device``: its browser id). A new participant is created
    only if ``address`` has not already made the room's limit of them; only then has the outcome changes."""
    def enter() -> Outcome:
        with db.session() as session:
            actor = rooms.rejoin(session, code, device)
            if actor is not None:
                return Outcome(True, value=actor)
            room = access.room_by_code(session, code)
            if not limits().joins.allow(room.id, address):
                live.publish([PresenceChanged(room.id, presence().connected(room.id),
                                              limits().joins.refused.get(room.id, 0))])
                return Outcome.refused(FULL)
            actor, changes = rooms.join(session, code, device)
        limits().joins.joined(actor.room_id, address)
        live.publish(changes)
        return Outcome(True, value=actor, changes=tuple(changes))
    return _guard(enter)


def connected(actor: Actor, *, now: bool) -> None:
    """A participant's page connected (``now=True``) or went away: tell the room's boards."""
    counter = presence().arrive if now else presence().leave
    count = counter(actor.room_id, actor.participant_id)
    live.publish([PresenceChanged(actor.room_id, count, limits().joins.refused.get(actor.room_id, 0))])


def presence_of(room_id: int) -> PresenceChanged:
    return PresenceChanged(room_id, presence().connected(room_id), limits().joins.refused.get(room_id, 0))


def _value(lookup: Callable[[Session], object]) -> Outcome:
    """Done with what ``lookup`` finds in a fresh session, or the refusal it raised."""
    def run() -> Outcome:
        with db.session() as session:
            return Outcome(True, value=lookup(session))
    return _guard(run)


def sign_in_board(code: str, key: str) -> Outcome:
    """Check a facilitator link's key; the value is the proof the browser keeps (not the key)."""
    return _value(lambda session: access.facilitator(session, code, key).proof)


def board_actor(code: str, proof: str) -> Outcome:
    """The facilitator (or organizer) a browser signed in as for this room, if still valid."""
    return _value(lambda session: access.facilitator_by_proof(session, code, proof))


def sign_in_organizer(event_id: int, key: str) -> Outcome:
    """Check an organizer link's key; the value is ``(proof, whether a password must follow)``."""
    return _value(lambda session: (access.organizer(session, event_id, key).proof,
                                   passwords.needs_password(session, event_id)))


def organizer_actor(event_id: int, proof: str) -> Outcome:
    return _value(lambda session: access.organizer_by_proof(session, event_id, proof))


def confirm_password(event_id: int, password: str, *, address: str) -> Outcome:
    """The organizer's password, after their link: tries from one address are limited like codes."""
    if (wait := limits().rates.check('code_guesses_per_address', address)) is not None:
        return Outcome.refused(TOO_FAST, retry=True, seconds=round(wait))
    right = _value(lambda session: passwords.check_organizer_password(session, event_id, password))
    if right.done and not right.value:
        limits().rates.hit('code_guesses_per_address', address)
        return Outcome.refused('That password is not right.')
    return right


def is_participant(room_id: int, device: str) -> bool:
    """Whether this browser (its id from the signed cookie) has joined the room; no when the database fails.
    One Core select on a bare connection, without a session: every phone of a room asks at a phase change."""
    try:
        with db.engine().connect() as connection:
            return participant_writes.has_joined(connection, room_id, device)
    except SQLAlchemyError:
        return False


def plenary_seat(actor: Actor, *, device: str) -> Outcome:
    """Where a participant of a breakout room goes once its event's plenary is open: their participant
    there (the same device, their group carried over). Done with ``None`` when no plenary is open."""
    def move() -> Outcome:
        with db.session() as session:
            if plenary.open_plenary_code(session, actor.room_id) is None:
                return Outcome(True, value=None)
            seat, changes = plenary.join(session, actor, device)
        live.publish(changes)
        return Outcome(True, value=seat)
    return _guard(move)
