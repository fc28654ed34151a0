"""The council (spcp/domain/council.py): volunteering from a phone at Wrap-up, stored apart from the
anonymous content and never joinable to it; the organizer's list, edits and deletions."""
from __future__ import annotations

import dataclasses
import json
import sqlite3
from contextlib import closing

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from spcp.domain import council
from spcp.domain.access import organizer
from spcp.domain.council import CouncilChanged, VolunteerDetails
from spcp.domain.errors import DomainError, NotAllowed, NotFound
from spcp.domain.events import create_event
from spcp.domain.models import AuditEntry, CouncilVolunteer, Receipt

from .conftest import said, sqlite_only

ANA = VolunteerDetails(' Ana Ruiz ', ' ana@example.org ', ' Eastside Tenants ', ' I want to help. ')


@pytest.fixture
def org(session, event):
    return organizer(session, event.id, event.organizer_key)


@pytest.fixture
def wrapup(session, room, fac, goto):
    goto(fac, room, 'wrapup')
    return room


def _raw(engine, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(engine.url.database)) as connection:
        return connection.execute(sql).fetchall()


def test_a_participant_volunteers_with_consent_at_wrap_up(session, event, wrapup, p1, org):
    changes = council.volunteer(session, p1, wrapup.id, ANA, consent=True)
    assert changes == [CouncilChanged(None, event.id)]  # no room, nothing else
    assert json.loads(json.dumps(dataclasses.asdict(changes[0]))) == {'room_id': None, 'event_id': event.id}
    [entry] = council.council(session, org, event.id)
    assert (entry.name, entry.contact, entry.affiliation, entry.why) == ('Ana Ruiz', 'ana@example.org',
                                                                         'Eastside Tenants', 'I want to help.')
    assert len(entry.id) == 32 and int(entry.id, 16) >= 0


def test_nothing_is_stored_without_consent_or_outside_wrap_up(session, event, room, fac, p1, goto, org):
    goto(fac, room, 'solutions')
    with pytest.raises(DomainError):
        council.volunteer(session, p1, room.id, ANA, consent=True)
    goto(fac, room, 'wrapup')
    for consent in (False, None, 'yes'):
        with pytest.raises(DomainError) as refused:
            council.volunteer(session, p1, room.id, ANA, consent=consent)
        assert said(refused.value) == council.NO_CONSENT
    for details, why in ((VolunteerDetails(' ', 'x'), 'Please write your name.'),
                         (VolunteerDetails('Ana', ''), 'Please write how the organizers can reach you '
                                                       '(phone or email).'),
                         (VolunteerDetails('Ana\nRuiz', 'x'), 'Please keep it to one line.')):
        with pytest.raises(DomainError) as refused:
            council.volunteer(session, p1, room.id, details, consent=True)
        assert said(refused.value) == why
    assert council.council(session, org, event.id) == ()


def test_only_participants_of_the_room_volunteer_and_only_organizers_read(session, event, wrapup, room_b, p1,
                                                                          fac, join, org, plan):
    with pytest.raises(NotAllowed):  # a participant of another room
        council.volunteer(session, join(room_b), wrapup.id, ANA, consent=True)
    with pytest.raises(NotAllowed):
        council.volunteer(session, fac, wrapup.id, ANA, consent=True)
    for actor in (p1, fac):
        with pytest.raises(NotAllowed):
            council.council(session, actor, event.id)
    other = create_event(session, 'Other', 1, plan)
    council.volunteer(session, p1, wrapup.id, ANA, consent=True)
    stranger = organizer(session, other.id, other.organizer_key)
    assert council.council(session, stranger, other.id) == ()
    [entry] = council.council(session, org, event.id)
    with pytest.raises(NotFound):
        council.delete_volunteer(session, stranger, other.id, entry.id)
    with pytest.raises(NotAllowed):
        council.delete_volunteer(session, stranger, event.id, entry.id)


