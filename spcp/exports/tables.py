"""The export's tables, built once from the domain's views and shared by every renderer.

:func:`read_event` takes the event as its organizer sees it (the domain's frozen views: the set-up,
each room's staff view, the audit log); :func:`build` turns that into typed pandas tables with
headers in the organizer's language. What never goes in: a hidden card or solution (only counted,
per room, in the moderation log), a card still waiting for review, a merged-away duplicate's own
wording (it may have been hidden before it was merged; the kept card says how many were merged
in), a participant or device id, an address, a council entry's key, and any time finer than the minute.
The action plan and the council list come from their own domain views (``action_plan``, ``council``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlmodel import Session

from ..domain import action_plan, audit, council, plenary, setup, stakeholders, views
from ..domain.access import Actor
from ..domain.action_plan import ActionPlanView
from ..domain.changes import AuditView
from ..domain.council import VolunteerView
from ..domain.errors import msgid
from ..domain.plenary import Source
from ..domain.setup import EventSetup
from ..domain.stakeholders import StakeholderBreakdown
from ..domain.views import RoomView
from ..i18n import Translator

TEXT, INT, BOOL, DATE, TIME = 'text', 'int', 'bool', 'date', 'datetime'
DTYPES = {TEXT: 'string', INT: 'Int64', BOOL: 'boolean', DATE: 'datetime64[s]', TIME: 'datetime64[s]'}
PHASE_ACTIONS = ('rooms.set_phase', 'rooms.step_phase', 'dashboard.move_rooms')


@dataclass(frozen=True)
class Column:
    key: str
    header: str   # a message id
    kind: str     # TEXT, INT, BOOL, DATE or TIME (a time to the minute)


@dataclass(frozen=True)
class Table:
    key: str                    # 'issues': the file name in the CSV zip, the tests' handle
    title: str                  # the sheet's name, translated
    columns: tuple[Column, ...]
    headers: tuple[str, ...]    # the columns' headers, translated
    frame: pd.DataFrame         # one column per ``columns`` key, typed by its kind

    def kind(self, key: str) -> str:
        return next(c.kind for c in self.columns if c.key == key)


@dataclass(frozen=True)
class EventRead:
    """Everything an export shows, read once as the event's organizer sees it."""
    setup: EventSetup
    rooms: tuple[RoomView, ...]                    # the breakout rooms
    log: tuple[AuditView, ...]
    plenary: RoomView | None = None                # the hall's vote on the rooms' top themes, if made
    origins: dict[int, tuple[Source, ...]] = field(default_factory=dict)   # plenary card -> its rooms' themes
    breakdowns: tuple[StakeholderBreakdown, ...] = ()                       # per room, the plenary's too
    plan: ActionPlanView | None = None             # the action plan (its priorities and their items)
    council: tuple[VolunteerView, ...] = ()        # the council's volunteers (each stored only with consent)


@dataclass(frozen=True)
class ExportTables:
    """An event's export: its cover facts and its tables, in the organizer's language."""
    locale: str
    event_name: str
    date: dt.date | None
    venue: str | None
    rooms: tuple[str, ...]
    facilitators: tuple[str, ...]
    participants: int           # who joined from a phone, every room
    on_paper: int               # who took part on paper, as the facilitators said
    tables: dict[str, Table]

    def __getitem__(self, key: str) -> Table:
        return self.tables[key]


def read_event(session: Session, actor: Actor, event_id: int) -> EventRead:
    """The event's views for its organizer (a refusal raises DomainError)."""
    event = setup.event_setup(session, actor, event_id)
    rooms = tuple(views.snapshot(session, actor, room.id) for room in event.rooms)
    hall = plenary.state(session, actor, event_id)
    return EventRead(event, rooms, audit.log(session, actor, event_id, limit=100_000),
                     views.snapshot(session, actor, hall.room_id) if hall else None,
                     plenary.sources(session, actor, hall.room_id) if hall else {},
                     stakeholders.event_breakdowns(session, actor, event_id),
                     action_plan.action_plan(session, actor, event_id), council.council(session, actor, event_id))


def shown_cards(room: RoomView) -> list:
    """The room's issues that count: shown, approved, kept (not merged away)."""
    return [c for c in room.cards if not c.hidden and not c.pending]


def to_minute(epoch: float) -> dt.datetime:
    """A moment as this laptop's local time, to the minute (no export says more precisely when)."""
    return dt.datetime.fromtimestamp(epoch).replace(second=0, microsecond=0)


