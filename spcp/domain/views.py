"""Plain, immutable views of a room that pages render. No ORM object leaves the domain."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from . import phases, room_rows
from .access import Actor, Role, require_room
from .errors import NotAllowed, NotFound
from .models import Card, Endorsement, Event, Participant, Room, Solution, Theme, Vote, as_utc


@dataclass(frozen=True)
class CardView:
    id: int
    text: str
    theme_id: int | None
    hidden: bool
    votes: int          # room total, paper dots included; pages show it only once revealed (or to the facilitator)
    author_id: int | None
    merged_count: int   # how many duplicates were merged into this card
    paper: bool = False    # typed by the facilitator from a paper card (author_id is None)
    pending: bool = False  # waiting for the facilitator's review: seen only by the facilitator and its author
    paper_dots: int = 0    # the part of ``votes`` entered from paper (0 where ``votes`` is hidden)
    merged: tuple[tuple[int, str], ...] = ()  # (id, wording) of the cards merged into it: kept visible, undoable
    origin: tuple[str, ...] = ()  # a plenary card: the rooms its theme (and those merged into it) came from


@dataclass(frozen=True)
class ThemeView:
    id: int
    name: str
    rank: int | None
    card_ids: tuple[int, ...]


@dataclass(frozen=True)
class SolutionView:
    id: int
    theme_id: int
    text: str
    hidden: bool
    endorsements: int
    author_id: int | None
    paper: bool = False  # typed by the facilitator from paper (author_id is None)


@dataclass(frozen=True)
class TimerView:
    ends_at: float | None       # epoch seconds while running
    remaining_s: int | None     # while paused or set but not started

    @property
    def running(self) -> bool:
        return self.ends_at is not None

    def seconds_left(self, now: float | None = None) -> int | None:
        if self.ends_at is not None:
            return max(0, round(self.ends_at - (now if now is not None else time.time())))
        return self.remaining_s


@dataclass(frozen=True)
class PhaseView:
    id: str
    title: str
    prompt: str
    minutes: int


@dataclass(frozen=True)
class MeView:
    """What the viewing participant has done (empty for a facilitator)."""
    participant_id: int | None = None
    group: str | None = None
    dots_left: int = 0
    dots: dict[int, int] = field(default_factory=dict)   # card id -> my dots on it
    endorsed: frozenset[int] = frozenset()                # solution ids


@dataclass(frozen=True)
class RoomView:
    id: int
    event_id: int
    event_name: str
    name: str
    code: str
    phase: str
    phases: tuple[PhaseView, ...]
    revealed: bool
    participants: int
    expected_size: int | None
    timer: TimerView
    dots_per_participant: int
    max_dots_per_card: int
    max_card_length: int
    top_themes: int
    cards: tuple[CardView, ...]
    themes: tuple[ThemeView, ...]
    solutions: tuple[SolutionView, ...]
    top_themes_ids: tuple[int, ...]   # the themes that take solutions, best first
    me: MeView
    # paper: only aggregates ("N of M cards from paper"); a paper card's own flag is CardView.paper
    paper_participants: int = 0  # people taking part on paper, as the facilitator said
    paper_cards: int = 0         # shown cards typed from paper (N) ...
    counted_cards: int = 0       # ... of all shown cards (M): not hidden, not merged away, not waiting
    paper_solutions: int = 0     # shown solutions typed from paper
    paper_dots_left: int = 0     # paper dots the room may still enter (0 for a participant before the reveal)
    review: bool = False         # new participant cards wait for the facilitator's approval
    pending_count: int = 0       # cards waiting for review (staff only; 0 for a participant)
    kind: str = 'breakout'       # or 'plenary' (domain/plenary.py): its own phases, its cards pulled from the rooms

    @property
    def current(self) -> PhaseView:
        return next(p for p in self.phases if p.id == self.phase)

    def card(self, card_id: int) -> CardView | None:
        return next((c for c in self.cards if c.id == card_id), None)

    @property
    def waiting(self) -> tuple[CardView, ...]:
        """Cards waiting for review, oldest first: all of them for staff, a participant's own."""
        return tuple(c for c in self.cards if c.pending)



