"""Issue cards: submitting, hiding (with undo), merging duplicates and unmerging them; an author editing
or withdrawing their own card while the room is naming issues; cards typed from paper; reviewing new
cards before they are shown, when the room asks for it."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func
from sqlmodel import Session, col, select, update

from . import paper, participant_writes, phases
from .access import (
    Actor,
    already_done,
    lock_participant,
    lock_room,
    one_writer,
    record,
    require_facilitator,
    require_participant,
)
from .changes import CardChanged, CardRemoved, Change, ReviewChanged, ThemeChanged, VotesChanged
from .errors import DomainError, NotAllowed, NotFound
from .models import Card, Receipt, Room, Theme, Vote
from .text import clean_text
from .views import CardView, card_total, card_view, dots_used, pending_count, theme_view

# receipts whose result_id is a card id; a withdrawn card's are cleared (its id may be reused)
CARD_RECEIPTS = ('submit_card', 'edit_card', 'add_dot', 'remove_dot')


def submit(session: Session, actor: Actor, room_id: int, text: str, key: str) -> tuple[CardView, list[Change]]:
    """Add the participant's issue card. A retry with the same ``key`` returns the first card.

    The hot path of a room naming issues: Core reads and inserts (``participant_writes``), and the new
    card's view made from what was written (no votes, nothing merged into it) instead of read back."""
    room = participant_writes.participant_room(session, actor, room_id)
    if (receipt := participant_writes.receipt(session, actor, key, 'submit_card')) is not None:
        if receipt.result_id is None:  # cleared when the card was withdrawn: never resurrect it
            raise DomainError('You withdrew this issue.')
        return card_view(session, session.get(Card, receipt.result_id)), []
    if not phases.allows(room.phase, 'submit_card'):
        raise DomainError('Issues can only be added while the room is naming issues.')
    text = clean_text(text, room.max_card_length)
    mine = participant_writes.my_card_count(session, actor, room_id)
    if mine >= room.max_cards_per_participant:
        raise DomainError('You have written {n} issues, the most one person can add here.', n=mine)
    # review before shown: the card waits, seen only by the facilitator and its author, until approved
    pending = bool(room.review_cards)
    card_id = participant_writes.add_card(session, actor, room_id, text, pending)
    participant_writes.add_receipt(session, actor, key, 'submit_card', card_id)
    session.commit()
    view = CardView(card_id, text, None, False, 0, actor.participant_id, 0, pending=pending)
    return view, [CardChanged(room_id, view)] + ([review_change(session, room)] if pending else [])


def submit_paper(session: Session, actor: Actor, room_id: int, text: str) -> tuple[CardView, list[Change]]:
    """The facilitator types an issue written on paper: a card with no author, marked paper, shown at
    once (in any phase: paper is often typed in while the room has moved on). The people on paper
    write at most ``max_cards_per_participant`` each, as phones do."""
    lock_room(session, room_id)  # the room's paper budget, one board at a time
    room = require_facilitator(session, actor, room_id)
    paper.require_people(room)
    text = clean_text(text, room.max_card_length)
    written = session.exec(select(func.count()).select_from(Card)
                           .where(Card.room_id == room_id, Card.paper == True)).one()  # noqa: E712
    most = room.paper_participants * room.max_cards_per_participant
    if written >= most:
        raise DomainError('The people on paper can add at most {n} issues here.', n=most)
    card = Card(room_id=room_id, text=text, paper=True)
    session.add(card)
    session.commit()
    view = card_view(session, card)
    return view, [CardChanged(room_id, view), paper.change(session, room)]


def review_change(session: Session, room: Room) -> ReviewChanged:
    return ReviewChanged(room.id, room.review_cards, pending_count(session, room.id))


def room_card(session: Session, room: Room, card_id: int, waiting_ok: bool = False) -> Card:
    """A live (not merged away) card of this room; one waiting for review only if ``waiting_ok``."""
    card = session.get(Card, card_id) if isinstance(card_id, int) else None
    if card is None or card.room_id != room.id or card.merged_into_id is not None:
        raise NotFound('That card is no longer there.')
    if card.pending and not waiting_ok:
        raise DomainError('This card is waiting for review. Approve it first.')
    return card


