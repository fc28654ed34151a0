"""Printable posters (spcp.posters): rendered with poppler, every QR decoded with zbar, the text read back."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from spcp.domain.setup import EventSetup, PhaseMinutes, RoomSetup
from spcp.posters import PosterRoom, PosterView, poster_view, render

BASE = 'http://192.168.4.1:8080'
PROJECT_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT_ROOT / 'test-artifacts'    # git-ignored
SCREENSHOTS = PROJECT_ROOT / 'docs' / 'screenshots'
TOOLS = {'pdftoppm': 'poppler-utils', 'pdftotext': 'poppler-utils', 'zbarimg': 'zbar-tools'}


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f'{name} is not installed (apt-get install {TOOLS[name]})')
    return found


def pages_of(pdf: bytes, folder: Path, dpi: int = 72) -> list[Path]:
    """The PDF as one PNG per page, as a printer would see it."""
    path = folder / 'posters.pdf'
    path.write_bytes(pdf)
    subprocess.run([tool('pdftoppm'), '-r', str(dpi), '-png', str(path), str(folder / 'page')], check=True, timeout=60)
    return sorted(folder.glob('page-*.png'))


def qr_codes(png: Path) -> list[str]:
    """Every QR code zbar finds on the page (its text)."""
    result = subprocess.run([tool('zbarimg'), '--raw', '-q', str(png)], capture_output=True, text=True, timeout=30)
    return sorted(result.stdout.split())


def text_of(pdf: bytes, folder: Path, page: int) -> str:
    """The page's text as poppler reads it back, wrapped lines joined by one space."""
    path = folder / 'text.pdf'
    path.write_bytes(pdf)
    result = subprocess.run([tool('pdftotext'), '-f', str(page), '-l', str(page), str(path), '-'],
                            capture_output=True, text=True, check=True, timeout=30)
    return ' '.join(result.stdout.split())


def room(name: str, code: str, key: str, facilitator: str | None = None) -> PosterRoom:
    return PosterRoom(name, f'{code[:3]}-{code[3:]}', f'{BASE}/r/{code}', f'{BASE}/board/{code}?key={key}',
                      f'{BASE}/remote/{code}?key={key}', facilitator)


VIEW = PosterView('Riverside SPCP', dt.date(2025, 5, 12), 'Riverside Library, Hall B', ('en', 'es', 'hi', 'ar'),
                  'Library-Guest', 'trust2025', BASE,
                  (room('Youth & Families', 'KMR472', 'key-one-abcdefghijkl', 'Maya Ortiz'),
                   room('कमरा दो', 'PTX385', 'key-two-abcdefghijkl')))


@pytest.fixture(scope='module')
def rendered(tmp_path_factory) -> tuple[bytes, list[Path], Path]:
    """The posters of VIEW; the first page is kept as test-artifacts/poster.png (and, with
    SPCP_UPDATE_SCREENSHOTS=1, as the README's docs/screenshots/poster.png)."""
    folder = tmp_path_factory.mktemp('posters')
    pdf = render(VIEW)
    pages = pages_of(pdf, folder)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(pages[0], ARTIFACTS / 'poster.png')
    if os.environ.get('SPCP_UPDATE_SCREENSHOTS') == '1':
        shutil.copyfile(pages[0], SCREENSHOTS / 'poster.png')
    return pdf, pages, folder


def test_one_poster_then_one_facilitator_sheet_per_room(rendered):
    pdf, pages, _ = rendered
    assert pdf.startswith(b'%PDF-')
    assert len(pages) == 4


def test_every_qr_decodes_to_its_rooms_link(rendered):
    _, pages, _ = rendered
    assert [qr_codes(page) for page in pages] == [
        [f'{BASE}/r/KMR472'],
        [f'{BASE}/r/PTX385'],
        [f'{BASE}/board/KMR472?key=key-one-abcdefghijkl', f'{BASE}/remote/KMR472?key=key-one-abcdefghijkl'],
        [f'{BASE}/board/PTX385?key=key-two-abcdefghijkl', f'{BASE}/remote/PTX385?key=key-two-abcdefghijkl'],
    ]