def counted(*where):
    """Conditions for a card that counts: shown, approved, not merged away."""
    return (Card.hidden == False, Card.pending == False, col(Card.merged_into_id).is_(None), *where)  # noqa: E712


def theme_votes(session: Session, room_id: int) -> dict[int, int]:
    """Theme id -> dots on its visible cards, paper dots included."""
    rows = session.exec(select(Card.theme_id, func.count()).join(Vote, Vote.card_id == Card.id)
                        .where(Card.room_id == room_id, col(Card.theme_id).is_not(None), Card.hidden == False)  # noqa: E712
                        .group_by(Card.theme_id)).all()
    votes = dict(rows)
    for theme_id, paper in session.exec(select(Card.theme_id, func.sum(Card.paper_dots))
                                        .where(Card.room_id == room_id, col(Card.theme_id).is_not(None), *counted())
                                        .group_by(Card.theme_id)).all():
        votes[theme_id] = votes.get(theme_id, 0) + (paper or 0)
    return votes


def paper_dots_used(session: Session, room_id: int) -> int:
    """Paper dots that count: hidden cards give theirs back, a merged-away card's are on the kept one."""
    return session.exec(select(func.coalesce(func.sum(Card.paper_dots), 0))
                        .where(Card.room_id == room_id, *counted())).one()


def paper_dots_left(session: Session, room: Room) -> int:
    return room.paper_participants * room.dots_per_participant - paper_dots_used(session, room.id)


def paper_cards(session: Session, room_id: int) -> int:
    """Shown cards typed from paper."""
    return session.exec(select(func.count()).select_from(Card).where(Card.room_id == room_id, Card.paper == True,  # noqa: E712
                                                                     *counted())).one()


def pending_count(session: Session, room_id: int) -> int:
    return session.exec(select(func.count()).select_from(Card).where(
        Card.room_id == room_id, Card.pending == True, Card.hidden == False,  # noqa: E712
        col(Card.merged_into_id).is_(None))).one()


def top_themes(session: Session, room: Room) -> list[int]:
    """The room's top themes: ranked ones first (by rank), then by dots, then oldest; at most ``top_themes``."""
    votes = theme_votes(session, room.id)
    themes = session.exec(select(Theme).where(Theme.room_id == room.id)).all()
    ordered = sorted(themes, key=lambda t: (t.rank is None, t.rank or 0, -votes.get(t.id, 0), t.id))
    return [t.id for t in ordered[:room.top_themes]]


def timer_view(room: Room) -> TimerView:
    ends = as_utc(room.timer_ends_at).timestamp() if room.timer_ends_at else None
    return TimerView(ends_at=ends, remaining_s=None if ends else room.timer_remaining_s)


def card_total(session: Session, card_id: int) -> int:
    """A card's dots: phone votes and paper dots (a merged-away card's paper dots are on the kept one)."""
    votes = session.exec(select(func.count()).select_from(Vote).where(Vote.card_id == card_id)).one()
    card = session.get(Card, card_id)
    return votes + (card.paper_dots if card is not None and card.merged_into_id is None else 0)


def card_view(session: Session, card: Card) -> CardView:
    votes = session.exec(select(func.count()).select_from(Vote).where(Vote.card_id == card.id)).one()
    merged = tuple((i, text) for i, text in session.exec(select(Card.id, Card.text)
                                                         .where(Card.merged_into_id == card.id).order_by(Card.id)))
    paper = card.paper_dots if card.merged_into_id is None else 0  # a merged-away card's moved with it
    origin = _card_origin(session, card) if card.source_theme_id is not None else ()  # a plenary card's rooms
    return CardView(card.id, card.text, card.theme_id, card.hidden, votes + paper, card.participant_id, len(merged),
                    card.paper, card.pending, paper, merged, origin)


def _card_origin(session: Session, card: Card) -> tuple[str, ...]:
    """One plenary card's rooms, as ``_origins`` gives them for the whole room: the live changes of a merge,
    an unmerge or a hide carry them too, so the board's "From: ..." line stays."""
    names = session.exec(select(Room.name).join(Theme, Theme.room_id == Room.id)
                         .join(Card, Card.source_theme_id == Theme.id)
                         .where(or_(Card.id == card.id, Card.merged_into_id == card.id)).order_by(Card.id)).all()
    return tuple(dict.fromkeys(names))


