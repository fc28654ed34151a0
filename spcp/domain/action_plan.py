"""The action plan (SPCP phase 4): for each priority, the actions the council will carry, who leads them
and how they go. Built from the day, not typed again: a priority is a theme (a room's, or the
plenary's, the plenary being a room too) and carries its cards, dots, stakeholder breakdown and
solutions with their endorsements; adding it to the plan makes an item of each of its solutions.

Several organizers edit the plan at once, **field by field**: each edit sets one column of one item
(an ``UPDATE`` of that column alone), so two organizers editing different fields of an item both keep
their edits, and on the same field the last write wins. Every edit returns an :class:`EventChange`
(plain values only, so it serialises to JSON) for the other organizers' pages.

A theme is *in the plan* while it has at least one item; the day's other top themes are suggestions.
Everything here is the organizer's, with the event's current key (``setup.require_organizer``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select, update

from . import stakeholders
from .access import Actor
from .changes import Change, EventChange
from .errors import DomainError, NotFound, msgid
from .models import ActionItem, Card, Endorsement, Room, Solution, Theme, Vote
from .plenary import PLENARY
from .setup import optional_text, require_organizer
from .stakeholders import StakeholderBreakdown
from .text import clean_text
from .views import counted, theme_votes, top_themes

RESPONSIBLE: dict[str, str] = {'police': msgid('Police'), 'community': msgid('Community'),
                               'both': msgid('Police and community')}
STATUSES: dict[str, str] = {'not_started': msgid('Not started'), 'on_track': msgid('On track'),
                            'lagging': msgid('Lagging'), 'done': msgid('Done')}
ONE_LINE = {'lead': 200, 'partners': 300}                     # optional, one line
LONG = {'first_steps': 2000, 'resources': 2000, 'success_measure': 2000, 'notes': 2000}  # optional, several lines
MAX_ACTION = 500
DATES = ('start_date', 'due_date')
FIELDS = ('text', 'lead', 'partners', 'responsible', 'first_steps', 'start_date', 'due_date', 'resources',
          'success_measure', 'status', 'notes')


@dataclass(frozen=True)
class ActionItemView:
    """One item of the plan; dates as ``YYYY-MM-DD`` (``start``/``due`` give them as days)."""
    id: int
    theme_id: int
    solution_id: int | None   # the solution it started from; None: typed fresh
    text: str
    lead: str | None = None
    partners: str | None = None
    responsible: str | None = None   # a key of RESPONSIBLE
    first_steps: str | None = None
    start_date: str | None = None
    due_date: str | None = None
    resources: str | None = None
    success_measure: str | None = None
    status: str = 'not_started'      # a key of STATUSES
    notes: str | None = None

    @property
    def start(self) -> dt.date | None:
        return dt.date.fromisoformat(self.start_date) if self.start_date else None

    @property
    def due(self) -> dt.date | None:
        return dt.date.fromisoformat(self.due_date) if self.due_date else None


@dataclass(frozen=True)
class PriorityCard:
    id: int
    text: str
    dots: int   # every dot, paper included


@dataclass(frozen=True)
class PrioritySolution:
    id: int
    text: str
    endorsements: int


@dataclass(frozen=True)
class PriorityView:
    theme_id: int
    room_id: int
    room_name: str
    name: str
    dots: int
    cards: tuple[PriorityCard, ...]            # shown cards, most dots first
    solutions: tuple[PrioritySolution, ...]    # shown solutions, most endorsed first
    stakeholders: StakeholderBreakdown         # this theme and its cards (figures only once published)
    items: tuple[ActionItemView, ...]          # in the order they were added
    plenary_dots: int | None = None            # its dots in the plenary, if it was pulled in there
    plenary: StakeholderBreakdown | None = None  # the plenary's breakdown cut to its card (no themes there)


@dataclass(frozen=True)
class Suggestion:
    """A room's top theme not (yet) in the plan."""
    theme_id: int
    room_id: int
    room_name: str
    name: str
    dots: int
    solutions: int
    plenary_dots: int | None = None   # its dots in the plenary, if it was pulled in there


@dataclass(frozen=True)
class ActionPlanView:
    event_id: int
    priorities: tuple[PriorityView, ...]   # the plenary's by its dots first, then room by room as each ranks them
    suggestions: tuple[Suggestion, ...]    # in the same order


@dataclass(frozen=True)
class PlanItemAdded(EventChange):
    item: ActionItemView