def table(key: str, title: str, columns: tuple[Column, ...], rows: list[tuple], tr: Translator) -> Table:
    frame = pd.DataFrame.from_records(rows, columns=[c.key for c in columns]) if rows else \
        pd.DataFrame({c.key: [] for c in columns})
    frame = frame.astype({c.key: DTYPES[c.kind] for c in columns})
    return Table(key, tr(title)[:31], columns, tuple(tr(c.header) for c in columns), frame)


# ---------- the tables ----------

EVENT_COLUMNS = (Column('event', msgid('Event'), TEXT), Column('date', msgid('Date'), DATE),
                 Column('venue', msgid('Venue'), TEXT), Column('rooms', msgid('Rooms'), INT),
                 Column('participants', msgid('Participants'), INT), Column('on_paper', msgid('On paper'), INT))


def event_table(read: EventRead, tr: Translator) -> Table:
    day = pd.Timestamp(read.setup.date) if read.setup.date else None
    row = (read.setup.name, day, read.setup.venue, len(read.rooms), sum(r.participants for r in read.rooms),
           sum(r.paper_participants for r in read.rooms))
    return table('event', msgid('Event'), EVENT_COLUMNS, [row], tr)


ROOM_COLUMNS = (
    Column('room', msgid('Room'), TEXT), Column('facilitator', msgid('Facilitator'), TEXT),
    Column('phase', msgid('Phase'), TEXT), Column('participants', msgid('Participants'), INT),
    Column('on_paper', msgid('On paper'), INT), Column('issues', msgid('Issues'), INT),
    Column('dots', msgid('Dots'), INT), Column('themes', msgid('Themes'), INT),
    Column('solutions', msgid('Solutions'), INT), Column('endorsements', msgid('Endorsements'), INT))


def rooms_table(read: EventRead, tr: Translator) -> Table:
    facilitators = {r.id: r.facilitator_name for r in read.setup.rooms}
    rows = []
    for room in read.rooms:
        cards = shown_cards(room)
        solutions = [s for s in room.solutions if not s.hidden]
        rows.append((room.name, facilitators.get(room.id), tr(room.current.title), room.participants,
                     room.paper_participants, len(cards), sum(c.votes for c in cards), len(room.themes),
                     len(solutions), sum(s.endorsements for s in solutions)))
    return table('rooms', msgid('Rooms'), ROOM_COLUMNS, rows, tr)


ISSUE_COLUMNS = (
    Column('number', msgid('No.'), INT), Column('room', msgid('Room'), TEXT), Column('issue', msgid('Issue'), TEXT),
    Column('theme', msgid('Theme'), TEXT), Column('dots', msgid('Dots'), INT),
    Column('merged', msgid('Duplicates merged in'), INT), Column('paper', msgid('From paper'), BOOL))


def issues_table(read: EventRead, tr: Translator) -> Table:
    rows = []
    for room in read.rooms:
        names = {t.id: t.name for t in room.themes}
        for card in shown_cards(room):
            rows.append((len(rows) + 1, room.name, card.text, names.get(card.theme_id), card.votes,
                         card.merged_count, card.paper))
    return table('issues', msgid('Issues'), ISSUE_COLUMNS, rows, tr)


THEME_COLUMNS = (
    Column('room', msgid('Room'), TEXT), Column('theme', msgid('Theme'), TEXT), Column('rank', msgid('Rank'), INT),
    Column('dots', msgid('Dots'), INT), Column('issues', msgid('Issues'), INT),
    Column('top', msgid('Top theme'), BOOL), Column('solutions', msgid('Solutions'), INT))


def theme_rows(room: RoomView) -> list[tuple[Any, ...]]:
    """(theme, rank, dots, issues, top, solutions) of each theme: ranked or top ones first, then by dots."""
    cards = shown_cards(room)
    order = {theme_id: i for i, theme_id in enumerate(room.top_themes_ids)}
    rows = []
    for theme in room.themes:
        mine = [c for c in cards if c.theme_id == theme.id]
        solutions = sum(1 for s in room.solutions if s.theme_id == theme.id and not s.hidden)
        rows.append((theme, theme.rank, sum(c.votes for c in mine), len(mine), theme.id in order, solutions))
    return sorted(rows, key=lambda r: (order.get(r[0].id, len(order)), -r[2], r[0].id))


def themes_table(read: EventRead, tr: Translator) -> Table:
    rows = [(room.name, theme.name, rank, dots, issues, top, solutions)
            for room in read.rooms for theme, rank, dots, issues, top, solutions in theme_rows(room)]
    return table('themes', msgid('Themes'), THEME_COLUMNS, rows, tr)


PRIORITY_COLUMNS = (
    Column('rank', msgid('Rank'), INT), Column('priority', msgid('Priority'), TEXT),
    Column('room', msgid('Room'), TEXT), Column('dots', msgid('Dots'), INT), Column('issues', msgid('Issues'), INT),
    Column('solutions', msgid('Solutions'), INT), Column('endorsements', msgid('Endorsements'), INT))