def approve(session: Session, actor: Actor, room_id: int, card_ids: list[int]) -> list[Change]:
    """Show cards that wait for review. Cards already shown are left as they are (a second board
    may have approved them); rejecting is hiding (``set_hidden``)."""
    room = require_facilitator(session, actor, room_id)
    chosen = [room_card(session, room, i, waiting_ok=True) for i in dict.fromkeys(card_ids)]
    if not chosen:
        raise DomainError('Select the cards to approve first.')
    approved = [c for c in chosen if c.pending and not c.hidden]
    if not approved:
        return []
    for card in approved:
        card.pending = False
    session.commit()
    return [CardChanged(room_id, card_view(session, c)) for c in approved] + [review_change(session, room)]


def set_hidden(session: Session, actor: Actor, room_id: int, card_id: int, hidden: bool) -> list[Change]:
    """Hide an abusive or off-topic card from every phone and the board's participants' view (undo: show).
    Hiding a card that waits for review rejects it: it leaves the queue, and showing it again shows it.
    A hidden card's dots, phone and paper, are given back; showing it trims what was re-spent meanwhile."""
    room = require_facilitator(session, actor, room_id)
    card = room_card(session, room, card_id, waiting_ok=True)
    if card.hidden == hidden:
        return []
    rejected, had_paper = card.pending, card.paper or card.paper_dots > 0
    _lock_voters_of(session, [card.id])
    card.hidden, card.pending = hidden, False
    session.flush()
    voters = _trim_overdrawn(session, room, card) if not hidden else []
    if not hidden:
        paper.trim_overdrawn(session, room, card)
    session.commit()
    changes: list[Change] = [CardChanged(room_id, card_view(session, card))]
    changes += [_votes_change(session, room, card.id, p) for p in voters]
    changes += [review_change(session, room)] if rejected else []
    return changes + ([paper.change(session, room)] if had_paper else [])


def _trim_overdrawn(session: Session, room: Room, card: Card) -> list[int]:
    """A card shown again brings its dots back; whoever re-spent them meanwhile loses the dots
    on this card that would put them over budget. Returns the participants affected."""
    affected = []
    voters = session.exec(select(Vote.participant_id).where(Vote.card_id == card.id).distinct()).all()
    _lock_voters(session, voters)
    for participant_id in voters:
        excess = dots_used(session, participant_id) - room.dots_per_participant
        if excess > 0:
            for vote in session.exec(select(Vote).where(Vote.card_id == card.id, Vote.participant_id == participant_id)
                                     .order_by(col(Vote.id).desc()).limit(excess)).all():
                session.delete(vote)
            session.flush()
            affected.append(participant_id)
    return affected


def _lock_voters(session: Session, voters: Iterable[int]) -> None:
    """Wait for the voters' actions under way in other processes (a dot spent meanwhile is then counted) and
    keep their next ones until this commits; in id order, so two boards do not wait for each other."""
    for participant_id in sorted(voters):
        lock_participant(session, participant_id)


def _lock_voters_of(session: Session, card_ids: list[int]) -> None:
    """``_lock_voters`` for everyone with a dot on these cards, taken before the cards change: a voter's
    dot waits for a card being changed (``participant_writes.card_row``), so the card must not be changed
    while waiting for that voter (two processes would wait for each other). PostgreSQL only: SQLite's
    one writer runs one action at a time."""
    if one_writer(session):
        return
    _lock_voters(session, session.exec(select(Vote.participant_id).where(col(Vote.card_id).in_(card_ids))
                                       .distinct()).all())


def _votes_change(session: Session, room: Room, card_id: int, participant_id: int) -> VotesChanged:
    total = card_total(session, card_id)
    mine = session.exec(select(func.count()).select_from(Vote).where(
        Vote.card_id == card_id, Vote.participant_id == participant_id)).one()
    return VotesChanged(room.id, card_id, total, participant_id, mine,
                        room.dots_per_participant - dots_used(session, participant_id))


def edit(session: Session, actor: Actor, room_id: int, card_id: int, text: str) -> list[Change]:
    """The facilitator rewords a card (e.g. to merge two wordings), a waiting one too."""
    room = require_facilitator(session, actor, room_id)
    card = room_card(session, room, card_id, waiting_ok=True)
    card.text = clean_text(text, room.max_card_length)
    session.commit()
    return [CardChanged(room_id, card_view(session, card))]


