"""SQL Core reads and writes for a participant's frequent actions (a submit, a dot): their room, their
receipt, their dots. At 1,000 participants these run about a hundred times a second on the server's
one event loop; the ORM's ``Session.get`` costs ~110 µs where a Core select costs ~20 µs, and a new
row through the unit of work several times a Core insert. The rules stay in ``cards`` and ``voting``;
this module only reads and writes rows, in the session's own transaction (committed by the caller).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Row, bindparam, func, insert, select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from .access import Actor, Role, check_key, lock_participant
from .errors import NotAllowed, NotFound
from .models import Card, Participant, Receipt, Room, Vote, utcnow

ROOM, CARD, RECEIPT, VOTE = Room.__table__, Card.__table__, Receipt.__table__, Vote.__table__
PARTICIPANT = Participant.__table__

_ROOM = select(ROOM.c.id, ROOM.c.phase, ROOM.c.max_card_length, ROOM.c.max_cards_per_participant,
               ROOM.c.review_cards, ROOM.c.dots_per_participant, ROOM.c.max_dots_per_card) \
    .where(ROOM.c.id == bindparam('room_id'))
_RECEIPT = select(RECEIPT.c.participant_id, RECEIPT.c.action, RECEIPT.c.result_id) \
    .where(RECEIPT.c.key == bindparam('key'))
# the room's index finds the few cards of the room; the participant is in that one room
_MY_CARDS = select(func.count()).select_from(CARD) \
    .where(CARD.c.room_id == bindparam('room_id'), CARD.c.participant_id == bindparam('participant_id'))
# FOR SHARE (PostgreSQL; nothing on SQLite): a card being hidden or merged away in another process's transaction
# is read once that commits, as it then is, so no dot lands on a card the facilitator just took away
_CARD = select(CARD.c.id, CARD.c.room_id, CARD.c.hidden, CARD.c.pending, CARD.c.merged_into_id, CARD.c.paper_dots) \
    .where(CARD.c.id == bindparam('card_id')).with_for_update(read=True)
# my dots by card, and whether the card is hidden (a hidden card gives its dots back)
_MY_DOTS = select(VOTE.c.card_id, CARD.c.hidden, func.count()).join(CARD, CARD.c.id == VOTE.c.card_id) \
    .where(VOTE.c.participant_id == bindparam('participant_id')).group_by(VOTE.c.card_id, CARD.c.hidden)
_VOTES_ON = select(func.count()).select_from(VOTE).where(VOTE.c.card_id == bindparam('card_id'))
_MY_LAST_VOTE = select(VOTE.c.id).where(VOTE.c.card_id == bindparam('card_id'),
                                        VOTE.c.participant_id == bindparam('participant_id')) \
    .order_by(VOTE.c.id.desc()).limit(1)


# a room's phones all ask at once at a phase change (their card list): 0.1 ms, against 0.3-0.4 ms through a session
_JOINED = select(PARTICIPANT.c.id).where(PARTICIPANT.c.room_id == bindparam('room_id'),
                                         PARTICIPANT.c.device == bindparam('device')).limit(1)


def has_joined(connection: Connection, room_id: int, device: str) -> bool:
    """Whether the phone with this browser id is a participant of the room."""
    return connection.execute(_JOINED, {'room_id': room_id, 'device': device}).first() is not None


def connection(session: Session) -> Connection:
    """The session's connection, in its transaction; ORM changes still pending go first, as the ORM's
    own queries would flush them."""
    session.flush()
    return session.connection()


def participant_room(session: Session, actor: Actor, room_id: int) -> Row[Any]:
    """The room's row, if the actor is a participant of it: ``access.require_participant`` in one
    Core select (same refusals)."""
    if actor.role is not Role.PARTICIPANT or actor.participant_id is None:
        raise NotAllowed('Only participants can do this.')
    lock_participant(session, actor.participant_id)  # before any read: see access.lock_participant
    room = connection(session).execute(_ROOM, {'room_id': room_id}).first()
    if room is None:
        raise NotFound('This room no longer exists.')
    if actor.room_id != room_id:
        raise NotAllowed('You are not in this room.')
    return room


def receipt(session: Session, actor: Actor, key: str, action: str) -> Row[Any] | None:
    """``access.already_done`` as a Core select: the earlier attempt's receipt row, if any; a key
    someone else used, or used for another action, is refused."""
    found = session.connection().execute(_RECEIPT, {'key': check_key(key)}).first()
    if found is not None and (found.participant_id != actor.participant_id or found.action != action):
        raise NotAllowed('This request is malformed. Reload the page and try again.')
    return found


def add_receipt(session: Session, actor: Actor, key: str, action: str, result_id: int | None) -> None:
    """``access.record`` as a Core insert, in the same transaction as the action."""
    session.connection().execute(insert(RECEIPT), {'key': key, 'participant_id': actor.participant_id,
                                                   'action': action, 'result_id': result_id, 'created_at': utcnow()})


def my_card_count(session: Session, actor: Actor, room_id: int) -> int:
    return session.connection().execute(_MY_CARDS, {'room_id': room_id,
                                                    'participant_id': actor.participant_id}).scalar_one()


def add_card(session: Session, actor: Actor, room_id: int, text: str, pending: bool) -> int:
    """A participant's new card (the columns the model's defaults would fill, filled); its id."""
    result = session.connection().execute(insert(CARD), {
        'room_id': room_id, 'participant_id': actor.participant_id, 'text': text, 'hidden': False,
        'merged_into_id': None, 'theme_id': None, 'created_at': utcnow(), 'paper': False, 'pending': pending,
        'paper_dots': 0})
    return result.inserted_primary_key[0]


def card_row(session: Session, card_id: object) -> Row[Any] | None:
    if not isinstance(card_id, int) or isinstance(card_id, bool):
        return None
    return session.connection().execute(_CARD, {'card_id': card_id}).first()


def my_dots(session: Session, participant_id: int) -> tuple[int, dict[int, int]]:
    """(dots that count: on cards not hidden, my dots per card, hidden cards too) in one select."""
    used, per_card = 0, {}
    for card_id, hidden, n in session.connection().execute(_MY_DOTS, {'participant_id': participant_id}):
        per_card[card_id] = n
        used += 0 if hidden else n
    return used, per_card


def add_vote(session: Session, actor: Actor, room_id: int, card_id: int) -> None:
    session.connection().execute(insert(VOTE), {'room_id': room_id, 'card_id': card_id,
                                                'participant_id': actor.participant_id, 'created_at': utcnow(),
                                                'origin_card_id': card_id})


def my_last_vote(session: Session, actor: Actor, card_id: int) -> int | None:
    return session.connection().execute(_MY_LAST_VOTE, {'card_id': card_id,
                                                        'participant_id': actor.participant_id}).scalar()


def delete_vote(session: Session, vote_id: int) -> None:
    session.connection().execute(VOTE.delete().where(VOTE.c.id == bindparam('vote_id')), {'vote_id': vote_id})


def votes_on(session: Session, card_id: int) -> int:
    return session.connection().execute(_VOTES_ON, {'card_id': card_id}).scalar_one()
