"""The organizer's set-up before the day: the event's details, its rooms, dots and phase minutes.

Everything here is the organizer's (``Role.ORGANIZER`` with a proof of the event's current key),
except :func:`create_event`, which the ``spcp`` command runs as the laptop's owner. Dots per
participant and phase minutes need no columns of their own: the event's ``plan`` holds the values
new rooms and new phases start from (``rooms.set_phase`` reads a phase's minutes there), and each
room keeps its own dots, updated here while the room has not started voting.
"""
from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from . import events, phases
from .access import Actor, Role, fingerprint, new_key, require_room
from .changes import Change, ParticipantsChanged
from .errors import DomainError, NotAllowed, msgid
from .models import Card, Event, Participant, Room, Solution, Theme, Vote
from .rooms import MAX_ROOM_SIZE, MAX_TIMER_MINUTES
from .text import clean_text

# the locales of spcp.i18n.LOCALES (the domain never imports i18n; tests/domain/test_setup.py keeps them equal)
LANGUAGES = ('en', 'es', 'hi', 'ar')
MAX_EVENT_NAME = 120
MAX_ROOM_NAME = 80
MAX_PERSON_NAME = 80
MAX_VENUE = 200
MAX_WIFI = 64        # a network name is at most 32 bytes, a WPA passphrase 63 characters
MAX_DOTS = 20
SIGNED_OUT = msgid('You have been signed out: the key of this link was changed. Ask the organizer for the new link.')


@dataclass(frozen=True)
class EventDetails:
    """What the organizer types about the event (checked by :func:`clean_details`)."""
    name: str
    date: dt.date | None = None
    venue: str | None = None
    languages: tuple[str, ...] = ('en',)
    wifi_name: str | None = None
    wifi_password: str | None = None


@dataclass(frozen=True)
class RoomDetails:
    name: str
    facilitator_name: str | None = None
    expected_size: int | None = None


@dataclass(frozen=True)
class PhaseMinutes:
    id: str
    title: str   # a message id (the plan's English title)
    minutes: int


@dataclass(frozen=True)
class RoomSetup:
    id: int
    name: str
    code: str
    facilitator_name: str | None
    expected_size: int | None
    joined: int
    dots_per_participant: int
    voting_started: bool   # its dots no longer follow the event's
    removable: bool        # nobody has joined and nothing was typed in it
    practice: bool = False  # a practice room (domain/practice.py): rehearsed with simulated phones


@dataclass(frozen=True)
class EventSetup:
    id: int
    name: str
    date: dt.date | None
    venue: str | None
    languages: tuple[str, ...]
    wifi_name: str | None
    wifi_password: str | None
    dots_per_participant: int
    phases: tuple[PhaseMinutes, ...]
    rooms: tuple[RoomSetup, ...]


@dataclass(frozen=True)
class NewEvent:
    event_id: int
    proof: str  # the organizer's sign-in proof for it (the key itself stays in the database)


@dataclass(frozen=True)
class RoomRenamed(Change):
    name: str


# --- checking what was typed ---------------------------------------------------------------------

