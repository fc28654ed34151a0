"""Volunteering for the council from a phone at Wrap-up (components/council_form.py) and the organizers'
list (/organize/ID/council): consent first, stored apart, seen live, edited, deleted on request."""
from __future__ import annotations

import pytest
from nicegui.testing import User
from sqlalchemy import func
from sqlmodel import select

from spcp import db
from spcp.domain import rooms
from spcp.domain.models import AuditEntry, CouncilVolunteer, Receipt
from spcp.pages.components import council_list

from .conftest import facilitate, settle
from .test_no_english_left import english_messages, shown


@pytest.fixture(autouse=True)
def reread_at_once(monkeypatch):
    """No pause between two reads of the list (the pacing is live.Pacer's, tested in tests/test_live.py)."""
    monkeypatch.setattr(council_list, 'REREAD_EVERY_S', 0.0)


def volunteers() -> list[CouncilVolunteer]:
    with db.session() as session:
        return list(session.exec(select(CouncilVolunteer)).all())


def count(model) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


async def phone_at_wrap_up(user: User, event) -> None:
    room = event.rooms[0]
    await user.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'wrapup')
    await settle()
    await user.should_see('Volunteer for the council')


def fill_in(phone: User, **fields: str) -> None:
    for name, text in fields.items():
        phone.find(marker=f'council-{name}').type(text)


async def test_a_phone_volunteers_with_consent_and_the_organizer_sees_it_live(create_user, event) -> None:
    phone, organizer = create_user(), create_user()
    await organizer.open(f'/organize/{event.id}?key={event.organizer_key}')
    await organizer.open(f'/organize/{event.id}/council')
    await organizer.should_see('0 volunteers')
    await phone_at_wrap_up(phone, event)
    await phone.should_not_see(marker='council-name')  # a separate step: the form opens when asked for
    phone.find(marker='council-open').click()
    await phone.should_see('This is not anonymous: only the organizers of this event will see what you write '
                           'here, to contact you about the council. It is kept apart from your issues and votes '
                           'and is never linked to them.')
    fill_in(phone, name='Ana Ruiz')
    facilitate(event.rooms[0], rooms.reveal_votes, True)  # a change that rebuilds the phase: the form stays filled
    await settle()
    with phone:
        assert phone.find(marker='council-name').elements.pop().value == 'Ana Ruiz'
    phone.find(marker='council-consent').click()
    phone.find(marker='council-send').click()  # the contact is missing
    await phone.should_see('Please write how the organizers can reach you (phone or email).')
    assert volunteers() == []
    phone.find(marker='council-consent').click()  # unticked again
    fill_in(phone, contact='ana@example.org', affiliation='Eastside Tenants', why='I live here.')
    with phone:
        send = phone.find(marker='council-send').elements.pop()
        assert not send.enabled  # nothing goes without the consent box
    receipts, audit = count(Receipt), count(AuditEntry)
    phone.find(marker='council-consent').click()
    phone.find(marker='council-send').click()
    await phone.should_see('Thank you. The organizers of this event will contact you about the council.')
    await phone.should_not_see(marker='council-name')
    [stored] = volunteers()
    assert (stored.name, stored.contact, stored.affiliation, stored.why) == ('Ana Ruiz', 'ana@example.org',
                                                                             'Eastside Tenants', 'I live here.')
    assert (count(Receipt), count(AuditEntry)) == (receipts, audit)  # nothing else written about it
    await organizer.should_see('Ana Ruiz')
    await organizer.should_see('1 volunteer')
    facilitate(event.rooms[0], rooms.reveal_votes, False)  # another rebuild: the thanks stay
    await settle()
    await phone.should_see('Thank you. The organizers of this event will contact you about the council.')


async def test_the_organizer_adds_edits_and_deletes_on_request(create_user, event) -> None:
    ana, ben = create_user(), create_user()
    for organizer in (ana, ben):
        await organizer.open(f'/organize/{event.id}?key={event.organizer_key}')
        await organizer.open(f'/organize/{event.id}/council')
    ana.find(marker='council-add').click()
    ana.find(marker='volunteer-name').type('Carla Diaz')
    ana.find(marker='volunteer-contact').type('555-0100')
    ana.find(marker='volunteer-save').click()
    await ben.should_see('Carla Diaz')
    [entry] = volunteers()
    ben.find(marker=f'edit-{entry.id}').click()
    ben.find(marker='volunteer-affiliation').type('Faith council')
    ben.find(marker='volunteer-save').click()
    await ana.should_see('Faith council')
    ana.find(marker=f'delete-{entry.id}').click()
    await ana.should_see('Delete the entry of Carla Diaz?')
    ana.find(marker='cancel').click()
    assert len(volunteers()) == 1
    ana.find(marker=f'delete-{entry.id}').click()
    ana.find(marker='confirm').click()
    await settle()
    assert volunteers() == []
    await ben.should_not_see('Carla Diaz')


async def test_the_council_page_needs_the_organizer_link_and_speaks_spanish(create_user, event) -> None:
    stranger, organizer, phone = create_user(), create_user(), create_user()
    await stranger.open(f'/organize/{event.id}/council')
    await stranger.should_see('Sign in with your organizer link.')
    for user in (organizer, phone):
        user.http_client.headers['Accept-Language'] = 'es'
    await organizer.open(f'/organize/{event.id}?key={event.organizer_key}')
    await organizer.open(f'/organize/{event.id}/council')
    room = event.rooms[0]
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'wrapup')
    await settle()
    phone.find(marker='council-open').click()
    english = english_messages()
    for name, user in (('council page', organizer), ('phone', phone)):
        left = shown(user) & english
        assert left == set(), f'English left on the Spanish {name}: {sorted(left)}'
