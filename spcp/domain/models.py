"""SQLModel tables. Rows stay inside the domain; pages get the plain views of ``views.py``."""
from __future__ import annotations

import datetime as dt
import uuid
from datetime import UTC, datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back without a zone; every datetime we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    organizer_key: str = Field(index=True)
    plan: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    # scrypt hash, set with `spcp organizer set-password`; None = the key alone signs in
    organizer_password_hash: str | None = None
    # set up before the day (spcp.domain.setup); printed on the posters
    date: dt.date | None = None
    venue: str | None = None
    # locale codes (spcp.i18n.LOCALES) the posters are printed in, at least one
    languages: list = Field(default_factory=lambda: ['en'],
                            sa_column=Column(JSON, nullable=False, server_default='["en"]'))
    wifi_name: str | None = None
    wifi_password: str | None = None  # printed on the posters for everyone in the hall: not a secret
    # when the organizer opened the plenary: every phone of the event moves there (None: not open)
    plenary_opened_at: datetime | None = None


class Room(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key='event.id', index=True)
    name: str
    join_code: str = Field(unique=True, index=True)
    facilitator_key: str
    phase: str = 'welcome'
    votes_revealed: bool = False
    dots_per_participant: int = 3
    max_dots_per_card: int = 1
    max_card_length: int = 280
    max_cards_per_participant: int = 12
    top_themes: int = 3
    # the countdown: running -> ends_at is set; paused/stopped -> remaining seconds is set
    timer_ends_at: datetime | None = None
    timer_remaining_s: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # how many people the facilitator expects; joins beyond it show a warning
    expected_size: int | None = None
    # people taking part on paper: the facilitator types their issues and enters their dots as counts
    paper_participants: int = Field(default=0, sa_column_kwargs={'server_default': '0'})
    # review before shown: a participant's new card waits (pending) until the facilitator approves it
    review_cards: bool = Field(default=False, sa_column_kwargs={'server_default': '0'})
    # 'breakout', or 'plenary': the event's one room where every room's top themes are voted on together
    kind: str = Field(default='breakout', sa_column_kwargs={'server_default': 'breakout'})
    # who facilitates the room (printed on its facilitator sheet); None = not said
    facilitator_name: str | None = None
    # a practice room (domain/practice.py): for rehearsing with simulated phones before the day, never counted
    # with the event's real rooms
    practice: bool = Field(default=False, sa_column_kwargs={'server_default': '0'})


class Participant(SQLModel, table=True):
    __table_args__ = (UniqueConstraint('room_id', 'device'),)
    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key='room.id', index=True)
    device: str  # the browser's random id: the same phone is the same participant after a reload
    group: str | None = None
    joined_at: datetime = Field(default_factory=utcnow)


class Theme(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key='room.id', index=True)
    name: str
    rank: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Card(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key='room.id', index=True)
    participant_id: int | None = Field(default=None, foreign_key='participant.id')
    text: str
    hidden: bool = False
    merged_into_id: int | None = Field(default=None, foreign_key='card.id')
    theme_id: int | None = Field(default=None, foreign_key='theme.id')
    created_at: datetime = Field(default_factory=utcnow)
    paper: bool = Field(default=False, sa_column_kwargs={'server_default': '0'})  # typed from paper, no author
    pending: bool = Field(default=False, sa_column_kwargs={'server_default': '0'})  # waits for review
    # dots from paper, entered as a count. On a merged-away card: what moved with it (given back on unmerge)
    paper_dots: int = Field(default=0, sa_column_kwargs={'server_default': '0'})
    # a plenary card stands for a room's theme, pulled into the plenary (None: a card someone wrote)
    source_theme_id: int | None = Field(default=None, foreign_key='theme.id')


class Vote(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key='room.id', index=True)
    card_id: int = Field(foreign_key='card.id', index=True)
    participant_id: int = Field(foreign_key='participant.id', index=True)
    created_at: datetime = Field(default_factory=utcnow)
    # the card the dot was put on; merging moves the vote, never this, so unmerging knows what goes back
    # (None: cast before this was recorded)
    origin_card_id: int | None = Field(default=None, foreign_key='card.id')


class Solution(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key='room.id', index=True)
    theme_id: int = Field(foreign_key='theme.id', index=True)
    participant_id: int | None = Field(default=None, foreign_key='participant.id')
    text: str
    hidden: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    paper: bool = Field(default=False, sa_column_kwargs={'server_default': '0'})  # typed from paper, no author