def test_a_poster_says_it_in_every_language_of_the_event(rendered):
    pdf, _, folder = rendered
    text = text_of(pdf, folder, 1)
    for line in ('Youth & Families', 'KMR-472', BASE, 'Riverside SPCP · May 12, 2025 · Riverside Library, Hall B',
                 'Scan the code with your phone camera to join this room.',
                 f'Or open {BASE} and type the code KMR-472.',
                 'Wi-Fi: Library-Guest · Password: trust2025',
                 'If the page does not open, turn off mobile data.',
                 'Si la página no se abre, desactive los datos móviles.',
                 'Red Wi-Fi: Library-Guest · Contraseña: trust2025',
                 'अगर पेज न खुले, तो मोबाइल डेटा बंद करें।'):
        assert line in text, f'{line!r} not on the poster:\n{text}'
    # poppler reads shaped Arabic back glyph by glyph, with spaces between some: compare the letters
    letters = ''.join(ch for ch in text if '\u0621' <= ch <= '\u064a')
    assert ''.join(ch for ch in 'امسح الرمز بكاميرا هاتفك للانضمام إلى هذه الغرفة' if ch != ' ') in letters
    assert 'कमरा दो' in text_of(pdf, folder, 2)


def test_a_facilitator_sheet_names_the_room_its_facilitator_and_keeps_the_links_secret(rendered):
    pdf, _, folder = rendered
    text = text_of(pdf, folder, 3)
    for line in ('Facilitator sheet', 'Youth & Families', 'Facilitator: Maya Ortiz', 'Board', 'Remote',
                 f'Participants join at {BASE} with the code KMR-472.',
                 'These links sign you in as the facilitator of this room. Keep this sheet to yourself.'):
        assert line in text, f'{line!r} not on the sheet:\n{text}'
    assert 'Facilitator:' not in text_of(pdf, folder, 4)  # no name given: no empty line for it


def test_an_event_in_one_language_without_wifi_prints_only_that(tmp_path):
    view = PosterView('Eastside', None, None, ('es',), None, None, BASE, (room('Sala 1', 'ACD234', 'k-1234567890'),))
    pdf = render(view)
    pages = pages_of(pdf, tmp_path)
    assert len(pages) == 2
    assert qr_codes(pages[0]) == [f'{BASE}/r/ACD234']
    text = text_of(pdf, tmp_path, 1)
    assert 'Escanee el código con la cámara de su teléfono para unirse a esta sala.' in text
    assert 'Wi-Fi' not in text and 'Scan the code' not in text
    assert 'Hoja del facilitador' in text_of(pdf, tmp_path, 2)  # the sheet speaks the event's first language


def test_poster_view_builds_the_links_from_the_set_up():
    rooms = (RoomSetup(7, 'North', 'KMR472', 'Ana', 15, 0, 3, False, True),
             RoomSetup(9, 'South', 'PTX385', None, None, 2, 3, False, False))
    event = EventSetup(1, 'Riverside', dt.date(2025, 5, 12), 'Library', ('en', 'ar'), 'Guest', None, 3,
                       (PhaseMinutes('welcome', 'Welcome', 10),), rooms)
    view = poster_view(event, {7: 'k7', 9: 'k9'}, BASE + '/')
    assert view.address == BASE and view.languages == ('en', 'ar') and view.wifi_password is None
    assert view.rooms == (
        PosterRoom('North', 'KMR-472', f'{BASE}/r/KMR472', f'{BASE}/board/KMR472?key=k7',
                   f'{BASE}/remote/KMR472?key=k7', 'Ana'),
        PosterRoom('South', 'PTX-385', f'{BASE}/r/PTX385', f'{BASE}/board/PTX385?key=k9',
                   f'{BASE}/remote/PTX385?key=k9', None))