def priorities_table(read: EventRead, tr: Translator) -> Table:
    """Each room's top themes, most dots first across the event (what the action plan starts from)."""
    found = []
    for room in read.rooms:
        for theme, _rank, dots, issues, top, solutions in theme_rows(room):
            if top:
                endorsed = sum(s.endorsements for s in room.solutions if s.theme_id == theme.id and not s.hidden)
                found.append((theme.name, room.name, dots, issues, solutions, endorsed))
    found.sort(key=lambda r: -r[2])  # stable: rooms in order, each room's own order, for equal dots
    return table('priorities', msgid('Priorities'), PRIORITY_COLUMNS,
                 [(i + 1, *row) for i, row in enumerate(found)], tr)


SOLUTION_COLUMNS = (
    Column('room', msgid('Room'), TEXT), Column('theme', msgid('Theme'), TEXT),
    Column('solution', msgid('Solution'), TEXT), Column('endorsements', msgid('Endorsements'), INT),
    Column('paper', msgid('From paper'), BOOL))


def solutions_table(read: EventRead, tr: Translator) -> Table:
    rows = []
    for room in read.rooms:
        names = {t.id: t.name for t in room.themes}
        shown = sorted((s for s in room.solutions if not s.hidden), key=lambda s: (s.theme_id, -s.endorsements, s.id))
        rows += [(room.name, names.get(s.theme_id), s.text, s.endorsements, s.paper) for s in shown]
    return table('solutions', msgid('Solutions'), SOLUTION_COLUMNS, rows, tr)


MODERATION_COLUMNS = (
    Column('room', msgid('Room'), TEXT), Column('hidden_issues', msgid('Hidden issues'), INT),
    Column('merged', msgid('Duplicates merged'), INT), Column('never_approved', msgid('Never approved'), INT),
    Column('hidden_solutions', msgid('Hidden solutions'), INT))


def moderation_table(read: EventRead, tr: Translator) -> Table:
    """Per room, how many cards were hidden, merged or never approved: counts only, never whose or which."""
    rows = [(room.name, sum(c.hidden for c in room.cards), sum(c.merged_count for c in room.cards),
             sum(c.pending and not c.hidden for c in room.cards), sum(s.hidden for s in room.solutions))
            for room in read.rooms]
    return table('moderation', msgid('Moderation log'), MODERATION_COLUMNS, rows, tr)


DAY_COLUMNS = (Column('time', msgid('Time'), TIME), Column('room', msgid('Room'), TEXT),
               Column('phase', msgid('Phase'), TEXT))


def day_table(read: EventRead, tr: Translator) -> Table:
    """How the day ran: when each room (or every room at once) went to which phase, to the minute."""
    titles = {p.id: p.title for room in read.rooms for p in room.phases}
    rows = [(to_minute(e.at), e.room_name or tr('Every room'), tr(titles.get(e.detail, e.detail)))
            for e in sorted(read.log, key=lambda e: (e.at, e.id))
            if e.action in PHASE_ACTIONS and e.detail in titles]
    return table('day', msgid('How the day ran'), DAY_COLUMNS, rows, tr)


PLENARY_COLUMNS = (
    Column('rank', msgid('Rank'), INT), Column('priority', msgid('Priority'), TEXT), Column('dots', msgid('Dots'), INT),
    Column('rooms', msgid('From the rooms'), TEXT), Column('themes', msgid("The rooms' themes"), TEXT))


def plenary_table(read: EventRead, tr: Translator) -> Table | None:
    """The hall's vote on the rooms' top themes, most dots first (none until the plenary is made). Where a card
    came from: its rooms and their themes, one a line (names in different scripts and directions side by side on
    one line read in a confusing order)."""
    if read.plenary is None:
        return None
    cards = sorted(shown_cards(read.plenary), key=lambda c: (-c.votes, c.id))
    rows = [(i + 1, c.text, c.votes, '\n'.join(dict.fromkeys(s.room for s in read.origins.get(c.id, ()))),
             '\n'.join(dict.fromkeys(s.theme for s in read.origins.get(c.id, ())))) for i, c in enumerate(cards)]
    return table('plenary', msgid('Plenary'), PLENARY_COLUMNS, rows, tr)


STAKEHOLDER_COLUMNS = (
    Column('room', msgid('Room'), TEXT), Column('theme', msgid('Theme'), TEXT), Column('group', msgid('Group'), TEXT),
    Column('voters', msgid('Voters'), INT), Column('dots', msgid('Dots'), INT))