def merge(session: Session, actor: Actor, room_id: int, keep_id: int, other_ids: list[int]) -> list[Change]:
    """Merge duplicate cards into ``keep_id``: their votes move to it; a participant who had dots on
    both keeps at most the room's per-card limit there (their dots on the kept card first) and gets
    the rest back. Dots moved from a hidden card count again, so whoever re-spent them meanwhile loses
    the excess (as on showing). Cards waiting for review cannot be merged.

    Paper dots: each merged card's paper dots are added to the kept card's, in the order given, up to
    the per-card bound (paper people x max dots per card); what is over it is dropped, as phone dots
    over the per-card limit are (the room's paper budget gets them back). Paper dots from a hidden card
    count again, so if the room's paper total is then over budget the kept card loses the excess. Each
    merged card keeps the number of its paper dots that moved, for ``unmerge``."""
    room = require_facilitator(session, actor, room_id)
    keep = room_card(session, room, keep_id)
    others = [room_card(session, room, i) for i in dict.fromkeys(other_ids) if i != keep_id]
    if not others:
        raise DomainError('Select at least two cards to merge.')
    had_paper = any(c.paper or c.paper_dots for c in [keep, *others])
    _lock_voters_of(session, [keep.id, *(o.id for o in others)])
    voters = _move_votes(session, room, keep, others)
    _move_paper_dots(room, keep, others)
    if not keep.hidden:  # dots from a hidden card count again once merged into a shown one: as when showing it
        voters.update(_trim_overdrawn(session, room, keep))
        paper.trim_overdrawn(session, room, keep)
    session.commit()
    view = card_view(session, keep)
    changes: list[Change] = [CardRemoved(room_id, other.id) for other in others]
    changes.append(CardChanged(room_id, view))
    changes += [_votes_change(session, room, keep.id, p) for p in sorted(voters)]
    return changes + ([paper.change(session, room)] if had_paper else [])


def _move_votes(session: Session, room: Room, keep: Card, others: list[Card]) -> set[int]:
    """Move the others' votes onto ``keep`` and trim each voter to the per-card limit there, giving
    back moved dots before the ones already on ``keep``. Returns the voters whose votes moved."""
    voters: set[int] = set()
    for other in others:
        other.merged_into_id = keep.id
        other.theme_id = None
        for vote in session.exec(select(Vote).where(Vote.card_id == other.id)).all():
            vote.card_id = keep.id
            # a vote cast before votes remembered their card: it was on ``other`` until now
            vote.origin_card_id = vote.origin_card_id or other.id
            voters.add(vote.participant_id)
    session.flush()
    moved = {o.id for o in others}
    _lock_voters(session, voters)
    for participant_id in voters:
        votes = session.exec(select(Vote).where(Vote.card_id == keep.id, Vote.participant_id == participant_id)
                             .order_by(col(Vote.id))).all()
        ordered = sorted(votes, key=lambda v: v.origin_card_id in moved)  # stable: the kept card's first
        for extra in ordered[room.max_dots_per_card:]:
            session.delete(extra)
    session.flush()
    return voters


def _move_paper_dots(room: Room, keep: Card, others: list[Card]) -> None:
    limit = paper.card_limit(room)
    for other in others:
        moved = min(other.paper_dots, max(0, limit - keep.paper_dots))
        keep.paper_dots += moved
        other.paper_dots = moved  # what moved with it: what an unmerge gives back


def _family(session: Session, room: Room, card: Card) -> tuple[list[Card], set[int]]:
    """The cards ``card`` was merged into, nearest first (the last is live), and the ids of ``card``
    and of every card merged into it, directly or through others."""
    ancestors = [session.get(Card, card.merged_into_id)]
    while ancestors[-1].merged_into_id is not None:
        ancestors.append(session.get(Card, ancestors[-1].merged_into_id))
    merged = session.exec(select(Card.id, Card.merged_into_id).where(Card.room_id == room.id,
                                                                    col(Card.merged_into_id).is_not(None))).all()
    family, grew = {card.id}, True
    while grew:
        grew = False
        for child, parent in merged:
            if parent in family and child not in family:
                family.add(child)
                grew = True
    return ancestors, family


