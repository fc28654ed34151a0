"""Issue cards: submitting, hiding (with undo) and merging duplicates; an author editing or withdrawing
their own card while the room is naming issues."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select, update

from . import phases
from .access import Actor, already_done, record, require_facilitator, require_participant
from .changes import CardChanged, CardRemoved, Change, ThemeChanged, VotesChanged
from .errors import DomainError, NotAllowed, NotFound
from .models import Card, Receipt, Room, Theme, Vote
from .text import clean_text
from .views import CardView, card_view, dots_used, theme_view

# receipts whose result_id is a card id; a withdrawn card's are cleared (its id may be reused)
CARD_RECEIPTS = ('submit_card', 'edit_card', 'add_dot', 'remove_dot')


def submit(session: Session, actor: Actor, room_id: int, text: str, key: str) -> tuple[CardView, list[Change]]:
    """Add the participant's issue card. A retry with the same ``key`` returns the first card."""
    room = require_participant(session, actor, room_id)
    if (receipt := already_done(session, actor, key, 'submit_card')) is not None:
        if receipt.result_id is None:  # cleared when the card was withdrawn: never resurrect it
            raise DomainError('You withdrew this issue.')
        return card_view(session, session.get(Card, receipt.result_id)), []
    if not phases.allows(room.phase, 'submit_card'):
        raise DomainError('Issues can only be added while the room is naming issues.')
    text = clean_text(text, room.max_card_length)
    mine = session.exec(select(func.count()).select_from(Card)
                        .where(Card.participant_id == actor.participant_id)).one()
    if mine >= room.max_cards_per_participant:
        raise DomainError('You have written {n} issues, the most one person can add here.', n=mine)
    card = Card(room_id=room_id, participant_id=actor.participant_id, text=text)
    session.add(card)
    session.flush()
    record(session, actor, key, 'submit_card', card.id)
    session.commit()
    view = card_view(session, card)
    return view, [CardChanged(room_id, view)]


def room_card(session: Session, room: Room, card_id: int) -> Card:
    """A live (not merged away) card of this room."""
    card = session.get(Card, card_id) if isinstance(card_id, int) else None
    if card is None or card.room_id != room.id or card.merged_into_id is not None:
        raise NotFound('That card is no longer there.')
    return card


def set_hidden(session: Session, actor: Actor, room_id: int, card_id: int, hidden: bool) -> list[Change]:
    """Hide an abusive or off-topic card from every phone and the board's participants' view (undo: show)."""
    room = require_facilitator(session, actor, room_id)
    card = room_card(session, room, card_id)
    if card.hidden == hidden:
        return []
    card.hidden = hidden
    session.flush()
    voters = _trim_overdrawn(session, room, card) if not hidden else []
    session.commit()
    changes: list[Change] = [CardChanged(room_id, card_view(session, card))]
    return changes + [_votes_change(session, room, card.id, p) for p in voters]


def _trim_overdrawn(session: Session, room: Room, card: Card) -> list[int]:
    """A card shown again brings its dots back; whoever re-spent them meanwhile loses the dots
    on this card that would put them over budget. Returns the participants affected."""
    affected = []
    voters = session.exec(select(Vote.participant_id).where(Vote.card_id == card.id).distinct()).all()
    for participant_id in voters:
        excess = dots_used(session, participant_id) - room.dots_per_participant
        if excess > 0:
            for vote in session.exec(select(Vote).where(Vote.card_id == card.id, Vote.participant_id == participant_id)
                                     .order_by(col(Vote.id).desc()).limit(excess)).all():
                session.delete(vote)
            session.flush()
            affected.append(participant_id)
    return affected


def _votes_change(session: Session, room: Room, card_id: int, participant_id: int) -> VotesChanged:
    total = session.exec(select(func.count()).select_from(Vote).where(Vote.card_id == card_id)).one()
    mine = session.exec(select(func.count()).select_from(Vote).where(
        Vote.card_id == card_id, Vote.participant_id == participant_id)).one()
    return VotesChanged(room.id, card_id, total, participant_id, mine,
                        room.dots_per_participant - dots_used(session, participant_id))


def edit(session: Session, actor: Actor, room_id: int, card_id: int, text: str) -> list[Change]:
    """The facilitator rewords a card (e.g. to merge two wordings)."""
    room = require_facilitator(session, actor, room_id)
    card = room_card(session, room, card_id)
    card.text = clean_text(text, room.max_card_length)
    session.commit()
    return [CardChanged(room_id, card_view(session, card))]


