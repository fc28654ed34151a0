"""The demo events: three empty breakout rooms to try SPCP Live with (``spcp demo``), and a sample day
that has already run (``spcp demo --finished``), so a new user can look at the board, the dashboard and
every export before their own day. Each is created once and then reused.

The finished day is played from ``demo_day.toml`` through the domain functions, as the people of a
real day would act: the organizer sets the event up, each room's phones join and say their group,
write their cards, spend their dots and propose and endorse solutions; each facilitator hides a card
under the ground rules, merges duplicates, reveals the votes, groups and ranks themes; the organizer
makes the plenary, merges the same subject from several rooms, moves the hall there and closes it,
builds the action plan and adds a council volunteer; phones volunteer at the plenary's Wrap-up. Staff
actions are written to the audit log as the seam writes them, each at its moment of a day laid out
from the plan's phase minutes (the demo runs in seconds; its log reads as the day it stands for).
"""
from __future__ import annotations

import datetime as dt
import itertools
import tomllib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from .domain import access, action_plan, audit, cards, council, phases, plenary, rooms, solutions, themes, voting
from .domain.access import Actor
from .domain.council import VolunteerDetails
from .domain.events import create_event, find_event, format_code, rooms_of
from .domain.models import AuditEntry, Card, Event, Room
from .domain.setup import EventDetails, RoomDetails
from .domain.setup import create_event as set_up_event
from .plan import load_plan

DEMO_EVENT_NAME = 'SPCP Live demo'
DEMO_ROOM_NAMES = (
    'Room A — Neighbourhood safety',
    'Room B — Youth and police',
    'Room C — Communication and trust',
)
FINISHED_DAY = Path(__file__).with_name('demo_day.toml')
ROOM_GAP_MIN = 3   # each room opens a few minutes after the one before


def ensure_demo(session: Session) -> Event:
    """The event named ``SPCP Live demo``: the existing one, or a new one with three rooms."""
    event = find_event(session, DEMO_EVENT_NAME)
    if event is not None:
        return event
    return create_event(session, DEMO_EVENT_NAME, len(DEMO_ROOM_NAMES), load_plan(),
                        room_names=list(DEMO_ROOM_NAMES))


def load_day(path: Path = FINISHED_DAY) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding='utf-8'))


def ensure_finished_demo(session: Session, path: Path = FINISHED_DAY) -> Event:
    """The finished sample day: the existing event of that name, or a new one played through to the end.
    A run that fails half-way leaves nothing behind (its rows are deleted), so the next call starts afresh."""
    day = load_day(path)
    event = find_event(session, day['event']['name'])
    if event is not None:
        return event
    event = set_up_event(session, EventDetails(day['event']['name'], day['event']['date'], day['event']['venue'],
                                               tuple(day['event']['languages'])), load_plan(),
                         [RoomDetails(r['name'], r['facilitator'], len(r['groups']) + r.get('paper_people', 0))
                          for r in day['rooms']])
    try:
        FinishedDay(session, event, day).run()
    except Exception:
        from .exports.archive import delete_event
        session.rollback()
        delete_event(session, access.organizer(session, event.id, event.organizer_key), event.id)
        raise
    return event


def finished_links(session: Session, event: Event, base: str, data_dir: Path) -> str:
    """What ``spcp demo --finished`` prints: the event's links with the plenary's board among them, then how
    to make its exports."""
    from .links import describe_event, facilitator_url, format_event, spcp_command
    *links, warning = format_event(describe_event(session, event, base)).split('\n')
    hall = plenary.plenary_of(session, event.id)
    if hall is not None:
        links += [f'  {hall.name} (code {format_code(hall.join_code)})',
                  f'    Board:  {facilitator_url(base, hall.join_code, hall.facilitator_key)}']
    return '\n'.join([*links, warning,
                      '  This day has run: every room at Wrap-up, the plenary voted, an action plan and a council.',
                      f'  Its exports: {spcp_command()} export {event.id} --format pdf --out report.pdf --data-dir '
                      f'{Path(data_dir).expanduser().resolve()}  (or xlsx, csv, docx, json; also on the organizer '
                      'page)'])


