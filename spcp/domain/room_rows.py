"""A whole room's rows in eight SQL Core selects, for ``views.room_state`` to build the room's views from.

A phase change in 100 rooms reads 100 rooms at once (each room's first page after the change; the others
share it: ``spcp/room_reads.py``), and every page load reads its room. The ORM way was sixteen queries,
most of them loading entities (3.2 ms for a room of 10 with 20 cards); here each table is read once as
plain rows, and what the counts and sums of the old queries gave (totals per card, per theme, paper cards,
cards waiting, paper dots spent, the participant count) is added up from those rows in ``views``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, bindparam, func, select
from sqlmodel import Session

from .models import Card, Endorsement, Event, Participant, Room, Solution, Theme, Vote

ROOM, EVENT, CARD, VOTE = Room.__table__, Event.__table__, Card.__table__, Vote.__table__
THEME, SOLUTION, ENDORSEMENT, PARTICIPANT = (Theme.__table__, Solution.__table__, Endorsement.__table__,
                                             Participant.__table__)

_ROOM = select(ROOM).where(ROOM.c.id == bindparam('room_id'))
_EVENT = select(EVENT.c.name, EVENT.c.plan).where(EVENT.c.id == bindparam('event_id'))
_CARDS = select(CARD.c.id, CARD.c.text, CARD.c.theme_id, CARD.c.hidden, CARD.c.participant_id, CARD.c.merged_into_id,
                CARD.c.paper, CARD.c.pending, CARD.c.paper_dots) \
    .where(CARD.c.room_id == bindparam('room_id')).order_by(CARD.c.id)
# every participant's dots per card, and whether the card is hidden (its dots are given back)
_DOTS = select(VOTE.c.participant_id, VOTE.c.card_id, CARD.c.hidden, func.count()) \
    .join(CARD, CARD.c.id == VOTE.c.card_id).where(VOTE.c.room_id == bindparam('room_id')) \
    .group_by(VOTE.c.participant_id, VOTE.c.card_id, CARD.c.hidden)
_THEMES = select(THEME.c.id, THEME.c.name, THEME.c.rank).where(THEME.c.room_id == bindparam('room_id')) \
    .order_by(THEME.c.id)
_SOLUTIONS = select(SOLUTION.c.id, SOLUTION.c.theme_id, SOLUTION.c.text, SOLUTION.c.hidden, SOLUTION.c.participant_id,
                    SOLUTION.c.paper).where(SOLUTION.c.room_id == bindparam('room_id')).order_by(SOLUTION.c.id)
_ENDORSEMENTS = select(ENDORSEMENT.c.participant_id, ENDORSEMENT.c.solution_id) \
    .join(SOLUTION, SOLUTION.c.id == ENDORSEMENT.c.solution_id).where(SOLUTION.c.room_id == bindparam('room_id'))
_PARTICIPANTS = select(PARTICIPANT.c.id, PARTICIPANT.c.group).where(PARTICIPANT.c.room_id == bindparam('room_id'))


@dataclass(frozen=True)
class RoomRows:
    room: Row[Any]                                  # every column of the room, by name
    event_name: str
    plan: dict
    cards: list[Row[Any]]                           # every card of the room (merged away too), oldest first
    dots: list[tuple[int, int, bool, int]]          # (participant, card, card hidden, that participant's dots on it)
    themes: list[Row[Any]]                          # id, name, rank; oldest first
    solutions: list[Row[Any]]                       # oldest first
    endorsements: list[tuple[int, int]]             # (participant, solution)
    participants: list[tuple[int, str | None]]      # (id, group)

    def card_totals(self) -> dict[int, int]:
        """Card id -> its phone dots (every participant's, hidden cards too)."""
        totals: dict[int, int] = {}
        for _, card_id, _, n in self.dots:
            totals[card_id] = totals.get(card_id, 0) + n
        return totals


def read(session: Session, room_id: int) -> RoomRows | None:
    """The room's rows in the session's transaction (None: no such room); ORM changes still pending are
    flushed first, as the ORM's own queries would."""
    session.flush()
    connection = session.connection()
    at = {'room_id': room_id}
    room = connection.execute(_ROOM, at).first()
    if room is None:
        return None
    event = connection.execute(_EVENT, {'event_id': room.event_id}).one()
    return RoomRows(room, event.name, event.plan, connection.execute(_CARDS, at).all(),
                    [tuple(row) for row in connection.execute(_DOTS, at)], connection.execute(_THEMES, at).all(),
                    connection.execute(_SOLUTIONS, at).all(),
                    [tuple(row) for row in connection.execute(_ENDORSEMENTS, at)],
                    [tuple(row) for row in connection.execute(_PARTICIPANTS, at)])
