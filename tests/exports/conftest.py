"""A whole SPCP day run through the domain, once per test session, for the export tests.

Three rooms (English, Spanish, Hindi and Arabic cards, emoji, and texts that look like spreadsheet
formulas), participants with stakeholder groups, votes, a hidden card, merged duplicates, a card
never approved, themes, solutions with endorsements (one hidden), people on paper, and the phase
changes written to the audit log as the seam writes them; then the plenary, an action plan (a priority made
from a theme's solutions with every field filled in, one with none, an action typed fresh; three statuses) and
council volunteers (from a phone with consent, one refused without it, one added by the organizer), their text
fields holding formula-like text too. Tests that change the data copy the file.
"""
from __future__ import annotations

import datetime as dt
import itertools
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from spcp.db import make_engine
from spcp.domain import access, action_plan, audit, cards, council, plenary, rooms, solutions, themes, voting
from spcp.domain.access import Actor
from spcp.domain.council import VolunteerDetails
from spcp.domain.errors import DomainError
from spcp.domain.setup import EventDetails, RoomDetails, create_event
from spcp.plan import load_plan

EVENT_NAME = 'Riverside SPCP — día 1 🤝'
VENUE = 'Centro Comunitario Ñuñoa'
DATE = dt.date(2025, 5, 12)
HIDDEN_TEXT = 'This card is abusive and was hidden'
HIDDEN_SOLUTION = 'A hidden solution nobody may read'
PENDING_TEXT = 'Waiting for review, never approved'
MERGED_AWAY = 'More foot patrols please (duplicate)'
# cards per room: the first words of each are unique, the tests find them by text
ROOM_CARDS = {
    'Room A — Safety': ['More foot patrols in the evening 🚶', 'Officers should learn our names', '=1+1',
                        '+cmd|\' /C calc\'!A0', HIDDEN_TEXT, MERGED_AWAY, 'More foot patrols please'],
    'Sala B — Jóvenes': ['Más diálogo con los jóvenes del barrio', 'Que la policía venga a las escuelas 🏫',
                         '-2', '@SUM(A1)', '=HYPERLINK("http://x.example","click")'],
    'कक्ष स — विश्वास': ['पुलिस और समुदाय के बीच विश्वास की कमी', 'शिकायत दर्ज करना मुश्किल है',
                        'الثقة بين الشرطة والمجتمع ضعيفة', 'نحتاج إلى مترجمين في مركز الشرطة 🤝'],
}
GROUPS = ['community', 'law_enforcement', 'youth', 'faith', 'business', None]
# the first action's every field (formula-like openings included: they must stay text in every format)
FULL_ITEM = {'lead': '=HYPERLINK("http://x.example","Lieutenant Ruiz")', 'partners': '+Faith council, youth centre',
             'responsible': 'both', 'first_steps': '@Ana books the library\nInvite the precinct captain',
             'start_date': '2025-06-01', 'due_date': '2025-12-15',
             'resources': 'A room, tea, 2 interpreters (हिन्दी, عربي)',
             'success_measure': '-20% complaints; 40 people a meeting', 'status': 'on_track',
             'notes': 'Primera reunión confirmada 🎉'}
FRESH_ACTION = 'Translate the complaint form into Hindi and Arabic'
VOLUNTEERS = [VolunteerDetails('Ana María Gómez', '+1 555 0100', '@Riverside Youth', 'Quiero ayudar a los jóvenes'),
              VolunteerDetails('राजेश कुमार', 'rajesh@example.org', None, 'समुदाय और पुलिस के बीच पुल बनाना'),
              VolunteerDetails('=Officer Lee', 'lee@example.org', 'Riverside PD', None)]
REFUSED_VOLUNTEER = 'Nobody Consented'


@dataclass(frozen=True)
class Day:
    path: Path            # the SQLite file (a template: copy it before changing anything)
    event_id: int
    organizer_key: str


def new_key() -> str:
    return uuid.uuid4().hex


def _phase(session: Session, fac: Actor, room_id: int, phase: str) -> None:
    """Move a room as the seam does: the change, then its audit entry."""
    changes = rooms.set_phase(session, fac, room_id, phase)
    audit.record(session, fac, 'rooms.set_phase', {'room_id': room_id, 'phase': phase}, changes)