def merge(session: Session, actor: Actor, room_id: int, keep_id: int, other_ids: list[int]) -> list[Change]:
    """Merge duplicate cards into ``keep_id``: their votes move to it; a participant who had dots on
    both keeps at most the room's per-card limit there and gets the rest back. Dots moved from a
    hidden card count again, so whoever re-spent them meanwhile loses the excess (as on showing)."""
    room = require_facilitator(session, actor, room_id)
    keep = room_card(session, room, keep_id)
    others = [room_card(session, room, i) for i in dict.fromkeys(other_ids) if i != keep_id]
    if not others:
        raise DomainError('Select at least two cards to merge.')
    voters: set[int] = set()
    for other in others:
        other.merged_into_id = keep.id
        other.theme_id = None
        for vote in session.exec(select(Vote).where(Vote.card_id == other.id)).all():
            vote.card_id = keep.id
            voters.add(vote.participant_id)
    session.flush()
    for participant_id in voters:
        votes = session.exec(select(Vote).where(Vote.card_id == keep.id, Vote.participant_id == participant_id)
                             .order_by(col(Vote.id))).all()
        for extra in votes[room.max_dots_per_card:]:
            session.delete(extra)
    session.flush()
    if not keep.hidden:  # dots from a hidden card count again once merged into a shown one: as when showing it
        voters.update(_trim_overdrawn(session, room, keep))
    session.commit()
    view = card_view(session, keep)
    changes: list[Change] = [CardRemoved(room_id, other.id) for other in others]
    changes.append(CardChanged(room_id, view))
    changes += [_votes_change(session, room, keep.id, p) for p in sorted(voters)]
    return changes


def _own_card(session: Session, actor: Actor, room: Room, card_id: int) -> Card:
    """The participant's own card, if its author may still change it: the room is naming issues,
    the card is live and shown, and no other card was merged into it (it speaks for them too)."""
    if not phases.allows(room.phase, 'submit_card'):
        raise DomainError('Issues can only be changed or withdrawn while the room is naming issues.')
    card = room_card(session, room, card_id)
    if card.hidden:  # as the phones see it: a hidden card is not there
        raise NotFound('That card is no longer there.')
    if card.participant_id != actor.participant_id:
        raise NotAllowed('You can only change or withdraw your own issues.')
    if session.exec(select(Card.id).where(Card.merged_into_id == card.id)).first() is not None:
        raise DomainError('Other issues were merged into this one, so only the facilitator can change it now.')
    return card


def edit_own(session: Session, actor: Actor, room_id: int, card_id: int, text: str,
             key: str) -> tuple[CardView, list[Change]]:
    """The author rewords their own card. A retry with the same ``key`` returns the card as it is now."""
    room = require_participant(session, actor, room_id)
    if (receipt := already_done(session, actor, key, 'edit_card')) is not None:
        card = session.get(Card, receipt.result_id) if receipt.result_id is not None else None
        if card is None:  # withdrawn since
            raise NotFound('That card is no longer there.')
        return card_view(session, card), []
    card = _own_card(session, actor, room, card_id)
    text = clean_text(text, room.max_card_length)
    changed = card.text != text
    card.text = text
    record(session, actor, key, 'edit_card', card.id)
    session.commit()
    view = card_view(session, card)
    return view, [CardChanged(room_id, view)] if changed else []


def withdraw_own(session: Session, actor: Actor, room_id: int, card_id: int, key: str) -> list[Change]:
    """The author takes their own card back: the row is deleted, with its votes (their dots are given
    back: a room can step back from voting to naming issues), and the receipts that point at it are
    cleared, so a retried submit is refused instead of finding the card or a later one with its id.
    It no longer counts against the per-participant limit. A retry with the same ``key`` changes nothing."""
    room = require_participant(session, actor, room_id)
    if already_done(session, actor, key, 'withdraw_card') is not None:
        return []
    card = _own_card(session, actor, room, card_id)
    voters = sorted(set(session.exec(select(Vote.participant_id).where(Vote.card_id == card.id)).all()))
    theme_id = card.theme_id
    for vote in session.exec(select(Vote).where(Vote.card_id == card.id)).all():
        session.delete(vote)
    session.flush()  # votes go before the card they point at (no ORM relationship orders them)
    session.exec(update(Receipt).where(col(Receipt.action).in_(CARD_RECEIPTS), Receipt.result_id == card.id)
                 .values(result_id=None))
    session.delete(card)
    record(session, actor, key, 'withdraw_card')
    session.commit()
    changes: list[Change] = [_votes_change(session, room, card_id, p) for p in voters]
    if theme_id is not None and (theme := session.get(Theme, theme_id)) is not None:
        changes.append(ThemeChanged(room_id, theme_view(session, theme)))
    changes.append(CardRemoved(room_id, card_id))
    return changes