def optional_text(raw: object, limit: int) -> str | None:
    """One line of optional text: ``None`` when left blank."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = clean_text(raw, limit)
    if '\n' in text:
        raise DomainError('Please keep it to one line.')
    return text


def clean_languages(raw: object) -> tuple[str, ...]:
    codes = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple) else []
    if any(code not in LANGUAGES for code in codes):
        raise DomainError('Unknown language.')
    if not codes:
        raise DomainError('Choose at least one language.')
    return tuple(dict.fromkeys(codes))  # in the order given, once each


def clean_details(details: EventDetails) -> EventDetails:
    """The details as stored: trimmed, blanks as ``None``; a refusal names what is wrong."""
    if details.date is not None and (not isinstance(details.date, dt.date) or isinstance(details.date, dt.datetime)):
        raise DomainError('Please give the date as a day, e.g. 2025-05-12.')
    return EventDetails(
        name=clean_text(details.name, MAX_EVENT_NAME), date=details.date,
        venue=optional_text(details.venue, MAX_VENUE), languages=clean_languages(details.languages),
        wifi_name=optional_text(details.wifi_name, MAX_WIFI),
        wifi_password=optional_text(details.wifi_password, MAX_WIFI))


def check_size(size: object) -> int | None:
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_ROOM_SIZE):
        raise DomainError('The expected number of people is between 1 and {max}.', max=MAX_ROOM_SIZE)
    return size


def clean_room(details: RoomDetails) -> RoomDetails:
    name = optional_text(details.name, MAX_ROOM_NAME)
    if name is None:
        raise DomainError('Every room needs a name.')
    return RoomDetails(name, optional_text(details.facilitator_name, MAX_PERSON_NAME),
                       check_size(details.expected_size))


def check_dots(dots: object) -> int:
    if isinstance(dots, bool) or not isinstance(dots, int) or not 1 <= dots <= MAX_DOTS:
        raise DomainError('Dots per participant: between 1 and {max}.', max=MAX_DOTS)
    return dots


def check_minutes(minutes: dict) -> dict[str, int]:
    if not isinstance(minutes, dict) or any(phase not in phases.PHASES for phase in minutes):
        raise DomainError('Unknown phase.')
    for value in minutes.values():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TIMER_MINUTES:
            raise DomainError('A phase lasts between 1 and {max} minutes.', max=MAX_TIMER_MINUTES)
    return dict(minutes)


def plan_with(plan: dict, *, dots: int | None = None, minutes: dict[str, int] | None = None) -> dict:
    """A new plan (never the same dict: SQLAlchemy stores a JSON column only when it is given a new value)."""
    room = {**plan.get('room', {}), **({'dots_per_participant': dots} if dots is not None else {})}
    minutes = minutes or {}
    return {**plan, 'room': room,
            'phases': [{**p, 'minutes': minutes.get(p['id'], p.get('minutes'))} for p in plan.get('phases', [])]}


# --- who may -------------------------------------------------------------------------------------

def require_organizer(session: Session, actor: Actor, event_id: int) -> Event:
    """The event, if the actor is its organizer with the current key."""
    event = session.get(Event, event_id) if isinstance(event_id, int) and not isinstance(event_id, bool) else None
    if actor.role is not Role.ORGANIZER or event is None or actor.event_id != event_id:
        raise NotAllowed('You are not an organizer of this event.')
    if not hmac.compare_digest((actor.proof or '').encode(), fingerprint(event.organizer_key).encode()):
        raise NotAllowed(SIGNED_OUT)
    return event


def _organizer_room(session: Session, actor: Actor, room_id: int) -> Room:
    if actor.role is not Role.ORGANIZER:
        raise NotAllowed('You are not an organizer of this event.')
    return require_room(session, actor, room_id)


# --- reading -------------------------------------------------------------------------------------

def _count(session: Session, model: type, room_id: int) -> int:
    return session.exec(select(func.count()).select_from(model).where(model.room_id == room_id)).one()


def voting_started(session: Session, room: Room) -> bool:
    """A room is past the phases before Vote, or has dots on its cards (it went to Vote and back)."""
    order = list(phases.PHASES)
    before_vote = room.phase in order and order.index(room.phase) < order.index(phases.VOTE)
    return not before_vote or _count(session, Vote, room.id) > 0


def _room_setup(session: Session, room: Room) -> RoomSetup:
    joined = _count(session, Participant, room.id)
    return RoomSetup(room.id, room.name, room.join_code, room.facilitator_name, room.expected_size, joined,
                     room.dots_per_participant, voting_started(session, room), joined == 0 and _empty(session, room),
                     room.practice)


def _empty(session: Session, room: Room) -> bool:
    """Nothing was typed in the room (cards and themes from paper count too)."""
    return not any(_count(session, model, room.id) for model in (Card, Theme, Solution))


def event_setup(session: Session, actor: Actor, event_id: int) -> EventSetup:
    """The event as its organizer sets it up."""
    event = require_organizer(session, actor, event_id)
    plan = event.plan or {}
    return EventSetup(
        event.id, event.name, event.date, event.venue, tuple(event.languages or ('en',)), event.wifi_name,
        event.wifi_password, int(plan.get('room', {}).get('dots_per_participant', 3)),
        tuple(PhaseMinutes(p['id'], p.get('title', p['id']), int(p.get('minutes') or 0))
              for p in plan.get('phases', [])),
        tuple(_room_setup(session, room) for room in events.rooms_of(session, event.id)))


def facilitator_keys(session: Session, actor: Actor, event_id: int) -> dict[int, str]:
    """Room id -> its facilitator key, for the sign-in links printed on the facilitator sheets."""
    event = require_organizer(session, actor, event_id)
    return {room.id: room.facilitator_key for room in events.rooms_of(session, event.id)}


# --- changing ------------------------------------------------------------------------------------

def _apply(event: Event, details: EventDetails) -> None:
    event.name, event.date, event.venue = details.name, details.date, details.venue
    event.languages = list(details.languages)
    event.wifi_name, event.wifi_password = details.wifi_name, details.wifi_password


def create_event(session: Session, details: EventDetails, plan: dict, rooms: list[RoomDetails], *,
                 dots: int | None = None, minutes: dict[str, int] | None = None) -> Event:
    """A new event set up in one go (the ``spcp event create`` command). Everything is checked before
    anything is written, so a refusal leaves nothing behind."""
    details = clean_details(details)
    rooms = [clean_room(room) for room in rooms]
    plan = plan_with(plan, dots=None if dots is None else check_dots(dots),
                     minutes=None if minutes is None else check_minutes(minutes))
    event = events.create_event(session, details.name, len(rooms), plan, [room.name for room in rooms])
    _apply(event, details)
    for row, room in zip(events.rooms_of(session, event.id), rooms, strict=True):
        row.facilitator_name, row.expected_size = room.facilitator_name, room.expected_size
    session.commit()
    return event


def new_event(session: Session, actor: Actor, details: EventDetails, plan: dict) -> tuple[NewEvent, list[Change]]:
    """An organizer starts another event (one room, the session plan's settings) and is its organizer."""
    require_organizer(session, actor, actor.event_id)
    event = create_event(session, details, plan, [RoomDetails('Room 1')])
    return NewEvent(event.id, fingerprint(event.organizer_key)), []


def edit_event(session: Session, actor: Actor, event_id: int, details: EventDetails) -> list[Change]:
    event = require_organizer(session, actor, event_id)
    _apply(event, clean_details(details))
    session.commit()
    return []


def set_dots(session: Session, actor: Actor, event_id: int, dots: int) -> tuple[int, list[Change]]:
    """The event's dots per participant, given to every room that has not started voting; returns how
    many rooms keep theirs (a participant's dots do not change under them once voting started)."""
    event = require_organizer(session, actor, event_id)
    event.plan = plan_with(event.plan, dots=check_dots(dots))
    kept = 0
    for room in events.rooms_of(session, event.id):
        if voting_started(session, room):
            kept += room.dots_per_participant != dots
        else:
            room.dots_per_participant = dots
    session.commit()
    return kept, []


def set_phase_minutes(session: Session, actor: Actor, event_id: int, minutes: dict[str, int]) -> list[Change]:
    """How long each phase lasts: the timer each room gets when it enters that phase."""
    event = require_organizer(session, actor, event_id)
    event.plan = plan_with(event.plan, minutes=check_minutes(minutes))
    session.commit()
    return []


def add_room(session: Session, actor: Actor, event_id: int, details: RoomDetails) -> tuple[int, list[Change]]:
    event = require_organizer(session, actor, event_id)
    details = clean_room(details)
    if len(events.rooms_of(session, event.id)) >= events.MAX_ROOMS:
        raise DomainError('An event has between 1 and {max} rooms.', max=events.MAX_ROOMS)
    room = Room(event_id=event.id, name=details.name, join_code=events._unique_code(session),  # noqa: SLF001 (events' own rule for codes)
                facilitator_key=new_key(), facilitator_name=details.facilitator_name,
                expected_size=details.expected_size, **(event.plan or {}).get('room', {}))
    session.add(room)
    session.commit()
    return room.id, []


def edit_room(session: Session, actor: Actor, room_id: int, details: RoomDetails) -> list[Change]:
    """Rename the room, say who facilitates it and how many people it expects."""
    room = _organizer_room(session, actor, room_id)
    details = clean_room(details)
    changes: list[Change] = []
    if details.name != room.name:
        changes.append(RoomRenamed(room.id, details.name))
    if details.expected_size != room.expected_size:
        changes.append(ParticipantsChanged(room.id, _count(session, Participant, room.id), details.expected_size))
    room.name, room.facilitator_name, room.expected_size = details.name, details.facilitator_name, details.expected_size
    session.commit()
    return changes


def remove_room(session: Session, actor: Actor, room_id: int) -> list[Change]:
    """Only a room nobody has joined (and nothing was typed in from paper), and never the last one."""
    room = _organizer_room(session, actor, room_id)
    if _count(session, Participant, room.id) or not _empty(session, room):
        raise DomainError('This room is already in use (people joined, or cards were typed in): '
                          'it can no longer be removed.')
    if len(events.rooms_of(session, room.event_id)) <= 1:
        raise DomainError('An event keeps at least one room.')
    session.delete(room)
    session.commit()
    return []
