"""The organizer's all-rooms dashboard: one small view per room, what needs the organizer's eye
(alerts), and moving every room (or one) to a phase.

Who is connected right now is not the domain's to know (``spcp/presence.py`` counts open pages, and
the join counter counts refused joins, both in the server's memory): the page passes those numbers
to :func:`alerts`. Time is passed in too (``now``), so the rules can be tested at any moment.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from . import phases
from .access import Actor, require_room
from .changes import Change
from .errors import DomainError
from .models import AuditEntry, Card, Event, Participant, Room, Solution, Theme, Vote, as_utc
from .rooms import enter_phase
from .setup import require_organizer
from .views import PhaseView, TimerView, counted, phases_of, timer_view

IDLE_AFTER_S = 600          # a working room with nothing new for this long is flagged
MANY_REFUSED_JOINS = 3      # refused joins in a room worth the organizer's look (one may be a retry)
QUIET_PHASES = (phases.WELCOME, phases.WRAPUP)  # nobody is expected to write or vote there
TOP_SHOWN = 3               # themes shown per room


@dataclass(frozen=True)
class ThemeDots:
    name: str
    dots: int


@dataclass(frozen=True)
class RoomPulse:
    """One room as the dashboard shows it."""
    id: int
    name: str
    code: str
    phase: str
    phase_title: str         # a message id (the plan's title)
    timer: TimerView
    joined: int              # participants who ever joined
    expected: int | None     # how many the facilitator expects
    cards: int               # shown cards: not hidden, not waiting for review, not merged away
    hidden_cards: int
    dots_spent: int          # phone dots on shown cards and paper dots entered
    dots_total: int          # (joined + people on paper) x dots per participant
    top_themes: tuple[ThemeDots, ...]  # by the room's dots, most first
    last_activity: float     # epoch seconds: newest card, dot, theme, solution, staff action (or creation)
    practice: bool = False   # a practice room (domain/practice.py): simulated phones, not the event's numbers


@dataclass(frozen=True)
class Dashboard:
    event_id: int
    name: str
    phases: tuple[PhaseView, ...]
    rooms: tuple[RoomPulse, ...]


@dataclass(frozen=True)
class Alert:
    """Something in a room worth the organizer's look; ``n`` is its number (minutes, joins, cards)."""
    kind: str   # IDLE, REFUSED_JOINS or HIDDEN_CARDS
    n: int


IDLE, REFUSED_JOINS, HIDDEN_CARDS = 'idle', 'refused_joins', 'hidden_cards'


def dashboard(session: Session, actor: Actor, event_id: int) -> Dashboard:
    """Every room of the event, for its organizer."""
    event = require_organizer(session, actor, event_id)
    rooms = session.exec(select(Room).where(Room.event_id == event_id, Room.kind != 'plenary').order_by(Room.id)).all()
    return Dashboard(event.id, event.name, phases_of(event), _pulses(session, event, list(rooms)))


def room_pulses(session: Session, actor: Actor, room_ids: Iterable[int]) -> tuple[RoomPulse, ...]:
    """Some rooms of the organizer's event read again (those a change touched)."""
    event = require_organizer(session, actor, actor.event_id)
    rooms = [require_room(session, actor, room_id) for room_id in sorted(set(room_ids))]
    return _pulses(session, event, rooms)