def stakeholders_table(read: EventRead, tr: Translator) -> Table:
    """Each theme's dots per group, only where the domain shows them (published, 5+ voters, nothing that gives a
    hidden group away); the hidden groups' dots only together, and paper dots apart, as the domain gives them."""
    rows = []
    for breakdown in read.breakdowns:
        if not breakdown.published:
            continue
        shown = [(i, c) for i, c in enumerate(breakdown.columns) if c.hidden is None]
        for theme in breakdown.themes:
            rows += [(breakdown.room_name, theme.text, tr(c.label), c.voters, theme.dots[i]) for i, c in shown]
            if theme.hidden_dots is not None:
                rows.append((breakdown.room_name, theme.text, tr('Smaller groups, together'), None, theme.hidden_dots))
            if theme.paper:
                rows.append((breakdown.room_name, theme.text, tr('On paper'), None, theme.paper))
    return table('stakeholders', msgid('Stakeholder breakdown'), STAKEHOLDER_COLUMNS, rows, tr)


ACTION_COLUMNS = (
    Column('number', msgid('No.'), INT), Column('priority', msgid('Priority'), TEXT),
    Column('room', msgid('Room'), TEXT), Column('action', msgid('Action'), TEXT),
    Column('endorsements', msgid('Endorsements'), INT), Column('lead', msgid('Lead'), TEXT),
    Column('partners', msgid('Partners'), TEXT), Column('responsible', msgid('Responsible'), TEXT),
    Column('first_steps', msgid('First steps'), TEXT), Column('start', msgid('Start date'), DATE),
    Column('due', msgid('Due date'), DATE), Column('resources', msgid('Resources needed'), TEXT),
    Column('success_measure', msgid('Measure of success'), TEXT), Column('status', msgid('Status'), TEXT),
    Column('notes', msgid('Notes'), TEXT))


def _day(day: dt.date | None) -> pd.Timestamp | None:
    return pd.Timestamp(day) if day else None


def action_plan_table(read: EventRead, tr: Translator) -> Table | None:
    """The action plan as the domain orders it (the plenary's priorities first), one row per action; the
    endorsements of the solution an action started from (none for one typed fresh). None while it is empty."""
    if read.plan is None or not any(p.items for p in read.plan.priorities):
        return None
    rows = []
    for priority in read.plan.priorities:
        endorsed = {s.id: s.endorsements for s in priority.solutions}
        for item in priority.items:
            rows.append((len(rows) + 1, priority.name, priority.room_name, item.text, endorsed.get(item.solution_id),
                         item.lead, item.partners,
                         tr(action_plan.RESPONSIBLE[item.responsible]) if item.responsible else None,
                         item.first_steps, _day(item.start), _day(item.due), item.resources, item.success_measure,
                         tr(action_plan.STATUSES[item.status]), item.notes))
    return table('action_plan', msgid('Action plan'), ACTION_COLUMNS, rows, tr)


COUNCIL_COLUMNS = (
    Column('name', msgid('Name'), TEXT), Column('contact', msgid('Contact'), TEXT),
    Column('affiliation', msgid('Group or organization'), TEXT), Column('why', msgid('Why they would take part'), TEXT))


def council_table(read: EventRead, tr: Translator) -> Table | None:
    """The council's volunteers by name: what each wrote, never their entry's key. The domain stores an entry
    only with its person's consent (or when an organizer adds someone who volunteered in person). None while
    nobody has volunteered."""
    if not read.council:
        return None
    rows = [(v.name, v.contact, v.affiliation, v.why) for v in read.council]
    return table('council', msgid('Council volunteers'), COUNCIL_COLUMNS, rows, tr)


# the sheets, in order; a sheet whose part of the day has not happened yet (no plenary, an empty action plan,
# no volunteer) is left out
SHEETS: tuple[Callable[[EventRead, Translator], Table | None], ...] = (
    event_table, rooms_table, priorities_table, plenary_table, action_plan_table, council_table, issues_table,
    themes_table, solutions_table, stakeholders_table, moderation_table, day_table)


def build(read: EventRead, tr: Translator) -> ExportTables:
    """Every table of the export, in the reader's language."""
    tables = {t.key: t for t in (sheet(read, tr) for sheet in SHEETS) if t is not None}
    names = {r.id: r.facilitator_name for r in read.setup.rooms}
    return ExportTables(
        tr.locale, read.setup.name, read.setup.date, read.setup.venue, tuple(r.name for r in read.rooms),
        tuple(dict.fromkeys(n for r in read.rooms if (n := names.get(r.id)))),
        sum(r.participants for r in read.rooms), sum(r.paper_participants for r in read.rooms), tables)
