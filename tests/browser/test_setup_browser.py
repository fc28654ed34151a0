"""The organizer's set-up page in real Chromium on a 1366x768 laptop, and the posters it downloads.

The organizer signs in with the link ``spcp event create`` printed, fills in the event (venue, date,
Wi-Fi, four languages) and the rooms' facilitators, and downloads the posters: the PDF Chromium
saves is rendered with pdftoppm and every QR on it decoded with zbarimg. The page has no sideways
scroll. The screenshot is the README's (``SPCP_UPDATE_SCREENSHOTS=1`` refreshes
docs/screenshots/organizer-setup.png).
"""
from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import CHROMIUM, Server

expect = pytest.importorskip('playwright.sync_api').expect

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f'{CHROMIUM} is not installed')]

LAPTOP = {'width': 1366, 'height': 768}
FACILITATORS = ['Maya Ortiz', 'Sam Lee', 'प्रिया शर्मा']


@pytest.fixture(scope='module')
def server(make_server) -> Server:
    """A server of its own: this test renames rooms and changes the event."""
    return make_server(SPCP_JOINS_PER_ADDRESS='0', SPCP_PAGE_LOADS_PER_ADDRESS='')


def field(page, label: str):
    return page.get_by_label(label, exact=True)


def test_set_up_an_event_and_download_its_posters(browser, server, shoot, tmp_path) -> None:
    tools = [shutil.which(name) for name in ('pdftoppm', 'zbarimg')]
    if None in tools:
        pytest.skip('pdftoppm and zbarimg are needed (apt-get install poppler-utils zbar-tools)')
    context = browser.new_context(viewport=LAPTOP, device_scale_factor=1, accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(server.event['organizer_url'])  # signs in, then the dashboard
        page.goto(f'{server.base_url}/organize/{server.event["event_id"]}/setup')
        fill_in(page)
        assert page.evaluate('document.scrollingElement.scrollWidth <= window.innerWidth'), 'sideways scroll'
        shoot(page, 'organizer-setup.png')
        with page.expect_download() as downloading:
            page.get_by_role('button', name='Download posters (PDF)').click()
        pdf = tmp_path / 'posters.pdf'
        downloading.value.save_as(pdf)
        assert downloading.value.suggested_filename == 'spcp-posters-riverside-spcp.pdf'
    finally:
        context.close()
    subprocess.run([tools[0], '-r', '72', '-png', str(pdf), str(tmp_path / 'page')], check=True, timeout=60)
    pages = sorted(tmp_path.glob('page-*.png'))
    decoded = [sorted(subprocess.run([tools[1], '--raw', '-q', str(p)], capture_output=True, text=True,
                                     timeout=30).stdout.split()) for p in pages]
    rooms = server.rooms
    assert decoded == [[room['join_url']] for room in rooms] + [
        sorted([room['facilitator_url'], room['remote_url']]) for room in rooms]


def fill_in(page) -> None:
    """The event's details, saved; each room's facilitator, saved row by row."""
    field(page, 'Venue').fill('Riverside Library, Hall B')
    field(page, 'Date').fill('2025-05-12')
    for language in ('Español', 'हिन्दी', 'العربية'):
        page.get_by_role('checkbox', name=language).click()
    field(page, 'Wi-Fi name').fill('Library-Guest')
    field(page, 'Wi-Fi password').fill('trust2025')
    page.get_by_role('button', name='Save the event').click()
    expect(page.get_by_text('Saved.').first).to_be_visible()
    for row, name in zip(page.locator('.setup-row:not(.setup-row-head):not(.setup-row-add)').all(), FACILITATORS,
                         strict=True):
        row.get_by_label('Facilitator', exact=True).fill(name)
        row.get_by_label('Expected people', exact=True).fill('12')
        row.get_by_role('button', name='Save').click()
    page.get_by_label('Room name', exact=True).last.fill('Youth room')  # the add row: typed, not added
    expect(page.locator('.q-notification')).to_have_count(0, timeout=8_000)  # the 'Saved.' messages are gone