def theme_view(session: Session, theme: Theme) -> ThemeView:
    ids = session.exec(select(Card.id).where(Card.theme_id == theme.id, col(Card.merged_into_id).is_(None))
                       .order_by(Card.id)).all()
    return ThemeView(theme.id, theme.name, theme.rank, tuple(ids))


def solution_view(session: Session, solution: Solution) -> SolutionView:
    n = session.exec(select(func.count()).select_from(Endorsement)
                     .where(Endorsement.solution_id == solution.id)).one()
    return SolutionView(solution.id, solution.theme_id, solution.text, solution.hidden, n, solution.participant_id,
                        solution.paper)


def participant_count(session: Session, room_id: int) -> int:
    return session.exec(select(func.count()).select_from(Participant).where(Participant.room_id == room_id)).one()


def phases_of(event: Event, kind: str = 'breakout') -> tuple[PhaseView, ...]:
    """The phases of the event's plan that a room of this kind goes through (the plenary: three of them)."""
    return _phases(event.plan, kind)


def _phases(plan: dict, kind: str) -> tuple[PhaseView, ...]:
    ids = phases.order(kind)
    return tuple(PhaseView(p['id'], p['title'], p['prompt'], p['minutes']) for p in plan['phases'] if p['id'] in ids)


def dots_used(session: Session, participant_id: int) -> int:
    """Dots on cards that still count (hidden cards give their dots back)."""
    return session.exec(select(func.count()).select_from(Vote).join(Card, Card.id == Vote.card_id)
                        .where(Vote.participant_id == participant_id, Card.hidden == False)  # noqa: E712
                        ).one()


@dataclass(frozen=True)
class RoomState:
    """Everything of a room that staff may see, read once; each reader's view is filtered from it
    (``view_of``), so a phase change read by 300 phones costs one read and 300 small ones."""
    base: RoomView              # staff's view without ``me``: every card (hidden, waiting), totals
    revealed: bool
    # what each participant has done, read for all at once (``_me_of``): participant id -> ...
    people: dict[int, MeView] = field(default_factory=dict)

    @cached_property
    def shown_cards(self) -> tuple[CardView, ...]:
        """The cards every participant sees (not hidden, not waiting; totals only once revealed), made
        once for the room: 300 phones re-reading 300 cards share one tuple instead of 90,000 copies."""
        return tuple(card if self.revealed else replace(card, votes=0, paper_dots=0)
                     for card in self.base.cards if not card.hidden and not card.pending)

    @cached_property
    def waiting_authors(self) -> frozenset[int]:
        """Participants with a card waiting for review: only they see a list of their own."""
        return frozenset(c.author_id for c in self.base.cards if c.pending and c.author_id is not None)

    @cached_property
    def shown_themes(self) -> tuple[ThemeView, ...]:
        return _themes_over(self.base.themes, self.shown_cards)


def _all_cards(session: Session, rows: room_rows.RoomRows, totals: dict[int, int]) -> tuple[CardView, ...]:
    """The room's live cards (not merged away), each with its total and the wording merged into it."""
    merged: dict[int, list[tuple[int, str]]] = {}
    for c in rows.cards:
        if c.merged_into_id is not None:
            merged.setdefault(c.merged_into_id, []).append((c.id, c.text))
    origins = _origins(session, rows.room) if rows.room.kind == 'plenary' else {}
    return tuple(CardView(c.id, c.text, c.theme_id, c.hidden, totals.get(c.id, 0) + c.paper_dots, c.participant_id,
                          len(merged.get(c.id, ())), c.paper, c.pending, c.paper_dots, tuple(merged.get(c.id, ())),
                          tuple(origins.get(c.id, ())))
                 for c in rows.cards if c.merged_into_id is None)


def _origins(session: Session, room: Room) -> dict[int, list[str]]:
    """Plenary card id -> the names of the rooms its theme came from, its own first, then those merged in."""
    found: dict[int, list[str]] = {}
    for card_id, into, name in session.exec(
            select(Card.id, Card.merged_into_id, Room.name).join(Theme, Theme.id == Card.source_theme_id)
            .join(Room, Room.id == Theme.room_id).where(Card.room_id == room.id).order_by(Card.id)).all():
        names = found.setdefault(into or card_id, [])
        if name not in names:
            names.append(name)
    return found