@dataclass(frozen=True)
class PlanFieldChanged(EventChange):
    """One field of one item was set (``value`` as the view holds it: text, a key, a date as text, or None)."""
    item_id: int
    theme_id: int
    field: str
    value: str | None


@dataclass(frozen=True)
class PlanItemRemoved(EventChange):
    item_id: int
    theme_id: int


# --- reading -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pulled:
    """A room's theme that was pulled into the plenary: the plenary card standing for it and its dots there."""
    card_id: int
    dots: int
    breakdown: StakeholderBreakdown   # the plenary's, cut to that card


def action_plan(session: Session, actor: Actor, event_id: int) -> ActionPlanView:
    """The whole plan and the day's suggestions, for the event's organizer."""
    require_organizer(session, actor, event_id)
    items = _items(session, select(ActionItem).where(ActionItem.event_id == event_id))
    room_of = dict(session.exec(select(Theme.id, Theme.room_id).where(col(Theme.id).in_(items))).all())
    pulled = _pulled(session, event_id)
    priorities, suggestions = [], []
    for room in session.exec(select(Room).where(Room.event_id == event_id, Room.kind != PLENARY)
                             .order_by(Room.id)).all():
        chosen = {theme_id for theme_id, room_id in room_of.items() if room_id == room.id}
        priorities += _priorities(session, room, [t for t in _ranked(session, room) if t in chosen], items, pulled)
        suggestions += _suggestions(session, room, chosen, pulled)
    return ActionPlanView(event_id, tuple(_plenary_first(priorities, pulled)),
                          tuple(_plenary_first(suggestions, pulled)))


def priority(session: Session, actor: Actor, event_id: int, theme_id: int) -> PriorityView:
    """One priority read again (a page showing a priority another organizer added)."""
    require_organizer(session, actor, event_id)
    theme = _event_theme(session, event_id, theme_id)
    items = _items(session, select(ActionItem).where(ActionItem.theme_id == theme.id))
    return _priorities(session, session.get(Room, theme.room_id), [theme.id], items, _pulled(session, event_id))[0]


def _pulled(session: Session, event_id: int) -> dict[int, Pulled]:
    """Theme id -> its card in the plenary (a merged card stands for the themes merged into it too)."""
    plenary = session.exec(select(Room).where(Room.event_id == event_id, Room.kind == PLENARY)).first()
    if plenary is None:
        return {}
    dots = _dots(session, plenary.id)
    breakdown = stakeholders.breakdown_of(session, plenary)
    found = {}
    for card_id, theme_id, into in session.exec(select(Card.id, Card.source_theme_id, Card.merged_into_id).where(
            Card.room_id == plenary.id, col(Card.source_theme_id).is_not(None))).all():
        kept = into or card_id
        if kept in dots:  # shown (not hidden, not merged into a hidden card)
            found[theme_id] = Pulled(kept, dots[kept], stakeholders.for_card(breakdown, kept))
    return found


def _plenary_first(rows: list, pulled: dict[int, Pulled]) -> list:
    """The plenary's by its dots (most first), then the others as they came (stable)."""
    return sorted(rows, key=lambda row: (row.theme_id not in pulled,
                                         -pulled[row.theme_id].dots if row.theme_id in pulled else 0))


def _items(session: Session, query) -> dict[int, list[ActionItemView]]:
    """Theme id -> its items, oldest first."""
    found: dict[int, list[ActionItemView]] = {}
    for item in session.exec(query.order_by(ActionItem.id)).all():
        found.setdefault(item.theme_id, []).append(item_view(item))
    return found


def item_view(item: ActionItem) -> ActionItemView:
    return ActionItemView(item.id, item.theme_id, item.solution_id, item.text, item.lead, item.partners,
                          item.responsible, item.first_steps, _iso(item.start_date), _iso(item.due_date),
                          item.resources, item.success_measure, item.status, item.notes)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _room_of_theme(session: Session, theme_id: int) -> int | None:
    return session.exec(select(Theme.room_id).where(Theme.id == theme_id)).first()


def _ranked(session: Session, room: Room) -> list[int]:
    """Every theme of the room, ranked as ``views.top_themes`` ranks them (ranked ones first, then by dots)."""
    votes = theme_votes(session, room.id)
    themes = session.exec(select(Theme.id, Theme.rank).where(Theme.room_id == room.id)).all()
    return [t for t, _ in sorted(themes, key=lambda t: (t[1] is None, t[1] or 0, -votes.get(t[0], 0), t[0]))]