class Endorsement(SQLModel, table=True):
    __table_args__ = (UniqueConstraint('solution_id', 'participant_id'),)
    id: int | None = Field(default=None, primary_key=True)
    solution_id: int = Field(foreign_key='solution.id', index=True)
    participant_id: int = Field(foreign_key='participant.id')


class Receipt(SQLModel, table=True):
    """One row per participant action, keyed by the client's idempotency key.

    Written in the same transaction as the action, so a retried submit or vote finds its receipt
    and changes nothing. ``result_id`` points at what the first attempt made (card, solution...).
    """
    key: str = Field(primary_key=True, max_length=64)
    participant_id: int = Field(foreign_key='participant.id')
    action: str
    result_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """One facilitator's or organizer's action: which role, in which room, what, when. Never a
    participant's: nothing here can say who wrote, voted or joined. ``room_id`` is kept without a
    foreign key, so removing an unused room keeps the log of what was done to it."""
    __tablename__ = 'audit_entry'
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key='event.id', index=True)
    room_id: int | None = None       # None: the whole event (every room at once, the event's settings)
    role: str                        # 'facilitator' or 'organizer'
    action: str                      # module and function of the domain, e.g. 'rooms.set_phase'
    detail: str | None = None        # what it was set to, when that is a phase or a switch: 'vote', 'on', 'off'
    created_at: datetime = Field(default_factory=utcnow)


class ActionItem(SQLModel, table=True):
    """One line of the action plan (``action_plan.py``): what is to be done for a priority, who leads it
    and how it goes. A priority is a theme, a room's or the plenary's (a room too); an item starts from
    one of its solutions or is typed fresh. The organizers edit it field by field, so each field is
    its own column: two organizers editing different fields of one item both keep their edits."""
    __tablename__ = 'action_item'
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key='event.id', index=True)
    theme_id: int = Field(foreign_key='theme.id', index=True)        # the priority
    solution_id: int | None = Field(default=None, foreign_key='solution.id')  # None: typed fresh
    text: str                            # the action as the plan words it (the solution's text to start with)
    lead: str | None = None              # a person or a body
    partners: str | None = None
    responsible: str | None = None       # 'police', 'community' or 'both'
    first_steps: str | None = None
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    resources: str | None = None         # resources needed
    success_measure: str | None = None   # how success will be measured
    status: str = 'not_started'          # 'not_started', 'on_track', 'lagging' or 'done'
    notes: str | None = None


def random_id() -> str:
    return uuid.uuid4().hex


class CouncilVolunteer(SQLModel, table=True):
    """Someone who volunteered for the SPCP council (``council.py``), with their consent to be seen by
    the event's organizers. Kept apart from the anonymous content and never joined to it: no participant,
    no room, no time, and a random key in a table without SQLite's hidden rowid, so neither the key nor
    the order rows are stored or read in follows the order people signed up in."""
    __tablename__ = 'council_volunteer'
    __table_args__ = {'sqlite_with_rowid': False}
    id: str = Field(default_factory=random_id, primary_key=True, max_length=32)
    event_id: int = Field(foreign_key='event.id', index=True)
    name: str
    contact: str
    affiliation: str | None = None
    why: str | None = None


class LiveChange(SQLModel, table=True):
    """A batch of published changes too long for one PostgreSQL notification (8,000 bytes): the
    notification carries only its id and the other server processes read it here (``spcp/relay.py``).
    Belongs to no event (never exported); rows older than a minute are deleted as new ones come."""
    __tablename__ = 'live_change'
    id: int | None = Field(default=None, primary_key=True)
    payload: str
    created_at: datetime = Field(default_factory=utcnow, index=True)


class RateCount(SQLModel, table=True):
    """How often one identity did one rate-limited thing in its current window, counted for all the server
    processes on one PostgreSQL (``spcp/rate_limits.py``; one process on SQLite counts in memory and never
    writes here). ``key`` is a keyed hash of the identity (a participant, a network address): no address is
    ever written to the database. Belongs to no event (never exported); rows past ``expires`` are deleted.
    On PostgreSQL the table is UNLOGGED: counts of seconds and minutes need not survive a crash."""
    __tablename__ = 'rate_count'
    name: str = Field(primary_key=True, max_length=40)   # the limit: 'actions_per_participant', 'joins'...
    key: str = Field(primary_key=True, max_length=32)    # HMAC-SHA256 of the identity, 128 bits in hex
    window_s: int = Field(primary_key=True)              # the window's length (one limit may have several)
    started: float                                       # the window's first try, in epoch seconds
    expires: float = Field(index=True)                   # when the window ends (the row is then deleted)
    n: int                                               # tries counted in it
    cap: int                                             # the most it takes (n never passes it)