def _all_solutions(rows: room_rows.RoomRows) -> tuple[SolutionView, ...]:
    endorsements = Counter(solution_id for _, solution_id in rows.endorsements)
    return tuple(SolutionView(s.id, s.theme_id, s.text, s.hidden, endorsements[s.id], s.participant_id, s.paper)
                 for s in rows.solutions)


def _me(session: Session, actor: Actor, room: RoomView, visible: set[int]) -> MeView:
    if actor.participant_id is None:
        return MeView()
    participant = session.get(Participant, actor.participant_id)
    mine = dict(session.exec(select(Vote.card_id, func.count())
                             .where(Vote.participant_id == actor.participant_id)
                             .group_by(Vote.card_id)).all())
    endorsed = frozenset(session.exec(select(Endorsement.solution_id)
                                      .where(Endorsement.participant_id == actor.participant_id)).all())
    return MeView(actor.participant_id, participant.group if participant else None,
                  room.dots_per_participant - dots_used(session, actor.participant_id),
                  {k: v for k, v in mine.items() if k in visible}, endorsed)


def room_state(session: Session, room_id: int) -> RoomState:
    """The room as staff see it, without checking who asks (``view_of`` is given the reader): its rows read
    once (``room_rows``, eight Core selects) and every count and total added up from them."""
    rows = room_rows.read(session, room_id)
    if rows is None:
        raise NotFound('This room no longer exists.')
    room, totals = rows.room, rows.card_totals()
    counted_rows = [c for c in rows.cards if not c.hidden and not c.pending and c.merged_into_id is None]
    base = RoomView(
        id=room.id, event_id=room.event_id, event_name=rows.event_name, name=room.name, code=room.join_code,
        phase=room.phase, phases=_phases(rows.plan, room.kind), kind=room.kind, revealed=room.votes_revealed,
        participants=len(rows.participants), expected_size=room.expected_size, timer=timer_view(room),
        dots_per_participant=room.dots_per_participant, max_dots_per_card=room.max_dots_per_card,
        max_card_length=room.max_card_length, top_themes=room.top_themes,
        cards=_all_cards(session, rows, totals), themes=tuple(ThemeView(t.id, t.name, t.rank, ()) for t in rows.themes),
        solutions=_all_solutions(rows), top_themes_ids=_top_themes_of(rows, totals, counted_rows),
        me=MeView(), paper_participants=room.paper_participants, paper_cards=sum(c.paper for c in counted_rows),
        paper_dots_left=room.paper_participants * room.dots_per_participant - sum(c.paper_dots for c in counted_rows),
        review=room.review_cards,
        pending_count=sum(c.pending and not c.hidden and c.merged_into_id is None for c in rows.cards))
    return RoomState(base, room.votes_revealed, _people(rows))


def _top_themes_of(rows: room_rows.RoomRows, totals: dict[int, int], counted_rows: list) -> tuple[int, ...]:
    """``top_themes`` from the room's rows: a theme's dots are the phone dots on its cards that are not hidden
    and the paper dots on its cards that count (``theme_votes``)."""
    votes: dict[int, int] = {}
    for c in rows.cards:
        if c.theme_id is not None and not c.hidden:
            votes[c.theme_id] = votes.get(c.theme_id, 0) + totals.get(c.id, 0)
    for c in counted_rows:
        if c.theme_id is not None:
            votes[c.theme_id] = votes.get(c.theme_id, 0) + c.paper_dots
    ordered = sorted(rows.themes, key=lambda t: (t.rank is None, t.rank or 0, -votes.get(t.id, 0), t.id))
    return tuple(t.id for t in ordered[:rows.room.top_themes])


def _people(rows: room_rows.RoomRows) -> dict[int, MeView]:
    """Every participant's group, dots and endorsements, from the room's rows (not four queries each)."""
    dots: dict[int, dict[int, int]] = {}
    used: dict[int, int] = {}
    for participant_id, card_id, hidden, n in rows.dots:
        dots.setdefault(participant_id, {})[card_id] = n
        used[participant_id] = used.get(participant_id, 0) + (0 if hidden else n)
    endorsed: dict[int, set[int]] = {}
    for participant_id, solution_id in rows.endorsements:
        endorsed.setdefault(participant_id, set()).add(solution_id)
    dots_each = rows.room.dots_per_participant
    return {pid: MeView(pid, group, dots_each - used.get(pid, 0), dots.get(pid, {}), frozenset(endorsed.get(pid, ())))
            for pid, group in rows.participants}