def alerts(room: RoomPulse, *, now: float, refused_joins: int = 0, seen_activity: float | None = None
           ) -> tuple[Alert, ...]:
    """The room's alerts at ``now`` (epoch seconds). ``refused_joins`` comes from the server's join
    counter; ``seen_activity`` is a later moment of activity the caller saw (a phase change, say)."""
    found = []
    quiet_since = max(room.last_activity, seen_activity or 0)
    if room.phase not in QUIET_PHASES and not room.practice and now - quiet_since >= IDLE_AFTER_S:
        found.append(Alert(IDLE, int((now - quiet_since) // 60)))
    if refused_joins >= MANY_REFUSED_JOINS:
        found.append(Alert(REFUSED_JOINS, refused_joins))
    if room.hidden_cards:
        found.append(Alert(HIDDEN_CARDS, room.hidden_cards))
    return tuple(found)


def move_rooms(session: Session, actor: Actor, phase: str, room_ids: list[int] | None = None) -> list[Change]:
    """Move every room of the organizer's event (or those of ``room_ids``) to ``phase``. Each room
    moved gives its own changes (phase, timer), for its own pages; a room already there gives none."""
    event = require_organizer(session, actor, actor.event_id)
    if phase not in phases.PHASES:
        raise DomainError('Unknown phase.')
    rooms = session.exec(select(Room).where(Room.event_id == actor.event_id, Room.kind != 'plenary')
                         .order_by(Room.id)).all()
    if room_ids is not None:
        for room_id in room_ids:
            require_room(session, actor, room_id)  # another event's room is refused
        wanted = set(room_ids)
        rooms = [r for r in rooms if r.id in wanted]
    # every room in one transaction, one commit: a room per commit held the event loop ~2 ms each (100 rooms:
    # 0.2 s in the organizer's click), and a refusal midway left the rooms before it moved
    changes: list[Change] = []
    for room in rooms:
        changes += enter_phase(room, phase, event.plan)
    if changes:
        session.commit()
    return changes


# ---------- reading many rooms at once ----------


def _per_room(session: Session, query) -> dict[int, int]:
    return {room_id: n or 0 for room_id, n in session.exec(query).all()}


def _pulses(session: Session, event: Event, rooms: list[Room]) -> tuple[RoomPulse, ...]:
    """The rooms' pulses with a few grouped queries for all of them (not a few per room)."""
    ids = [r.id for r in rooms]
    joined = _per_room(session, select(Participant.room_id, func.count()).where(col(Participant.room_id).in_(ids))
                       .group_by(Participant.room_id))
    shown = _per_room(session, select(Card.room_id, func.count()).where(col(Card.room_id).in_(ids), *counted())
                      .group_by(Card.room_id))
    hidden = _per_room(session, select(Card.room_id, func.count()).where(
        col(Card.room_id).in_(ids), Card.hidden == True, col(Card.merged_into_id).is_(None))  # noqa: E712
        .group_by(Card.room_id))
    dots = _per_room(session, select(Vote.room_id, func.count()).join(Card, Card.id == Vote.card_id)
                     .where(col(Vote.room_id).in_(ids), Card.hidden == False).group_by(Vote.room_id))  # noqa: E712
    paper = _per_room(session, select(Card.room_id, func.sum(Card.paper_dots)).where(col(Card.room_id).in_(ids),
                                                                                     *counted()).group_by(Card.room_id))
    themes = _top_themes(session, ids)
    latest = _last_activity(session, event.id, ids)
    titles = {p.id: p.title for p in phases_of(event)}
    return tuple(RoomPulse(
        id=r.id, name=r.name, code=r.join_code, phase=r.phase, phase_title=titles.get(r.phase, r.phase),
        timer=timer_view(r), joined=joined.get(r.id, 0), expected=r.expected_size, cards=shown.get(r.id, 0),
        hidden_cards=hidden.get(r.id, 0), dots_spent=dots.get(r.id, 0) + paper.get(r.id, 0),
        dots_total=(joined.get(r.id, 0) + r.paper_participants) * r.dots_per_participant,
        top_themes=themes.get(r.id, ()), last_activity=max(as_utc(r.created_at).timestamp(), latest.get(r.id, 0.0)),
        practice=r.practice) for r in rooms)


def _top_themes(session: Session, room_ids: list[int]) -> dict[int, tuple[ThemeDots, ...]]:
    """Room id -> its themes with the most dots (phone dots on shown cards, and paper dots)."""
    dots: dict[int, int] = {}
    for theme_id, n in session.exec(select(Card.theme_id, func.count()).join(Vote, Vote.card_id == Card.id).where(
            col(Card.room_id).in_(room_ids), col(Card.theme_id).is_not(None), Card.hidden == False)  # noqa: E712
            .group_by(Card.theme_id)).all():
        dots[theme_id] = n
    for theme_id, n in session.exec(select(Card.theme_id, func.sum(Card.paper_dots)).where(
            col(Card.room_id).in_(room_ids), col(Card.theme_id).is_not(None), *counted())
            .group_by(Card.theme_id)).all():
        dots[theme_id] = dots.get(theme_id, 0) + (n or 0)
    by_room: dict[int, list[Theme]] = {}
    for theme in session.exec(select(Theme).where(col(Theme.room_id).in_(room_ids)).order_by(Theme.id)).all():
        by_room.setdefault(theme.room_id, []).append(theme)
    return {room_id: tuple(ThemeDots(t.name, dots.get(t.id, 0))
                           for t in sorted(themes, key=lambda t: (-dots.get(t.id, 0), t.id))[:TOP_SHOWN])
            for room_id, themes in by_room.items()}


def _last_activity(session: Session, event_id: int, room_ids: list[int]) -> dict[int, float]:
    """Room id -> epoch seconds of its newest card, dot, theme, solution or staff action (the audit log:
    a phase change, the timer...; an action on the whole event, such as moving every room, counts for all)."""
    latest: dict[int, float] = {}
    for table in (Card, Vote, Theme, Solution, AuditEntry):
        for room_id, moment in session.exec(select(table.room_id, func.max(table.created_at))
                                            .where(col(table.room_id).in_(room_ids)).group_by(table.room_id)).all():
            if isinstance(moment, datetime):
                latest[room_id] = max(latest.get(room_id, 0.0), as_utc(moment).timestamp())
    everywhere = session.exec(select(func.max(AuditEntry.created_at)).where(
        AuditEntry.event_id == event_id, col(AuditEntry.room_id).is_(None))).one()
    if isinstance(everywhere, datetime):
        for room_id in room_ids:
            latest[room_id] = max(latest.get(room_id, 0.0), as_utc(everywhere).timestamp())
    return latest
