"""The plenary: the whole hall in one room, voting on every room's top themes together.

The plenary is a room of the event like the others (``Room.kind == 'plenary'``), so everything a room
does works there: phones join it and vote with dots under the room rules of the event's plan, the
board shows the cards and, once revealed, ranks them; the facilitator's tools merge cards and undo a
merge. What is its own:

- its cards are pulled, not written: one card per top theme of each breakout room (the room's top
  themes by its votes, ``views.top_themes``), which remembers that theme (``Card.source_theme_id``):
  where it came from, with the theme's cards and solutions (``sources``);
- the same theme from several rooms is merged like any two cards (``cards.merge``/``cards.unmerge``):
  the kept card shows the others' wordings and gets their dots;
- its phases are Welcome (the hall gathers), Vote and Wrap-up (the ranked result);
- opening it (``open_plenary``) moves every phone of the event there: each breakout room gets a
  ``PlenaryOpened`` change, and a phone joins the plenary as the same device (``join``), its group
  carried over so the stakeholder view can count it.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from .access import Actor, Role, lock_participant
from .changes import CardChanged, Change, EventChange, ParticipantsChanged
from .errors import DomainError, NotAllowed, NotFound
from .events import _unique_code
from .models import Card, Event, Participant, Room, Solution, Theme, utcnow
from .setup import require_organizer
from .views import card_view, participant_count, solution_view, theme_votes, top_themes

BREAKOUT, PLENARY = 'breakout', 'plenary'
PLENARY_NAME = 'Plenary'  # a room name is data (shown as typed), like "Room 1"


@dataclass(frozen=True)
class PlenaryOpened(Change):
    """The organizer opened the plenary: phones of this (breakout) room move to the room with ``code``."""
    code: str


@dataclass(frozen=True)
class PlenaryChanged(EventChange):
    """The event's plenary was made, filled or opened (for the organizer's pages)."""
    code: str
    opened: bool


@dataclass(frozen=True)
class SourceCard:
    text: str
    dots: int


@dataclass(frozen=True)
class SourceSolution:
    text: str
    endorsements: int


@dataclass(frozen=True)
class Source:
    """Where a plenary card came from: a breakout room's theme, its dots there, its cards and solutions."""
    room: str
    theme: str
    dots: int
    cards: tuple[SourceCard, ...]
    solutions: tuple[SourceSolution, ...]


@dataclass(frozen=True)
class PlenaryState:
    """The event's plenary as the organizer's dashboard shows it."""
    room_id: int
    code: str
    cards: int      # themes pulled in (merged ones counted once)
    opened: bool    # the hall has been moved there


def state(session: Session, actor: Actor, event_id: int) -> PlenaryState | None:
    require_organizer(session, actor, event_id)
    room = plenary_of(session, event_id)
    if room is None:
        return None
    event = session.get(Event, event_id)
    shown = session.exec(select(func.count()).select_from(Card).where(
        Card.room_id == room.id, col(Card.merged_into_id).is_(None), Card.hidden == False)).one()  # noqa: E712
    return PlenaryState(room.id, room.join_code, shown, event.plenary_opened_at is not None)


def plenary_of(session: Session, event_id: int) -> Room | None:
    return session.exec(select(Room).where(Room.event_id == event_id, Room.kind == PLENARY)).first()


def breakouts(session: Session, event_id: int) -> list[Room]:
    """The rooms whose work goes to the plenary: not the plenary, not a practice room (rehearsals never count)."""
    return list(session.exec(select(Room).where(Room.event_id == event_id, Room.kind != PLENARY,
                                                Room.practice == False)  # noqa: E712
                             .order_by(Room.id)).all())


def create(session: Session, actor: Actor, event_id: int) -> tuple[Room, list[Change]]:
    """The event's plenary (made once; asked again, the same room), with every room's top themes pulled in."""
    event = require_organizer(session, actor, event_id)
    room = plenary_of(session, event_id)
    if room is None:
        room = Room(event_id=event_id, name=PLENARY_NAME, join_code=_unique_code(session),
                    facilitator_key=secrets.token_urlsafe(16), kind=PLENARY, **event.plan.get('room', {}))
        session.add(room)
        session.commit()
    changes = pull_themes(session, actor, event_id)
    return room, [*changes, PlenaryChanged(room.id, event_id, room.join_code, event.plenary_opened_at is not None)]


def pull_themes(session: Session, actor: Actor, event_id: int) -> list[Change]:
    """A card in the plenary for each top theme of each room not pulled yet (rooms that finish later
    are pulled by asking again). The card reads as the theme is named."""
    require_organizer(session, actor, event_id)
    room = plenary_of(session, event_id)
    if room is None:
        raise DomainError('Make the plenary first.')
    pulled = set(session.exec(select(Card.source_theme_id).where(Card.room_id == room.id,
                                                                 col(Card.source_theme_id).is_not(None))).all())
    new: list[Card] = []
    for breakout in breakouts(session, event_id):
        for theme_id in top_themes(session, breakout):
            if theme_id not in pulled:
                theme = session.get(Theme, theme_id)
                new.append(Card(room_id=room.id, text=theme.name, source_theme_id=theme_id))
    session.add_all(new)
    session.commit()
    return [CardChanged(room.id, card_view(session, card)) for card in new]


