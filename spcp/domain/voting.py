"""Dot voting: each participant spends a few dots on the issues, and may take one back while
voting is open; the facilitator enters the dots of the people on paper as a count per card.
Totals stay hidden from participants until the facilitator reveals them."""
from __future__ import annotations

from sqlalchemy import Row, func
from sqlmodel import Session, select

from . import paper, participant_writes, phases
from .access import Actor, lock_room, require_facilitator
from .cards import room_card
from .changes import CardChanged, Change, VotesChanged
from .errors import DomainError, NotFound
from .models import Room, Vote
from .views import card_total, card_view, dots_used, paper_dots_left


def _my_dots(session: Session, participant_id: int, card_id: int) -> int:
    return session.exec(select(func.count()).select_from(Vote).where(
        Vote.card_id == card_id, Vote.participant_id == participant_id)).one()


def _require_open(room: Room | Row) -> None:
    if not phases.allows(room.phase, 'vote'):
        raise DomainError('Voting is closed right now.')


def _change(session: Session, room: Room | Row, actor: Actor, card_id: int) -> VotesChanged:
    return VotesChanged(room.id, card_id, card_total(session, card_id), actor.participant_id,
                        _my_dots(session, actor.participant_id, card_id),
                        room.dots_per_participant - dots_used(session, actor.participant_id))


def add_dot(session: Session, actor: Actor, room_id: int, card_id: int, key: str) -> list[Change]:
    """Put one dot on a card. A retry with the same ``key`` counts once.

    A room's hot path while voting: Core reads and writes (``participant_writes``); the participant's dots
    are read once, and what they are after this dot follows from that read."""
    room = participant_writes.participant_room(session, actor, room_id)
    if participant_writes.receipt(session, actor, key, 'add_dot') is not None:  # a retry: report, even if closed since
        return [_change(session, room, actor, card_id)]
    _require_open(room)
    card = _room_card(session, room, card_id)
    if card.hidden or card.pending:  # as the phone sees it: not there
        raise DomainError('That card is no longer there.')
    used, mine = participant_writes.my_dots(session, actor.participant_id)
    if used >= room.dots_per_participant:
        raise DomainError('You have used all your {n} dots. Take one back to move it.', n=room.dots_per_participant)
    if mine.get(card.id, 0) >= room.max_dots_per_card:
        raise DomainError('One card takes at most {n} of your dots.', n=room.max_dots_per_card)
    participant_writes.add_vote(session, actor, room_id, card.id)
    participant_writes.add_receipt(session, actor, key, 'add_dot', card.id)
    session.commit()
    return [VotesChanged(room.id, card.id, participant_writes.votes_on(session, card.id) + card.paper_dots,
                         actor.participant_id, mine.get(card.id, 0) + 1, room.dots_per_participant - used - 1)]


def remove_dot(session: Session, actor: Actor, room_id: int, card_id: int, key: str) -> list[Change]:
    """Take one of my dots back from a card while voting is open."""
    room = participant_writes.participant_room(session, actor, room_id)
    if participant_writes.receipt(session, actor, key, 'remove_dot') is not None:
        return [_change(session, room, actor, card_id)]
    _require_open(room)
    card = _room_card(session, room, card_id)
    vote_id = participant_writes.my_last_vote(session, actor, card.id)
    if vote_id is None:
        raise DomainError('You have no dot on that card.')
    participant_writes.delete_vote(session, vote_id)
    participant_writes.add_receipt(session, actor, key, 'remove_dot', card.id)
    session.commit()
    used, mine = participant_writes.my_dots(session, actor.participant_id)
    return [VotesChanged(room.id, card.id, participant_writes.votes_on(session, card.id) + card.paper_dots,
                         actor.participant_id, mine.get(card.id, 0), room.dots_per_participant - used)]


def _room_card(session: Session, room: Row, card_id: object) -> Row:
    """``cards.room_card(..., waiting_ok=True)`` as one Core select: a live card of this room."""
    card = participant_writes.card_row(session, card_id)
    if card is None or card.room_id != room.id or card.merged_into_id is not None:
        raise NotFound('That card is no longer there.')
    return card


def set_paper_dots(session: Session, actor: Actor, room_id: int, card_id: int, count: int) -> list[Change]:
    """Set how many dots the people on paper put on a card (a count, not one dot at a time: setting
    is idempotent). In any phase, as paper is often counted after the vote. Bounded as phone dots
    are, for the paper people together: per card at most paper people x ``max_dots_per_card``, in
    the room at most paper people x ``dots_per_participant`` (hidden cards' paper dots not counted)."""
    lock_room(session, room_id)  # the room's paper budget, one board at a time
    room = require_facilitator(session, actor, room_id)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise DomainError('Paper dots are a whole number, 0 or more.')
    card = room_card(session, room, card_id)
    if card.hidden:
        raise DomainError('A hidden card takes no dots. Show it first.')
    if count == card.paper_dots:
        return []
    if count > 0:
        paper.require_people(room)
    if count > (limit := paper.card_limit(room)):
        raise DomainError('A card takes at most {n} paper dots here.', n=limit)
    if count > (left := paper_dots_left(session, room) + card.paper_dots):
        raise DomainError('Paper dots left to place on this card: {n}.', n=left)
    card.paper_dots = count
    session.commit()
    return [CardChanged(room_id, card_view(session, card)), paper.change(session, room)]
