"""The organizer's exports page (/organize/ID/exports): sign-in, a download per format read back, and
deleting the event's data after typing its name."""
from __future__ import annotations

import io
import json

import openpyxl
from nicegui.testing import User

from spcp import db
from spcp.domain.models import Event


async def sign_in(user: User, event) -> None:
    await user.open(f'/organize/{event.id}?key={event.organizer_key}')
    await user.open(f'/organize/{event.id}/exports')


async def test_the_page_needs_the_organizer_link(user: User, event) -> None:
    await user.open(f'/organize/{event.id}/exports')
    await user.should_see('Sign in with your organizer link.')
    await user.should_not_see('Spreadsheet (Excel)')
    await sign_in(user, event)
    for label in ('Spreadsheet (Excel)', 'Tables (CSV, zipped)', 'Report (Word)', 'Report (PDF)',
                  'Archive (JSON, your own backup)', "Delete this event's data", 'Back to the rooms'):
        await user.should_see(label)


async def test_downloads_are_the_registrys_files(user: User, event) -> None:
    await sign_in(user, event)
    user.find(marker='download-xlsx').click()
    response = await user.download.next(timeout=30)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book['Rooms']['A2'].value == 'Room 1' and book['Event']['A2'].value == 'Test event'
    user.find(marker='download-json').click()
    archive = json.loads((await user.download.next(timeout=30)).content)
    assert archive['event_id'] == event.id and len(archive['tables']['room']['rows']) == 2


async def test_delete_needs_the_name_typed(user: User, event) -> None:
    await sign_in(user, event)
    button = user.find(marker='delete-event').elements.pop()
    assert not button.enabled
    user.find(marker='confirm-name').type('Test even')
    assert not button.enabled
    user.find(marker='confirm-name').type('t')
    assert button.enabled
    user.find(marker='delete-event').click()
    await user.should_see("This event's data was deleted.")
    with db.session() as session:
        assert session.get(Event, event.id) is None