@sqlite_only  # PRAGMA table_info and rowid; on PostgreSQL a table has no rowid at all
def test_the_table_holds_no_participant_room_or_time_and_no_sign_up_order(session, engine, event, wrapup, join):
    columns = [row[1] for row in _raw(engine, 'PRAGMA table_info(council_volunteer)')]
    assert columns == ['id', 'event_id', 'name', 'contact', 'affiliation', 'why']
    receipts = session.exec(select(func.count()).select_from(Receipt)).one()
    audit = session.exec(select(func.count()).select_from(AuditEntry)).one()
    order = [f'Volunteer {i:02d}' for i in range(30)]
    for name in order:
        council.volunteer(session, join(wrapup), wrapup.id, VolunteerDetails(name, 'phone'), consent=True)
    stored = [row[0] for row in _raw(engine, 'SELECT name FROM council_volunteer')]
    by_key = [row[0] for row in _raw(engine, 'SELECT name FROM council_volunteer ORDER BY id')]
    assert sorted(stored) == order
    assert stored != order and by_key != order  # 1 in 30! that either is the sign-up order by chance
    with pytest.raises(sqlite3.OperationalError):  # WITHOUT ROWID: no hidden counter of insertions
        _raw(engine, 'SELECT rowid FROM council_volunteer')
    # signing up left nothing else behind: no receipt, no audit line
    assert session.exec(select(func.count()).select_from(Receipt)).one() == receipts
    assert session.exec(select(func.count()).select_from(AuditEntry)).one() == audit


def test_the_organizer_adds_edits_and_deletes_entries(session: Session, engine, event, wrapup, p1, org):
    council.volunteer(session, p1, wrapup.id, ANA, consent=True)
    ben, changes = council.add_volunteer(session, org, event.id, VolunteerDetails('ben', '555-0100'))
    assert changes == [CouncilChanged(None, event.id)]
    assert [v.name for v in council.council(session, org, event.id)] == ['Ana Ruiz', 'ben']  # by name
    council.edit_volunteer(session, org, event.id, ben, VolunteerDetails('Ben Ortiz', '555-0100', 'PD', ''))
    entry = next(v for v in council.council(session, org, event.id) if v.id == ben)
    assert (entry.name, entry.affiliation, entry.why) == ('Ben Ortiz', 'PD', None)
    with pytest.raises(DomainError):
        council.edit_volunteer(session, org, event.id, ben, VolunteerDetails('', '555'))
    assert council.delete_volunteer(session, org, event.id, ben) == [CouncilChanged(None, event.id)]
    assert [v.name for v in council.council(session, org, event.id)] == ['Ana Ruiz']
    assert session.get(CouncilVolunteer, ben) is None
    with pytest.raises(NotFound):
        council.delete_volunteer(session, org, event.id, ben)
    with pytest.raises(NotFound):
        council.edit_volunteer(session, org, event.id, 17, ANA)


def test_volunteering_goes_through_the_seam_rate_limited_and_unaudited(engine, monkeypatch, tmp_path, session,
                                                                        event, wrapup, p1):
    from spcp import actions, db, live
    from spcp.settings import DEFAULT_RATES, Settings
    monkeypatch.setattr(db, '_engine', engine)
    published: list = []
    monkeypatch.setattr(live, 'publish', lambda changes: published.extend(changes))
    actions.configure(Settings('127.0.0.1', 8080, tmp_path, str(engine.url), None, joins_per_address=0,
                               rates=dict(DEFAULT_RATES, actions_per_participant='2 per minute')))
    try:
        sent = [actions.perform(p1, council.volunteer, address='10.0.0.7', room_id=wrapup.id, details=ANA,
                                consent=True) for _ in range(3)]
    finally:
        actions.configure(Settings('127.0.0.1', 8080, tmp_path, str(engine.url), None))
    assert [o.done for o in sent] == [True, True, False] and sent[2].retry and sent[2].msgid == actions.TOO_FAST
    assert published == [CouncilChanged(None, event.id)] * 2  # to the event's organizers only; no room, no audit
    assert session.exec(select(func.count()).select_from(AuditEntry)).one() == 0
