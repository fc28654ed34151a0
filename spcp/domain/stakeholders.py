"""The stakeholder breakdown: how each group (community members, law enforcement, the other groups the
phones offer, and those who did not say) spent its dots in a room, per card and per theme, and where
the groups agree and differ. The plenary is a room too, so the same view serves it.

Two rules keep anyone's vote from being singled out:

* **Small groups.** A group with fewer than ``MIN_VOTERS`` people who voted in the room (no one at all
  included) shows no figure: not its voters, not its dots, in no row. Only the dots of the hidden
  groups *together* are shown (``hidden_dots``), since a card's total is on the board anyway.
* **No arithmetic.** A row's total minus the shown groups gives the hidden groups together; so the
  hidden groups must never be a single group, nor between one and four people together. While they
  are, the shown group with the fewest voters is hidden too (``PROTECTS``). Every row hides the same
  groups, so no difference of shown figures (row minus row, column minus column) isolates one.

**Published once voting has closed**: the room is past Vote (Themes, Solutions, Wrap-up). Not at the
reveal: while dots can still move, two readings a minute apart would show what one person changed.
Before that the view says so and carries no figure at all.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from sqlmodel import Session, select

from . import phases
from .access import Actor, require_room
from .errors import msgid
from .models import Card, Participant, Room, Theme, Vote
from .rooms import GROUPS
from .setup import require_organizer
from .views import counted

MIN_VOTERS = 5
NOT_SAID = 'not_said'
CATEGORIES: tuple[str, ...] = (*GROUPS, NOT_SAID)   # the columns, always all of them, in this order
LABELS: dict[str, str] = {**GROUPS, NOT_SAID: msgid('Did not say')}
SMALL, PROTECTS = 'small', 'protects'   # why a column is hidden
AGREE, DIFFER = 'agree', 'differ'
AGREE_MIN_SHARE = 0.10   # groups agree on a row when each shown group gave it at least this part of its dots...
AGREE_SPREAD = 0.10      # ... and their parts are this close
DIFFER_SPREAD = 0.20     # they differ when the parts lie this far apart
NOT_YET = msgid('The breakdown by group is shown once voting has closed in this room.')


@dataclass(frozen=True)
class GroupColumn:
    key: str                 # a key of rooms.GROUPS, or NOT_SAID
    label: str               # a message id
    voters: int | None       # people of the group who voted in the room; None where hidden
    dots: int | None         # their dots in the room; None where hidden
    hidden: str | None       # None (shown), SMALL or PROTECTS


@dataclass(frozen=True)
class BreakdownRow:
    """One card or theme: every dot on it, split by group where that may be shown."""
    id: int
    text: str                          # the card's text or the theme's name
    total: int                         # every dot: phones and paper
    paper: int                         # dots entered from paper (no group)
    dots: tuple[int | None, ...]       # per column; None where the column is hidden
    hidden_dots: int | None            # the hidden columns' dots together; None when none is hidden
    shares: tuple[float | None, ...]   # per shown column: this row's part of the group's dots (0..1)
    accord: str | None                 # AGREE, DIFFER, or None (mixed, or fewer than two groups shown)
    card_ids: tuple[int, ...] = ()     # a theme's cards


@dataclass(frozen=True)
class StakeholderBreakdown:
    room_id: int
    room_name: str
    published: bool
    notice: str | None                 # a message id: why there is nothing to show (yet)
    columns: tuple[GroupColumn, ...] = ()
    themes: tuple[BreakdownRow, ...] = ()   # the room's themes, most dots first
    cards: tuple[BreakdownRow, ...] = ()    # its shown cards, most dots first

    @property
    def shown(self) -> tuple[GroupColumn, ...]:
        return tuple(c for c in self.columns if c.hidden is None)

    @property
    def hidden(self) -> tuple[GroupColumn, ...]:
        return tuple(c for c in self.columns if c.hidden is not None)

    def theme(self, theme_id: int) -> BreakdownRow | None:
        return next((row for row in self.themes if row.id == theme_id), None)


# --- reading ---------------------------------------------------------------------------------------

def room_breakdown(session: Session, actor: Actor, room_id: int) -> StakeholderBreakdown:
    """The room's breakdown for anyone of the room (or its event's organizer); figures only once published."""
    return breakdown_of(session, require_room(session, actor, room_id))


def event_breakdowns(session: Session, actor: Actor, event_id: int) -> tuple[StakeholderBreakdown, ...]:
    """Every room of the event (the plenary included), for its organizer."""
    require_organizer(session, actor, event_id)
    rooms = session.exec(select(Room).where(Room.event_id == event_id).order_by(Room.id)).all()
    return tuple(breakdown_of(session, room) for room in rooms)


def for_theme(breakdown: StakeholderBreakdown, theme_id: int) -> StakeholderBreakdown:
    """The breakdown cut down to one theme and its cards (an action plan's priority)."""
    row = breakdown.theme(theme_id)
    if row is None:
        return replace(breakdown, themes=(), cards=())
    return replace(breakdown, themes=(row,), cards=tuple(c for c in breakdown.cards if c.id in row.card_ids))


def for_card(breakdown: StakeholderBreakdown, card_id: int) -> StakeholderBreakdown:
    """The breakdown cut down to one card (a plenary card, which stands for a room's theme)."""
    return replace(breakdown, themes=(), cards=tuple(c for c in breakdown.cards if c.id == card_id))


def published(room: Room) -> bool:
    """Voting has closed: the room is past Vote."""
    order = list(phases.PHASES)
    return room.phase in order and order.index(room.phase) > order.index(phases.VOTE)


def breakdown_of(session: Session, room: Room) -> StakeholderBreakdown:
    """The room's breakdown, without asking who reads it (for the domain's own views, which have)."""
    if not published(room):
        return StakeholderBreakdown(room.id, room.name, False, NOT_YET)
    cards = session.exec(select(Card.id, Card.text, Card.paper_dots, Card.theme_id)
                         .where(Card.room_id == room.id, *counted()).order_by(Card.id)).all()
    themes = session.exec(select(Theme.id, Theme.name).where(Theme.room_id == room.id).order_by(Theme.id)).all()
    votes = session.exec(select(Vote.card_id, Vote.participant_id, Participant.group)
                         .join(Participant, Participant.id == Vote.participant_id)
                         .join(Card, Card.id == Vote.card_id)
                         .where(Vote.room_id == room.id, *counted())).all()
    return tally(room.id, room.name, cards, themes, votes)


def tally(room_id: int, room_name: str, cards: Sequence[tuple[int, str, int, int | None]],
          themes: Sequence[tuple[int, str]], votes: Iterable[tuple[int, int, str | None]]) -> StakeholderBreakdown:
    """The published breakdown from plain rows: cards (id, text, paper dots, theme id), themes (id, name)
    and phone dots (card id, participant id, their group); dots on other cards do not count."""
    cells: dict[tuple[int, str], int] = {}
    voters: dict[str, set[int]] = {}
    shown_cards = {card[0] for card in cards}
    for card_id, participant_id, group in votes:
        if card_id in shown_cards:
            key = group if group in GROUPS else NOT_SAID
            cells[(card_id, key)] = cells.get((card_id, key), 0) + 1
            voters.setdefault(key, set()).add(participant_id)
    hidden = hidden_columns({key: len(people) for key, people in voters.items()})
    columns = tuple(GroupColumn(key, LABELS[key], None if key in hidden else len(voters.get(key, ())),
                                None if key in hidden else sum(n for (_, k), n in cells.items() if k == key),
                                hidden.get(key)) for key in CATEGORIES)
    raw = {card_id: (text, paper, tuple(cells.get((card_id, key), 0) for key in CATEGORIES), ())
           for card_id, text, paper, _ in cards}
    raw_themes = {theme_id: _sum_of(name, [raw[c[0]] for c in cards if c[3] == theme_id],
                                    tuple(c[0] for c in cards if c[3] == theme_id)) for theme_id, name in themes}
    return StakeholderBreakdown(room_id, room_name, True, None, columns, _rows(raw_themes, columns),
                                _rows(raw, columns))


def _sum_of(name: str, rows: list[tuple], card_ids: tuple[int, ...]) -> tuple:
    return (name, sum(r[1] for r in rows), tuple(sum(r[2][i] for r in rows) for i in range(len(CATEGORIES))),
            card_ids)


# --- the rules ---------------------------------------------------------------------------------------

def hidden_columns(voters: dict[str, int]) -> dict[str, str]:
    """Column -> why hidden. Small groups first; then, while the hidden ones are a single column or
    between one and four people together, the shown column with the fewest voters joins them."""
    count = {key: voters.get(key, 0) for key in CATEGORIES}
    hidden = {key: SMALL for key in CATEGORIES if count[key] < MIN_VOTERS}

    def exposed() -> bool:
        together = sum(count[key] for key in hidden)
        return bool(hidden) and (len(hidden) == 1 or 0 < together < MIN_VOTERS)

    while exposed() and len(hidden) < len(CATEGORIES):
        # the smallest shown group; among equals the last in the catalogue ("other" before "community")
        smallest = min((key for key in CATEGORIES if key not in hidden),
                       key=lambda key: (count[key], -CATEGORIES.index(key)))
        hidden[smallest] = PROTECTS
    return hidden


def _rows(raw: dict[int, tuple], columns: tuple[GroupColumn, ...]) -> tuple[BreakdownRow, ...]:
    shown = [c.hidden is None for c in columns]
    made = []
    for row_id, (text, paper, cells, card_ids) in raw.items():
        shares = tuple(cells[i] / column.dots if shown[i] and column.dots else None
                       for i, column in enumerate(columns))
        made.append(BreakdownRow(
            row_id, text, paper + sum(cells), paper, tuple(n if shown[i] else None for i, n in enumerate(cells)),
            sum(n for i, n in enumerate(cells) if not shown[i]) if not all(shown) else None,
            shares, accord([s for s in shares if s is not None]), card_ids))
    return tuple(sorted(made, key=lambda r: (-r.total, r.id)))


def accord(shares: Iterable[float]) -> str | None:
    """AGREE when every shown group gave the row a fair part of its dots and the parts are close;
    DIFFER when the parts lie far apart; None otherwise (or with fewer than two groups shown)."""
    parts = list(shares)
    if len(parts) < 2:
        return None
    spread = max(parts) - min(parts)
    if spread >= DIFFER_SPREAD:
        return DIFFER
    if spread < AGREE_SPREAD and min(parts) >= AGREE_MIN_SHARE:
        return AGREE
    return None
