"""Being in a room: joining, stakeholder groups, phases, the timer, revealing votes, people on paper,
review before shown."""
from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from . import paper, phases
from .access import Actor, Role, lock_room, require_facilitator, require_participant, room_by_code
from .cards import review_change
from .changes import CardChanged, Change, ParticipantsChanged, PhaseChanged, RevealChanged, TimerChanged
from .errors import DomainError, NotAllowed, msgid
from .models import Card, Event, Participant, as_utc, utcnow
from .views import card_view, participant_count, timer_view

# Stakeholder groups a participant may say they come from (optional; anonymous by default).
GROUPS: dict[str, str] = {
    'community': msgid('Community member'),
    'law_enforcement': msgid('Law enforcement'),
    'faith': msgid('Faith leader'),
    'youth': msgid('Youth'),
    'business': msgid('Business'),
    'government': msgid('Government / service provider'),
    'other': msgid('Other'),
}
MAX_DEVICE_LENGTH = 64
MAX_TIMER_MINUTES = 240
MAX_ROOM_SIZE = 2000


def join(session: Session, code: str, device: str) -> tuple[Actor, list[Change]]:
    """The participant for this phone in the room with ``code``: the same device gets the same
    participant back, so a reload keeps identity and dots."""
    room = room_by_code(session, code)
    if not device or len(device) > MAX_DEVICE_LENGTH:
        raise NotAllowed('Your browser did not send an id. Enable cookies and reload.')
    participant = session.exec(select(Participant).where(Participant.room_id == room.id,
                                                         Participant.device == device)).first()
    changes: list[Change] = []
    if participant is None:
        participant = Participant(room_id=room.id, device=device)
        session.add(participant)
        try:
            session.commit()
        except IntegrityError:  # the same phone joined twice at once: take the other row
            session.rollback()
            participant = session.exec(select(Participant).where(Participant.room_id == room.id,
                                                                 Participant.device == device)).one()
        else:
            changes.append(ParticipantsChanged(room.id, participant_count(session, room.id),
                                               expected=room.expected_size))
    return Actor(Role.PARTICIPANT, room.event_id, room.id, participant.id), changes


def rejoin(session: Session, code: str, device: str) -> Actor | None:
    """The participant this phone already is in the room with ``code``, or ``None`` if new."""
    room = room_by_code(session, code)
    participant = session.exec(select(Participant).where(Participant.room_id == room.id,
                                                         Participant.device == device)).first()
    return None if participant is None else Actor(Role.PARTICIPANT, room.event_id, room.id, participant.id)


def set_expected_size(session: Session, actor: Actor, room_id: int, size: int | None) -> list[Change]:
    """How many people the facilitator expects (``None``: not said); more joins than that show a warning."""
    room = require_facilitator(session, actor, room_id)
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_ROOM_SIZE):
        raise DomainError('The expected number of people is between 1 and {max}.', max=MAX_ROOM_SIZE)
    room.expected_size = size
    session.commit()
    return [ParticipantsChanged(room_id, participant_count(session, room_id), expected=size)]


def choose_group(session: Session, actor: Actor, room_id: int, group: str | None) -> None:
    """Say (or stop saying) which stakeholder group the participant comes from."""
    room = require_participant(session, actor, room_id)
    if not phases.allows(room.phase, 'choose_group'):
        raise DomainError('Groups can only be chosen at the start of the session.')
    if group is not None and group not in GROUPS:
        raise DomainError('Please choose one of the groups listed.')
    participant = session.get(Participant, actor.participant_id)
    participant.group = group
    session.commit()


def set_phase(session: Session, actor: Actor, room_id: int, phase: str) -> list[Change]:
    room = require_facilitator(session, actor, room_id)
    event = session.get(Event, room.event_id)
    changes = enter_phase(room, phase, event.plan if event else {})
    if changes:
        session.commit()
    return changes


def enter_phase(room, phase: str, plan: dict) -> list[Change]:
    """Move ``room`` (a Room row, the caller commits) to ``phase`` of the event's ``plan``; its changes."""
    if phase not in phases.order(room.kind):
        raise DomainError('Unknown phase.')
    if room.phase == phase:
        return []
    room.phase = phase
    # each phase starts with its own time, stopped: the facilitator presses Play when the room is ready
    room.timer_ends_at, room.timer_remaining_s = None, _phase_minutes(plan, phase) * 60 or None
    return [PhaseChanged(room.id, phase), TimerChanged(room.id, timer_view(room))]


