"""The audit log: the seam (actions.perform) writes every facilitator and organizer action that was
done, with its role, room, action and time, and nothing of a participant, ever."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from spcp import actions, db, live
from spcp.domain import audit, cards, dashboard, rooms, solutions, themes, voting
from spcp.domain.access import Actor, organizer, rotate_facilitator_key
from spcp.domain.changes import AuditRecorded, AuditView
from spcp.domain.errors import NotAllowed
from spcp.domain.models import AuditEntry

from .test_actions_seam import settings_with


@pytest.fixture
def seam(engine, monkeypatch, tmp_path):
    monkeypatch.setattr(db, '_engine', engine)
    published: list = []
    monkeypatch.setattr(live, 'publish', lambda changes: published.extend(changes))
    actions.configure(settings_with(tmp_path, engine))
    return published


@pytest.fixture
def org(session, event) -> Actor:
    return organizer(session, event.id, event.organizer_key)


def entries(session) -> list[AuditEntry]:
    session.expire_all()
    return list(session.exec(select(AuditEntry).order_by(AuditEntry.id)).all())


def test_a_facilitators_action_is_recorded_and_sent_to_the_organizer(seam, session, event, room, fac):
    before = time.time()
    outcome = actions.perform(fac, rooms.set_phase, room_id=room.id, phase='issues')
    [entry] = entries(session)
    assert (entry.event_id, entry.room_id, entry.role, entry.action, entry.detail) == \
        (event.id, room.id, 'facilitator', 'rooms.set_phase', 'issues')
    recorded = outcome.changes[-1]
    assert recorded == seam[-1] and isinstance(recorded, AuditRecorded)
    assert (recorded.event_id, recorded.room_id) == (event.id, room.id)
    assert recorded.entry == AuditView(entry.id, room.id, room.name, 'facilitator', 'rooms.set_phase', 'issues',
                                       recorded.entry.at)
    assert before - 1 <= recorded.entry.at <= time.time() + 1


def test_switches_say_on_or_off_and_the_organizer_acts_on_all_rooms(seam, session, room, room_b, fac, org, p1):
    actions.perform(fac, rooms.set_phase, room_id=room.id, phase='issues')
    card = actions.perform(p1, cards.submit, room_id=room.id, text='Stops', key='k-1234567').value
    actions.perform(fac, cards.set_hidden, room_id=room.id, card_id=card.id, hidden=True)
    actions.perform(fac, rooms.set_review, room_id=room.id, on=False)   # already off: nothing done, nothing logged
    actions.perform(org, dashboard.move_rooms, phase='vote')
    actions.perform(org, dashboard.move_rooms, phase='themes', room_ids=[room_b.id])
    actions.perform(org, rooms.start_timer, room_id=room_b.id)
    assert [(e.room_id, e.role, e.action, e.detail) for e in entries(session)] == [
        (room.id, 'facilitator', 'rooms.set_phase', 'issues'),
        (room.id, 'facilitator', 'cards.set_hidden', 'on'),
        (room.id, 'facilitator', 'rooms.set_review', 'off'),
        (None, 'organizer', 'dashboard.move_rooms', 'vote'),
        (room_b.id, 'organizer', 'dashboard.move_rooms', 'themes'),
        (room_b.id, 'organizer', 'rooms.start_timer', None)]


def test_a_participants_actions_write_nothing(seam, session, room, fac, p1, p2):
    actions.perform(fac, rooms.set_phase, room_id=room.id, phase='issues')
    logged = len(entries(session))
    card = actions.perform(p1, cards.submit, room_id=room.id, text='Stops', key='k-1234567').value
    actions.perform(p1, rooms.choose_group, room_id=room.id, group='youth')
    with db.session() as s:
        rooms.set_phase(s, fac, room.id, 'vote')  # straight through the domain: not a logged action
    actions.perform(p2, voting.add_dot, room_id=room.id, card_id=card.id, key='k-2345678')
    theme_id = actions.perform(fac, themes.group, room_id=room.id, card_ids=[card.id], name='Trust').value
    with db.session() as s:
        rooms.set_phase(s, fac, room.id, 'solutions')
    actions.perform(p2, solutions.propose, room_id=room.id, theme_id=theme_id, text='Meet monthly', key='k-3456789')
    assert [e.action for e in entries(session)][logged:] == ['themes.group']  # the facilitator's only


def test_no_entry_can_carry_a_participants_identity(seam, session, room, fac, p1):
    columns = {c['name'] for c in inspect(session.get_bind()).get_columns('audit_entry')}
    assert columns == {'id', 'event_id', 'room_id', 'role', 'action', 'detail', 'created_at'}
    assert set(AuditView.__dataclass_fields__) == {'id', 'room_id', 'room_name', 'role', 'action', 'detail', 'at'}
    actions.perform(fac, rooms.set_phase, room_id=room.id, phase='issues')
    card = actions.perform(p1, cards.submit, room_id=room.id, text='My words', key='k-1234567').value
    actions.perform(fac, cards.edit, room_id=room.id, card_id=card.id, text='Edited words')
    actions.perform(fac, cards.set_hidden, room_id=room.id, card_id=card.id, hidden=False)
    for entry in entries(session):
        assert entry.detail in (None, 'issues', 'on', 'off')  # never a text, a card or a participant
        assert entry.role in ('facilitator', 'organizer')


def test_a_key_change_is_logged_though_it_changes_no_room(seam, session, room, fac):
    actions.perform(fac, rotate_facilitator_key, room_id=room.id)
    assert [(e.room_id, e.action) for e in entries(session)] == [(room.id, 'access.rotate_facilitator_key')]


def test_the_organizer_reads_the_log_newest_first(seam, session, event, room, room_b, fac, org, p1):
    actions.perform(fac, rooms.set_phase, room_id=room.id, phase='issues')
    actions.perform(org, dashboard.move_rooms, phase='vote')
    shown = audit.log(session, org, event.id)
    assert [(e.room_name, e.role, e.action, e.detail) for e in shown] == [
        (None, 'organizer', 'dashboard.move_rooms', 'vote'), (room.name, 'facilitator', 'rooms.set_phase', 'issues')]
    assert len(audit.log(session, org, event.id, limit=1)) == 1
    for reader in (fac, p1):
        with pytest.raises(NotAllowed):
            audit.log(session, reader, event.id)


def test_a_log_that_cannot_be_written_does_not_undo_the_action(seam, session, room, fac, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OperationalError('INSERT INTO audit_entry', {}, Exception('database is locked'))
    monkeypatch.setattr(audit, 'record', broken)
    outcome = actions.perform(fac, rooms.set_phase, room_id=room.id, phase='issues')
    assert outcome.done and [type(c).__name__ for c in outcome.changes] == ['PhaseChanged', 'TimerChanged']
    session.expire_all()
    assert session.get(type(room), room.id).phase == 'issues' and entries(session) == []