def open_plenary(session: Session, actor: Actor, event_id: int) -> list[Change]:
    """Move the hall: every breakout room's phones are told to go to the plenary (no new scan)."""
    event = require_organizer(session, actor, event_id)
    room = plenary_of(session, event_id)
    if room is None:
        raise DomainError('Make the plenary first.')
    if event.plenary_opened_at is None:
        event.plenary_opened_at = utcnow()
        _seat_everyone(session, room)
        session.commit()
    return [*(PlenaryOpened(b.id, room.join_code) for b in breakouts(session, event_id)),
            ParticipantsChanged(room.id, participant_count(session, room.id), expected=room.expected_size),
            PlenaryChanged(room.id, event_id, room.join_code, True)]


def _seat_everyone(session: Session, room: Room) -> None:
    """A plenary participant for every phone of the event's rooms, in one transaction, with its group: 300
    phones moving at once then only find themselves (no 300 writes, no 300 'someone joined' changes)."""
    seated = set(session.exec(select(Participant.device).where(Participant.room_id == room.id)).all())
    people: dict[str, str | None] = {}
    for device, group in session.exec(select(Participant.device, Participant.group).join(Room)
                                      .where(Room.event_id == room.event_id, Room.kind != PLENARY,
                                             Room.practice == False)  # noqa: E712 (simulated phones stay out)
                                      .order_by(Participant.id)).all():
        people[device] = group or people.get(device)  # a phone in two rooms: the group it gave
    session.add_all(Participant(room_id=room.id, device=device, group=group)
                    for device, group in people.items() if device not in seated)


def open_plenary_code(session: Session, room_id: int) -> str | None:
    """The plenary's code if the room is a breakout room whose event has opened its plenary (else None)."""
    room = session.get(Room, room_id)
    if room is None or room.kind == PLENARY:
        return None
    event = session.get(Event, room.event_id)
    if event is None or event.plenary_opened_at is None:
        return None
    plenary = plenary_of(session, room.event_id)
    return plenary.join_code if plenary else None


def join(session: Session, actor: Actor, device: str) -> tuple[Actor, list[Change]]:
    """This phone's participant in the open plenary of its room's event, made once per device; the
    group it chose in its room comes along (the stakeholder view counts by group)."""
    if actor.role is not Role.PARTICIPANT or actor.room_id is None:
        raise NotAllowed('You are not in this room.')
    code = open_plenary_code(session, actor.room_id)
    if code is None:
        raise DomainError('The plenary is not open yet.')
    room = plenary_of(session, actor.event_id)
    lock_participant(session, actor.participant_id)  # the phone's moves to the hall, from any process, one by one
    participant = session.exec(select(Participant).where(Participant.room_id == room.id,
                                                         Participant.device == device)).first()
    changes: list[Change] = []
    if participant is None:
        before = session.get(Participant, actor.participant_id)
        participant = Participant(room_id=room.id, device=device, group=before.group if before else None)
        session.add(participant)
        session.commit()
        changes.append(ParticipantsChanged(room.id, participant_count(session, room.id), expected=room.expected_size))
    return Actor(Role.PARTICIPANT, room.event_id, room.id, participant.id), changes


def sources(session: Session, actor: Actor, room_id: int) -> dict[int, tuple[Source, ...]]:
    """Plenary card id -> where it came from (its own theme, then those of the cards merged into it)."""
    room = session.get(Room, room_id)
    if room is None or room.kind != PLENARY:
        raise NotFound('This room no longer exists.')
    if actor.event_id != room.event_id:
        raise NotAllowed('You are not an organizer of this event.')
    cards = session.exec(select(Card).where(Card.room_id == room_id, col(Card.source_theme_id).is_not(None))
                         .order_by(Card.id)).all()
    found: dict[int, list[Source]] = {}
    for card in cards:
        found.setdefault(card.merged_into_id or card.id, []).append(_source(session, card.source_theme_id))
    return {card_id: tuple(s for s in found_sources if s) for card_id, found_sources in found.items()}


def _source(session: Session, theme_id: int) -> Source | None:
    theme = session.get(Theme, theme_id)
    if theme is None:
        return None
    room = session.get(Room, theme.room_id)
    shown = session.exec(select(Card).where(Card.theme_id == theme_id, Card.hidden == False,  # noqa: E712
                                            col(Card.merged_into_id).is_(None), Card.pending == False)  # noqa: E712
                         .order_by(Card.id)).all()
    solutions = session.exec(select(Solution).where(Solution.theme_id == theme_id, Solution.hidden == False)  # noqa: E712
                             .order_by(Solution.id)).all()
    cards = tuple(SourceCard(c.text, card_view(session, c).votes) for c in shown)
    ranked = tuple(sorted((SourceSolution(s.text, solution_view(session, s).endorsements) for s in solutions),
                          key=lambda s: -s.endorsements))
    return Source(room.name if room else '', theme.name, theme_votes(session, theme.room_id).get(theme_id, 0),
                  cards, ranked)