def _phase_minutes(plan: dict, phase: str) -> int:
    return next((int(p.get('minutes') or 0) for p in plan.get('phases', []) if p.get('id') == phase), 0)


def step_phase(session: Session, actor: Actor, room_id: int, forward: bool = True) -> list[Change]:
    room = require_facilitator(session, actor, room_id)
    target = phases.next_phase(room.phase, room.kind) if forward else phases.previous_phase(room.phase, room.kind)
    return set_phase(session, actor, room_id, target) if target else []


def set_timer(session: Session, actor: Actor, room_id: int, minutes: float) -> list[Change]:
    """Set the countdown to ``minutes`` without starting it."""
    room = require_facilitator(session, actor, room_id)
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or not math.isfinite(minutes) \
            or not 1 <= round(minutes * 60) <= MAX_TIMER_MINUTES * 60:
        raise DomainError('The timer takes between 1 second and {max} minutes.', max=MAX_TIMER_MINUTES)
    room.timer_ends_at, room.timer_remaining_s = None, round(minutes * 60)
    session.commit()
    return [TimerChanged(room_id, timer_view(room))]


def start_timer(session: Session, actor: Actor, room_id: int) -> list[Change]:
    room = require_facilitator(session, actor, room_id)
    if room.timer_ends_at is not None:
        return []
    seconds = room.timer_remaining_s or 0
    if seconds <= 0:
        raise DomainError('Set the timer first.')
    room.timer_ends_at, room.timer_remaining_s = utcnow() + timedelta(seconds=seconds), None
    session.commit()
    return [TimerChanged(room_id, timer_view(room))]


def stop_timer(session: Session, actor: Actor, room_id: int) -> list[Change]:
    """Pause the countdown where it is."""
    room = require_facilitator(session, actor, room_id)
    if room.timer_ends_at is None:
        return []
    left = max(0, round((as_utc(room.timer_ends_at) - utcnow()).total_seconds()))
    room.timer_ends_at, room.timer_remaining_s = None, left
    session.commit()
    return [TimerChanged(room_id, timer_view(room))]


def reveal_votes(session: Session, actor: Actor, room_id: int, revealed: bool = True) -> list[Change]:
    room = require_facilitator(session, actor, room_id)
    if room.votes_revealed == revealed:
        return []
    room.votes_revealed = revealed
    session.commit()
    return [RevealChanged(room_id, revealed)]


def set_paper_participants(session: Session, actor: Actor, room_id: int, count: int) -> list[Change]:
    """How many people take part on paper (0 to 500): their issues and dots are typed in by the
    facilitator, within budgets that grow with this number (``paper.py``). Lowering it below what
    the paper issues and dots already entered need is refused: take paper dots back first."""
    lock_room(session, room_id)  # the room's paper budget, one board at a time
    room = require_facilitator(session, actor, room_id)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= paper.MAX_PAPER_PARTICIPANTS:
        raise DomainError('The number of people on paper is between 0 and {max}.', max=paper.MAX_PAPER_PARTICIPANTS)
    if count == room.paper_participants:
        return []
    if count < (needed := paper.people_needed(session, room)):
        raise DomainError('The paper issues and dots already entered need at least {n} people on paper.', n=needed)
    room.paper_participants = count
    session.commit()
    return [paper.change(session, room)]


def set_review(session: Session, actor: Actor, room_id: int, on: bool) -> list[Change]:
    """Turn review before shown on or off (off by default). While on, a participant's new card waits
    until the facilitator approves it (``cards.approve``) or hides it. Turning it off shows the cards
    still waiting: nothing stays stuck in a queue nobody looks at any more."""
    room = require_facilitator(session, actor, room_id)
    on = bool(on)
    if room.review_cards == on:
        return []
    room.review_cards = on
    waiting = [] if on else session.exec(select(Card).where(Card.room_id == room_id, Card.pending == True)  # noqa: E712
                                         .order_by(Card.id)).all()
    for card in waiting:
        card.pending = False
    session.commit()
    return [CardChanged(room_id, card_view(session, c)) for c in waiting] + [review_change(session, room)]