# ---------- the day's clock ----------

@dataclass
class Clock:
    """The moment each staff action is logged at: a phase starts at its room's opening plus the plan's
    minutes of the phases before it, and the actions within it follow a minute apart (never past its end)."""
    day: dt.date
    minutes: dict[str, int]                                  # phase id -> its minutes in the plan
    now: dt.datetime = dt.datetime.min
    end: dt.datetime = dt.datetime.min

    def at(self, hhmm: str, offset_min: int = 0) -> dt.datetime:
        hour, minute = (int(part) for part in hhmm.split(':'))
        return dt.datetime.combine(self.day, dt.time(hour, minute)) + dt.timedelta(minutes=offset_min)

    def open(self, start: dt.datetime, minutes: int) -> None:
        self.now, self.end = start, start + dt.timedelta(minutes=max(1, minutes) - 1)

    def phase(self, opened: dt.datetime, order: tuple[str, ...], phase: str) -> None:
        before = sum(self.minutes.get(p, 0) for p in order[:order.index(phase)])
        self.open(opened + dt.timedelta(minutes=before), self.minutes.get(phase, 0))

    def tick(self) -> dt.datetime:
        moment = self.now
        self.now = min(self.now + dt.timedelta(minutes=1), self.end)
        return moment


# ---------- playing the day ----------

class FinishedDay:
    """Plays ``demo_day.toml`` into a freshly set-up event."""

    def __init__(self, session: Session, event: Event, day: dict[str, Any]) -> None:
        self.session, self.event, self.day = session, event, day
        self.organizer = access.organizer(session, event.id, event.organizer_key)
        self.clock = Clock(day['event']['date'], {p['id']: int(p.get('minutes') or 0)
                                                  for p in event.plan.get('phases', [])})
        self.devices: Iterator[int] = itertools.count(1)
        self.device_of: dict[int, str] = {}        # breakout participant id -> its phone's id
        self.theme_ids: dict[str, int] = {}        # theme name -> id (names are unique in the file)

    def run(self) -> None:
        phones = []
        for i, (room, spec) in enumerate(zip(rooms_of(self.session, self.event.id), self.day['rooms'], strict=True)):
            opened = self.clock.at(self.day['event']['start'], ROOM_GAP_MIN * i)
            phones += RoomDay(self, room, spec, opened).run()
        hall_phones = self.plenary(phones)
        self.plan()
        self.council(hall_phones)

    def staff(self, actor: Actor, action: Callable, **arguments: Any) -> Any:
        """A facilitator's or organizer's action as the seam does it: the domain call, then its audit line
        (at the clock's moment). Returns what the domain function returns besides its changes."""
        result = action(self.session, actor, **arguments)
        value, changes = result if isinstance(result, tuple) else (None, result)
        recorded = audit.record(self.session, actor, audit.action_name(action), arguments, changes)
        if recorded is not None:
            self.session.get(AuditEntry, recorded.entry.id).created_at = self.clock.tick().astimezone(dt.UTC)
            self.session.commit()
        return value

    def plenary(self, phones: list[Actor]) -> list[Actor]:
        """The organizer pulls the rooms' top themes into the plenary, merges the same subjects, moves the hall
        there; everyone spends their dots; the result is revealed and the plenary closes at Wrap-up."""
        spec, org, event_id = self.day['plenary'], self.organizer, self.event.id
        opened, order = self.clock.at(self.day['event']['plenary_start']), phases.order(plenary.PLENARY)
        self.clock.phase(opened, order, phases.WELCOME)
        hall = self.staff(org, plenary.create, event_id=event_id)
        ids = card_ids(self.session, hall.id)
        for keep, *others in spec['merge']:
            self.staff(org, cards.merge, room_id=hall.id, keep_id=ids[keep], other_ids=[ids[o] for o in others])
        self.staff(org, plenary.open_plenary, event_id=event_id)
        there = [plenary.join(self.session, phone, self.device_of[phone.participant_id])[0] for phone in phones]
        self.clock.phase(opened, order, phases.VOTE)
        self.staff(org, rooms.set_phase, room_id=hall.id, phase=phases.VOTE)
        spend_dots(self.session, hall.id, there, [(ids[v['card']], v['dots']) for v in spec['votes']])
        self.staff(org, rooms.reveal_votes, room_id=hall.id, revealed=True)
        self.clock.phase(opened, order, phases.WRAPUP)
        self.staff(org, rooms.set_phase, room_id=hall.id, phase=phases.WRAPUP)
        self.clock.open(self.clock.end + dt.timedelta(minutes=15), 120)  # the organizers' plan, after the hall
        return there

    def plan(self) -> None:
        """The organizers put the plenary's priorities in the plan and fill in who does what, by when."""
        org, event_id = self.organizer, self.event.id
        for priority in self.day['plan']:
            theme_id = self.theme_ids[priority['theme']]
            self.staff(org, action_plan.add_priority, event_id=event_id, theme_id=theme_id)
            made = {i.text: i.id for i in action_plan.priority(self.session, org, event_id, theme_id).items}
            for item in priority['items']:
                item_id = made.get(item['action']) or self.staff(org, action_plan.add_item, event_id=event_id,
                                                                 theme_id=theme_id, text=item['action'])
                for name in action_plan.FIELDS[1:]:
                    if name in item:
                        self.staff(org, action_plan.edit_item, event_id=event_id, item_id=item_id, field=name,
                                   value=item[name])

    def council(self, hall_phones: list[Actor]) -> None:
        """Volunteers sign up from their phones at the plenary's Wrap-up, ticking the consent box; the organizer
        adds the one who volunteered in person."""
        phones = iter(hall_phones[::7])  # a few people from across the hall
        for person in self.day['council']:
            details = VolunteerDetails(person['name'], person['contact'], person.get('affiliation'), person.get('why'))
            if person.get('in_person'):
                self.staff(self.organizer, council.add_volunteer, event_id=self.event.id, details=details)
            else:
                phone = next(phones)
                council.volunteer(self.session, phone, phone.room_id, details, consent=True)