def _dots(session: Session, room_id: int) -> dict[int, int]:
    """Card id -> every dot on it (phones and paper), for the room's shown cards."""
    phone = dict(session.exec(select(Vote.card_id, func.count()).join(Card, Card.id == Vote.card_id)
                              .where(Vote.room_id == room_id, *counted()).group_by(Vote.card_id)).all())
    return {card_id: phone.get(card_id, 0) + paper for card_id, paper in
            session.exec(select(Card.id, Card.paper_dots).where(Card.room_id == room_id, *counted())).all()}


def _solutions(session: Session, room_id: int) -> dict[int, list[PrioritySolution]]:
    """Theme id -> its shown solutions, most endorsed first."""
    counts = dict(session.exec(select(Endorsement.solution_id, func.count())
                               .join(Solution, Solution.id == Endorsement.solution_id)
                               .where(Solution.room_id == room_id).group_by(Endorsement.solution_id)).all())
    found: dict[int, list[PrioritySolution]] = {}
    for s in session.exec(select(Solution).where(Solution.room_id == room_id, Solution.hidden == False)  # noqa: E712
                          .order_by(Solution.id)).all():
        found.setdefault(s.theme_id, []).append(PrioritySolution(s.id, s.text, counts.get(s.id, 0)))
    return {t: sorted(found[t], key=lambda s: -s.endorsements) for t in found}


def _priorities(session: Session, room: Room, theme_ids: list[int], items: dict[int, list[ActionItemView]],
                pulled: dict[int, Pulled]) -> list[PriorityView]:
    if not theme_ids:
        return []
    dots, solutions = _dots(session, room.id), _solutions(session, room.id)
    breakdown = stakeholders.breakdown_of(session, room)
    names = dict(session.exec(select(Theme.id, Theme.name).where(Theme.room_id == room.id)).all())
    made = []
    for theme_id in theme_ids:
        cards = sorted((PriorityCard(card_id, text, dots.get(card_id, 0)) for card_id, text in session.exec(
            select(Card.id, Card.text).where(Card.theme_id == theme_id, *counted()))), key=lambda c: (-c.dots, c.id))
        plenary = pulled.get(theme_id)
        made.append(PriorityView(theme_id, room.id, room.name, names[theme_id], sum(c.dots for c in cards),
                                 tuple(cards), tuple(solutions.get(theme_id, ())),
                                 stakeholders.for_theme(breakdown, theme_id), tuple(items.get(theme_id, ())),
                                 plenary.dots if plenary else None, plenary.breakdown if plenary else None))
    return made


def _suggestions(session: Session, room: Room, chosen: set[int], pulled: dict[int, Pulled]) -> list[Suggestion]:
    top = [t for t in top_themes(session, room) if t not in chosen]
    if not top:
        return []
    dots, solutions = _dots(session, room.id), _solutions(session, room.id)
    names = dict(session.exec(select(Theme.id, Theme.name).where(col(Theme.id).in_(top))).all())
    theme_of = dict(session.exec(select(Card.id, Card.theme_id).where(col(Card.theme_id).in_(top), *counted())).all())
    return [Suggestion(t, room.id, room.name, names[t], sum(n for c, n in dots.items() if theme_of.get(c) == t),
                       len(solutions.get(t, ())), pulled[t].dots if t in pulled else None) for t in top]


# --- changing ----------------------------------------------------------------------------------------

def _event_theme(session: Session, event_id: int, theme_id: object) -> Theme:
    theme = session.get(Theme, theme_id) if isinstance(theme_id, int) and not isinstance(theme_id, bool) else None
    room = session.get(Room, theme.room_id) if theme is not None else None
    if room is None or room.event_id != event_id:
        raise NotFound('That theme is no longer there.')
    return theme


def _event_item(session: Session, event_id: int, item_id: object) -> ActionItem:
    item = session.get(ActionItem, item_id) if isinstance(item_id, int) and not isinstance(item_id, bool) else None
    if item is None or item.event_id != event_id:
        raise NotFound('This action is no longer in the plan.')
    return item


def _added(session: Session, event_id: int, theme: Theme, items: list[ActionItem]) -> list[Change]:
    session.add_all(items)
    session.commit()
    return [PlanItemAdded(theme.room_id, event_id, item_view(item)) for item in items]