def unmerge(session: Session, actor: Actor, room_id: int, card_id: int) -> list[Change]:
    """Undo the merge of ``card_id`` into the card it was merged into: it comes back (hidden if it was,
    into the theme of the card that held it), with the cards that were merged into it.

    Votes go back exactly: every vote put on this card, or on a card merged into it, that is still on
    the card that held them returns to it. Dots trimmed at merge time over the per-card limit were
    given back then and are not returned now; votes cast before votes remembered their card stay.
    Paper dots: the card takes back the paper dots that moved with it, at most what the holding card
    still has (the facilitator may have lowered them since). If the card comes back shown while the
    holding card is hidden, its dots count again: whoever is then over budget loses the excess on it,
    as when showing a card."""
    room = require_facilitator(session, actor, room_id)
    card = session.get(Card, card_id) if isinstance(card_id, int) else None
    if card is None or card.room_id != room.id:
        raise NotFound('That card is no longer there.')
    if card.merged_into_id is None:
        raise DomainError('This card was not merged into another one.')
    ancestors, family = _family(session, room, card)
    holder = ancestors[-1]
    had_paper = card.paper or card.paper_dots > 0 or holder.paper
    _lock_voters_of(session, [holder.id])
    card.merged_into_id, card.theme_id = None, holder.theme_id
    voters: set[int] = set()
    for vote in session.exec(select(Vote).where(Vote.card_id == holder.id,
                                                col(Vote.origin_card_id).in_(family))).all():
        vote.card_id = card.id
        voters.add(vote.participant_id)
    back = min(card.paper_dots, holder.paper_dots)
    holder.paper_dots -= back
    card.paper_dots = back
    for between in ancestors[:-1]:  # merged away themselves: what they would give back held these too
        between.paper_dots = max(0, between.paper_dots - back)
    session.flush()
    if not card.hidden:
        voters.update(_trim_overdrawn(session, room, card))
        paper.trim_overdrawn(session, room, card)
    session.commit()
    return _unmerge_changes(session, room, card, holder, voters, had_paper)


def _unmerge_changes(session: Session, room: Room, card: Card, holder: Card, voters: set[int],
                     had_paper: bool) -> list[Change]:
    changes: list[Change] = [CardChanged(room.id, card_view(session, card)),
                             CardChanged(room.id, card_view(session, holder))]
    if holder.theme_id is not None and (theme := session.get(Theme, holder.theme_id)) is not None:
        changes.append(ThemeChanged(room.id, theme_view(session, theme)))
    for participant_id in sorted(voters):
        changes += [_votes_change(session, room, holder.id, participant_id),
                    _votes_change(session, room, card.id, participant_id)]
    return changes + ([paper.change(session, room)] if had_paper else [])


def _own_card(session: Session, actor: Actor, room: Room, card_id: int) -> Card:
    """The participant's own card, if its author may still change it: the room is naming issues,
    the card is live and shown, and no other card was merged into it (it speaks for them too)."""
    if not phases.allows(room.phase, 'submit_card'):
        raise DomainError('Issues can only be changed or withdrawn while the room is naming issues.')
    card = room_card(session, room, card_id, waiting_ok=True)  # the author sees their waiting card
    if card.hidden or (card.pending and card.participant_id != actor.participant_id):  # as their phone sees it
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
    theme_id, waited = card.theme_id, card.pending
    for vote in session.exec(select(Vote).where(Vote.card_id == card.id)).all():
        session.delete(vote)
    session.flush()  # votes go before the card they point at (no ORM relationship orders them)
    session.exec(update(Vote).where(Vote.origin_card_id == card.id).values(origin_card_id=None))
    session.exec(update(Receipt).where(col(Receipt.action).in_(CARD_RECEIPTS), Receipt.result_id == card.id)
                 .values(result_id=None))
    session.delete(card)
    record(session, actor, key, 'withdraw_card')
    session.commit()
    changes: list[Change] = [_votes_change(session, room, card_id, p) for p in voters]
    if theme_id is not None and (theme := session.get(Theme, theme_id)) is not None:
        changes.append(ThemeChanged(room_id, theme_view(session, theme)))
    changes.append(CardRemoved(room_id, card_id))
    return changes + ([review_change(session, room)] if waited else [])