def _seen_by(card: CardView, actor: Actor, is_staff: bool, show_totals: bool) -> CardView | None:
    """The card as this reader sees it: staff all; a participant the shown ones and their own waiting
    ones, with totals only once revealed."""
    if not is_staff and (card.hidden or card.pending and card.author_id != actor.participant_id):
        return None
    return card if show_totals else replace(card, votes=0, paper_dots=0)


def _themes_over(themes: tuple[ThemeView, ...], cards: tuple[CardView, ...]) -> tuple[ThemeView, ...]:
    return tuple(replace(t, card_ids=tuple(c.id for c in cards if c.theme_id == t.id)) for t in themes)


def _me_of(state: RoomState, actor: Actor, cards: tuple[CardView, ...]) -> MeView:
    """``_me`` from the room's read: the participant's dots only on the cards they see."""
    me = state.people[actor.participant_id]
    if not me.dots:
        return me
    visible = {c.id for c in cards if not c.pending}
    return replace(me, dots={k: v for k, v in me.dots.items() if k in visible})


def view_of(session: Session, state: RoomState, actor: Actor) -> RoomView:
    """One reader's view of a room read once for all (``room_state``); checks the reader may see it.
    A participant already read with the room costs no query (a phase change re-read by 300 phones)."""
    known = actor.role is Role.PARTICIPANT and actor.room_id == state.base.id and actor.participant_id in state.people
    if not known:
        require_room(session, actor, state.base.id)
    is_staff = actor.role in (Role.FACILITATOR, Role.ORGANIZER)
    show_totals = is_staff or state.revealed
    if is_staff or actor.participant_id in state.waiting_authors:
        cards = tuple(c for c in (_seen_by(card, actor, is_staff, show_totals) for card in state.base.cards) if c)
        themes = _themes_over(state.base.themes, cards)
    else:  # the common case: the room's shared list
        cards, themes = state.shown_cards, state.shown_themes
    solutions = state.base.solutions if is_staff else tuple(s for s in state.base.solutions if not s.hidden)
    return replace(
        state.base, cards=cards, themes=themes, solutions=solutions,
        me=_me_of(state, actor, cards) if known else _me(session, actor, state.base,
                                                                  {c.id for c in cards if not c.pending}),
        counted_cards=sum(not c.hidden and not c.pending for c in cards),
        paper_solutions=sum(s.paper and not s.hidden for s in solutions),
        paper_dots_left=state.base.paper_dots_left if show_totals else 0,
        pending_count=state.base.pending_count if is_staff else 0)


def snapshot(session: Session, actor: Actor, room_id: int) -> RoomView:
    """Everything the actor may see of the room, in one read (used on page load and reload)."""
    require_room(session, actor, room_id)
    return view_of(session, room_state(session, room_id), actor)


@dataclass(frozen=True)
class RoomSummary:
    id: int
    name: str
    code: str
    phase_title: str
    participants: int


@dataclass(frozen=True)
class EventOverview:
    id: int
    name: str
    rooms: tuple[RoomSummary, ...]


def event_overview(session: Session, actor: Actor, event_id: int) -> EventOverview:
    """Every room of the event and how far it has got (for its organizer)."""
    event = session.get(Event, event_id)
    if actor.role is not Role.ORGANIZER or event is None or actor.event_id != event_id:
        raise NotAllowed('You are not an organizer of this event.')
    titles = {p.id: p.title for p in phases_of(event)}
    rooms = session.exec(select(Room).where(Room.event_id == event_id).order_by(Room.id)).all()
    if rooms:
        require_room(session, actor, rooms[0].id)  # checks the organizer's key is still the event's
    return EventOverview(event.id, event.name, tuple(
        RoomSummary(r.id, r.name, r.join_code, titles.get(r.phase, r.phase), participant_count(session, r.id))
        for r in rooms))