def _run_room(session: Session, code: str, key: str, texts: list[str], devices: Iterator[int], paper: bool
              ) -> list[Actor]:
    fac = access.facilitator(session, code, key)
    room_id = fac.room_id
    people = [rooms.join(session, code, f'device-{next(devices):04d}')[0] for _ in range(6)]
    for person, group in zip(people, GROUPS, strict=True):
        if group:
            rooms.choose_group(session, person, room_id, group)
    _phase(session, fac, room_id, 'issues')
    ids = {text: cards.submit(session, people[i % len(people)], room_id, text, new_key())[0].id
           for i, text in enumerate(texts)}
    if paper:
        rooms.set_paper_participants(session, fac, room_id, 2)
        ids['Paper: streetlights are broken'] = cards.submit_paper(session, fac, room_id,
                                                                   'Paper: streetlights are broken')[0].id
    _phase(session, fac, room_id, 'vote')
    order = list(ids.values())
    for i, person in enumerate(people):  # three dots each on three cards, spread so totals differ
        for step in (0, 1, 3):
            voting.add_dot(session, person, room_id, order[(i + step) % len(order)], new_key())
    if paper:
        voting.set_paper_dots(session, fac, room_id, ids['Paper: streetlights are broken'], 2)
    if HIDDEN_TEXT in ids:
        cards.set_hidden(session, fac, room_id, ids[HIDDEN_TEXT], True)
    if MERGED_AWAY in ids:
        cards.merge(session, fac, room_id, ids['More foot patrols please'], [ids[MERGED_AWAY]])
    rooms.reveal_votes(session, fac, room_id, True)
    _phase(session, fac, room_id, 'themes')
    shown = [i for t, i in ids.items() if t not in (HIDDEN_TEXT, MERGED_AWAY)]
    first, _ = themes.group(session, fac, room_id, shown[:2], name=f'Trust {room_id} 🤝')
    themes.group(session, fac, room_id, shown[2:4], name='=Formula theme' if room_id % 2 else 'विश्वास और संवाद')
    themes.rank(session, fac, room_id)
    _phase(session, fac, room_id, 'solutions')
    proposed = [solutions.propose(session, people[i], room_id, first, text, new_key())[0]
                for i, text in enumerate(['Monthly open meetings at the library', 'Un oficial de enlace juvenil',
                                          'हर महीने खुली बैठक', HIDDEN_SOLUTION])]
    for i, person in enumerate(people):
        for author, solution_id in enumerate(proposed[: 1 + i % 3]):
            if author != i:  # nobody endorses their own
                solutions.endorse(session, person, room_id, solution_id, True)
    solutions.set_hidden(session, fac, room_id, proposed[-1], True)
    if paper:
        rooms.set_review(session, fac, room_id, True)
        _phase(session, fac, room_id, 'issues')
        cards.submit(session, people[0], room_id, PENDING_TEXT, new_key())
    _phase(session, fac, room_id, 'wrapup')
    return people


def _plan_and_council(session: Session, owner: Actor, event_id: int, phones: list[Actor]) -> None:
    """The organizer builds the plan from the day's suggestions; people volunteer for the council."""
    suggestions = action_plan.action_plan(session, owner, event_id).suggestions
    with_solutions = next(s for s in suggestions if s.solutions)
    without = next(s for s in suggestions if not s.solutions and s.room_id != with_solutions.room_id)
    first, *others = action_plan.add_priority(session, owner, event_id, with_solutions.theme_id)[0]
    for field, value in FULL_ITEM.items():
        action_plan.edit_item(session, owner, event_id, first, field, value)
    action_plan.edit_item(session, owner, event_id, others[0], 'status', 'lagging')
    action_plan.edit_item(session, owner, event_id, others[0], 'due_date', '2025-09-30')
    action_plan.edit_item(session, owner, event_id, others[1], 'status', 'done')
    [alone] = action_plan.add_priority(session, owner, event_id, without.theme_id)[0]
    action_plan.edit_item(session, owner, event_id, alone, 'responsible', 'police')
    action_plan.add_item(session, owner, event_id, without.theme_id, FRESH_ACTION)
    for phone, details in zip(phones, VOLUNTEERS[:2], strict=True):
        council.volunteer(session, phone, phone.room_id, details, True)
    try:
        council.volunteer(session, phones[0], phones[0].room_id, VolunteerDetails(REFUSED_VOLUNTEER, 'x@example.org'),
                          False)
    except DomainError:
        pass  # refused: without consent nothing is stored
    else:
        raise AssertionError('a volunteer without consent was taken')
    council.add_volunteer(session, owner, event_id, VOLUNTEERS[2])


def run_day(path: Path) -> Day:
    engine = make_engine(f'sqlite:///{path}')
    with Session(engine, expire_on_commit=False) as session:
        event = create_event(session, EventDetails(EVENT_NAME, DATE, VENUE, ('en', 'es', 'hi', 'ar')), load_plan(),
                             [RoomDetails(name, f'Facilitator {i + 1}', 8) for i, name in enumerate(ROOM_CARDS)])
        devices = itertools.count(1)
        from spcp.domain.events import rooms_of
        phones = [_run_room(session, room.join_code, room.facilitator_key, texts, devices, paper=i == 0)
                  for i, (room, texts) in enumerate(zip(rooms_of(session, event.id), ROOM_CARDS.values(), strict=True))]
        owner = access.organizer_by_proof(session, event.id, access.fingerprint(event.organizer_key))
        plenary.create(session, owner, event.id)  # every room's top themes, one card each in the plenary
        _plan_and_council(session, owner, event.id, [phones[1][0], phones[2][1]])
        day = Day(path, event.id, event.organizer_key)
    engine.dispose()
    return day


@pytest.fixture(scope='session')
def day(tmp_path_factory) -> Day:
    return run_day(tmp_path_factory.mktemp('day') / 'spcp.sqlite3')


@pytest.fixture
def day_engine(day: Day, tmp_path: Path) -> Iterator[Engine]:
    """The finished day in a file of this test's own."""
    path = tmp_path / 'data' / 'spcp.sqlite3'
    path.parent.mkdir()
    shutil.copyfile(day.path, path)
    engine = make_engine(f'sqlite:///{path}')
    yield engine
    engine.dispose()


@pytest.fixture
def organizer(day: Day) -> Actor:
    return Actor(access.Role.ORGANIZER, day.event_id, proof=access.fingerprint(day.organizer_key))