def add_priority(session: Session, actor: Actor, event_id: int, theme_id: int
                 ) -> tuple[tuple[int, ...], list[Change]]:
    """Put a theme in the plan: an item for each of its shown solutions, most endorsed first (one item
    named after the theme if it has none). Returns the new items' ids."""
    require_organizer(session, actor, event_id)
    theme = _event_theme(session, event_id, theme_id)
    if session.exec(select(ActionItem.id).where(ActionItem.theme_id == theme.id)).first() is not None:
        raise DomainError('This priority is already in the plan.')
    solutions = _solutions(session, theme.room_id).get(theme.id, [])
    items = [ActionItem(event_id=event_id, theme_id=theme.id, solution_id=s.id, text=s.text[:MAX_ACTION])
             for s in solutions] or [ActionItem(event_id=event_id, theme_id=theme.id, text=theme.name)]
    changes = _added(session, event_id, theme, items)
    return tuple(item.id for item in items), changes


def add_item(session: Session, actor: Actor, event_id: int, theme_id: int, text: str,
             solution_id: int | None = None) -> tuple[int, list[Change]]:
    """Add an action to a priority: typed fresh, or from one of the theme's solutions."""
    require_organizer(session, actor, event_id)
    theme = _event_theme(session, event_id, theme_id)
    if solution_id is not None:
        solution = session.get(Solution, solution_id) if isinstance(solution_id, int) else None
        if solution is None or solution.theme_id != theme.id:
            raise NotFound('That solution is no longer there.')
    item = ActionItem(event_id=event_id, theme_id=theme.id, solution_id=solution_id,
                      text=clean_text(text, MAX_ACTION))
    changes = _added(session, event_id, theme, [item])
    return item.id, changes


def edit_item(session: Session, actor: Actor, event_id: int, item_id: int, field: str, value: object
              ) -> tuple[ActionItemView, list[Change]]:
    """Set one field of one item (the others are left as they are in the database, whoever set them).
    Returns the item as it is now; a value equal to the stored one changes nothing."""
    require_organizer(session, actor, event_id)
    item = _event_item(session, event_id, item_id)
    stored = clean_value(field, value)
    other = {'start_date': item.due_date, 'due_date': item.start_date}.get(field)
    if stored is not None and other is not None and (other < stored if field == 'start_date' else stored < other):
        raise DomainError('The due date comes before the start date.')
    if getattr(item, field) == stored:
        return item_view(item), []
    session.exec(update(ActionItem).where(col(ActionItem.id) == item.id).values({field: stored}))
    session.commit()
    session.refresh(item)
    view = item_view(item)
    theme_room = _room_of_theme(session, item.theme_id)
    return view, [PlanFieldChanged(theme_room, event_id, item.id, item.theme_id, field, getattr(view, field))]


def clean_value(field: str, value: object) -> object:
    """A field's value as stored; a refusal names what is wrong."""
    if field == 'text':
        return clean_text(value, MAX_ACTION)
    if field in ONE_LINE:
        return optional_text(value, ONE_LINE[field])
    if field in LONG:
        return None if value is None or (isinstance(value, str) and not value.strip()) \
            else clean_text(value, LONG[field])
    if field == 'responsible':
        if value is not None and value not in RESPONSIBLE:
            raise DomainError('Choose who is responsible from the list.')
        return value
    if field == 'status':
        if value not in STATUSES:
            raise DomainError('Choose a status from the list.')
        return value
    if field in DATES:
        return _day(value)
    raise DomainError('Unknown field.')


def _day(value: object) -> dt.date | None:
    if value is None or value == '':
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise DomainError('Please give the date as a day, e.g. 2025-05-12.')


def remove_item(session: Session, actor: Actor, event_id: int, item_id: int) -> list[Change]:
    require_organizer(session, actor, event_id)
    item = _event_item(session, event_id, item_id)
    change = PlanItemRemoved(_room_of_theme(session, item.theme_id), event_id, item.id, item.theme_id)
    session.delete(item)
    session.commit()
    return [change]


def remove_priority(session: Session, actor: Actor, event_id: int, theme_id: int) -> list[Change]:
    """Take a theme out of the plan: all its items go (it is a suggestion again, if a top theme)."""
    require_organizer(session, actor, event_id)
    theme = _event_theme(session, event_id, theme_id)
    items = session.exec(select(ActionItem).where(ActionItem.theme_id == theme.id).order_by(ActionItem.id)).all()
    changes = [PlanItemRemoved(theme.room_id, event_id, item.id, theme.id) for item in items]
    for item in items:
        session.delete(item)
    session.commit()
    return changes