@dataclass
class RoomDay:
    """One breakout room's session, Welcome to Wrap-up."""
    day: FinishedDay
    room: Room
    spec: dict[str, Any]
    opened: dt.datetime

    def run(self) -> list[Actor]:
        self.fac = access.facilitator(self.day.session, self.room.join_code, self.room.facilitator_key)
        self.day.clock.phase(self.opened, phases.order(), phases.WELCOME)
        people = self.welcome()
        self.go(phases.ISSUES)
        ids = self.issues(people)
        self.go(phases.VOTE)
        self.vote(people, ids)
        self.go(phases.THEMES)
        self.group(ids)
        self.go(phases.SOLUTIONS)
        self.solutions(people)
        self.go(phases.WRAPUP)
        return people

    def go(self, phase: str) -> None:
        self.day.clock.phase(self.opened, phases.order(), phase)
        self.staff(rooms.set_phase, phase=phase)

    def staff(self, action: Callable, **arguments: Any) -> Any:
        return self.day.staff(self.fac, action, room_id=self.room.id, **arguments)

    def cards(self) -> list[dict[str, Any]]:
        """Every card the room keeps: its themes' and the loose ones."""
        return [c for theme in self.spec['themes'] for c in theme['cards']] + self.spec.get('loose', [])

    def welcome(self) -> list[Actor]:
        """Phones scan the code; most say which group they come from."""
        people = []
        for group in self.spec['groups']:
            device = f'demo-{next(self.day.devices):03d}-{uuid.uuid4().hex[:8]}'
            phone, _ = rooms.join(self.day.session, self.room.join_code, device)
            self.day.device_of[phone.participant_id] = device
            if group:
                rooms.choose_group(self.day.session, phone, self.room.id, group)
            people.append(phone)
        if self.spec.get('paper_people'):
            self.staff(rooms.set_paper_participants, count=self.spec['paper_people'])
        return people

    def issues(self, people: list[Actor]) -> dict[str, int]:
        """Everyone writes; the facilitator types the paper cards, hides what breaks the ground rules and
        merges duplicates. Returns each shown card's id by its text."""
        session, authors = self.day.session, itertools.cycle(people)

        def write(text: str) -> int:
            return cards.submit(session, next(authors), self.room.id, text, key())[0].id

        ids: dict[str, int] = {}
        for card in self.cards():
            ids[card['text']] = self.staff(cards.submit_paper, text=card['text']).id if card.get('paper') \
                else write(card['text'])
            ids.update({duplicate: write(duplicate) for duplicate in card.get('duplicates', [])})
        for text in self.spec.get('hidden', []):
            self.staff(cards.set_hidden, card_id=write(text), hidden=True)
        for card in self.cards():
            if card.get('duplicates'):
                self.staff(cards.merge, keep_id=ids[card['text']], other_ids=[ids.pop(d) for d in card['duplicates']])
        return ids

    def vote(self, people: list[Actor], ids: dict[str, int]) -> None:
        spend_dots(self.day.session, self.room.id, people, [(ids[c['text']], c['dots']) for c in self.cards()])
        for card in self.cards():
            if card.get('paper_dots'):
                self.staff(voting.set_paper_dots, card_id=ids[card['text']], count=card['paper_dots'])
        self.staff(rooms.reveal_votes, revealed=True)

    def group(self, ids: dict[str, int]) -> None:
        for theme in self.spec['themes']:
            self.day.theme_ids[theme['name']] = self.staff(themes.group, card_ids=[ids[c['text']] for c in
                                                                                   theme['cards']], name=theme['name'])
        self.staff(themes.rank)

    def solutions(self, people: list[Actor]) -> None:
        """Solutions for the top themes, each endorsed by as many others as the file says (never its author)."""
        authors = itertools.cycle(range(len(people)))
        for theme in self.spec['themes']:
            for solution in theme.get('solutions', []):
                author = next(authors)
                solution_id, _ = solutions.propose(self.day.session, people[author], self.room.id,
                                                   self.day.theme_ids[theme['name']], solution['text'], key())
                others = people[author + 1:] + people[:author]   # the next ones round the table first
                if solution['endorsements'] > len(others):
                    raise ValueError(f'demo_day.toml: too many endorsements for {solution["text"]!r}')
                for person in others[:solution['endorsements']]:
                    solutions.endorse(self.day.session, person, self.room.id, solution_id, True)


def key() -> str:
    """A phone's idempotency key for one tap."""
    return uuid.uuid4().hex


def card_ids(session: Session, room_id: int) -> dict[str, int]:
    """A room's cards by their text (the plenary's: one per pulled theme, named as the theme)."""
    return {text: card_id for card_id, text in session.exec(select(Card.id, Card.text).where(Card.room_id == room_id))}


def spend_dots(session: Session, room_id: int, people: list[Actor], wanted: list[tuple[int, int]]) -> None:
    """Give each card its number of dots, one dot per person per card, from whoever has the most dots left
    (most-wanted cards first): that fills any set of totals the room's rules allow."""
    room = session.get(Room, room_id)
    left = {p.participant_id: room.dots_per_participant for p in people}
    by_id = {p.participant_id: p for p in people}
    for card_id, dots in sorted(wanted, key=lambda w: -w[1]):
        voters = sorted(left, key=lambda pid: (-left[pid], pid))[:dots]
        if len(voters) < dots or any(left[v] == 0 for v in voters):
            raise ValueError(f'demo_day.toml: room {room.name!r} has not enough dots for its cards')
        for voter in voters:
            voting.add_dot(session, by_id[voter], room_id, card_id, key())
            left[voter] -= 1
