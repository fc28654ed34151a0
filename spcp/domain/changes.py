"""What changed in a room: small facts that domain calls return and the live seam fans out.

A page applies each change to the few elements it concerns. Changes describe the room, not
one viewer: each page decides what its viewer may see (a phone ignores vote totals until they
are revealed, for instance).
"""
from __future__ import annotations

from dataclasses import dataclass

from .views import CardView, SolutionView, ThemeView, TimerView


@dataclass(frozen=True)
class Change:
    room_id: int


@dataclass(frozen=True)
class CardChanged(Change):
    """A card was added, edited, hidden, shown or moved in or out of a theme."""
    card: CardView


@dataclass(frozen=True)
class CardRemoved(Change):
    """A card was merged into another one and is gone from every list."""
    card_id: int


@dataclass(frozen=True)
class VotesChanged(Change):
    card_id: int
    total: int
    participant_id: int  # whose dots changed
    dots_on_card: int    # that participant's dots on this card now
    dots_left: int       # that participant's dots left


@dataclass(frozen=True)
class ThemeChanged(Change):
    theme: ThemeView


@dataclass(frozen=True)
class ThemeRemoved(Change):
    theme_id: int


@dataclass(frozen=True)
class PhaseChanged(Change):
    phase: str


@dataclass(frozen=True)
class RevealChanged(Change):
    revealed: bool


@dataclass(frozen=True)
class TimerChanged(Change):
    timer: TimerView


@dataclass(frozen=True)
class ParticipantsChanged(Change):
    count: int                    # participants who ever joined the room
    expected: int | None = None   # how many the facilitator expects (None: not said)


@dataclass(frozen=True)
class PresenceChanged(Change):
    """Phones with the room open right now, and joins refused by the per-address limit."""
    connected: int
    refused_joins: int = 0


@dataclass(frozen=True)
class SolutionChanged(Change):
    """A solution was proposed, hidden or shown, or its endorsements changed."""
    solution: SolutionView
    endorser_id: int | None = None  # who endorsed / withdrew, when that is what changed
    endorsed: bool | None = None    # and which of the two


@dataclass(frozen=True)
class KeyRotated(Change):
    """The room's facilitator key changed: boards signed in with the old one sign out."""


@dataclass(frozen=True)
class ReviewChanged(Change):
    """Review before shown was turned on or off, or the queue of cards waiting for it changed."""
    on: bool
    pending: int  # cards waiting for the facilitator's approval


@dataclass(frozen=True)
class PaperChanged(Change):
    """What the room holds from paper changed: people on paper, their shown cards, dots left to enter.
    A card's own paper dots come with its CardChanged (in ``votes`` and ``paper_dots``)."""
    participants: int
    cards: int
    dots_left: int


@dataclass(frozen=True)
class EventChange(Change):
    """A change for the pages that follow a whole event (the organizer's), not for a room's pages.
    ``room_id`` is the room it concerns, if one."""
    room_id: int | None
    event_id: int


@dataclass(frozen=True)
class AuditView:
    """One line of the audit log as the organizer reads it (``audit.py``): no participant in it."""
    id: int
    room_id: int | None       # None: the whole event
    room_name: str | None     # as the room is called now (None: the whole event, or a room since removed)
    role: str                 # 'facilitator' or 'organizer'
    action: str               # e.g. 'rooms.set_phase'
    detail: str | None        # a phase id, 'on' or 'off'
    at: float                 # epoch seconds


@dataclass(frozen=True)
class AuditRecorded(EventChange):
    """A facilitator's or organizer's action was written to the event's audit log."""
    entry: AuditView
