"""People taking part on paper: their budgets and the aggregate change boards show.

The facilitator says how many people are on paper, types their issues (cards with no author, marked
``paper``) and enters their dots as a count per card. Those dots obey the same limits as phone dots,
for the paper people taken together: per card at most ``paper people x max_dots_per_card``, in the
room at most ``paper people x dots_per_participant``. Like phone dots, a hidden card's paper dots
stop counting (they are back in the budget), and showing the card again trims it by what would put
the room's paper total over budget.
"""
from __future__ import annotations

import math

from sqlalchemy import func
from sqlmodel import Session, col, select

from .changes import PaperChanged
from .errors import DomainError
from .models import Card, Room, Solution
from .views import paper_cards, paper_dots_left, paper_dots_used

MAX_PAPER_PARTICIPANTS = 500


def change(session: Session, room: Room) -> PaperChanged:
    return PaperChanged(room.id, room.paper_participants, paper_cards(session, room.id),
                        paper_dots_left(session, room))


def require_people(room: Room) -> None:
    if room.paper_participants < 1:
        raise DomainError('First say how many people take part on paper.')


def card_limit(room: Room) -> int:
    """The most paper dots one card takes."""
    return room.paper_participants * room.max_dots_per_card


def counts(card: Card) -> bool:
    """Whether the card's paper dots are in the room's total (as for ``views.counted``)."""
    return not card.hidden and not card.pending and card.merged_into_id is None


def trim_overdrawn(session: Session, room: Room, card: Card) -> bool:
    """A card whose paper dots count again (shown, or merged into a shown one) loses what would put
    the room's paper total over budget. Returns whether it lost any."""
    if not counts(card):
        return False
    session.flush()
    excess = -paper_dots_left(session, room)
    if excess <= 0 or card.paper_dots == 0:
        return False
    card.paper_dots -= min(excess, card.paper_dots)
    return True


def people_needed(session: Session, room: Room) -> int:
    """The fewest paper people that the paper issues, solutions and dots already entered fit."""
    largest = session.exec(select(func.coalesce(func.max(Card.paper_dots), 0))
                           .where(Card.room_id == room.id, col(Card.merged_into_id).is_(None))).one()
    written = session.exec(select(func.count()).select_from(Card)
                           .where(Card.room_id == room.id, Card.paper == True)).one()  # noqa: E712
    solutions = session.exec(select(func.count()).select_from(Solution)
                             .where(Solution.room_id == room.id, Solution.paper == True)).one()  # noqa: E712
    return max(math.ceil(paper_dots_used(session, room.id) / max(1, room.dots_per_participant)),
               math.ceil(largest / max(1, room.max_dots_per_card)),
               math.ceil(written / max(1, room.max_cards_per_participant)),
               1 if solutions else 0)

