"""Printable posters: one A4 page per room to put up at its door, then a sheet for each room's facilitator.

Pure: :func:`poster_view` turns the event's set-up and its links into a :class:`PosterView`, and
:func:`render` turns that into PDF bytes. Nothing is read from the network: the fonts are the Noto
files in ``assets/fonts`` (``spcp/fonts.py``: Latin, with Devanagari, Arabic and emoji as fallbacks
for the characters it lacks), shaped with HarfBuzz so Hindi conjuncts and joined Arabic letters print as they should.
The QR codes are drawn as vector squares, sharp at any printer's resolution.

A room's poster speaks every language of the event, one block each; the facilitator sheet is in
the event's first language (it is read by one person, who set the event up with the organizer).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import qrcode
from babel.dates import format_date
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .domain.errors import msgid
from .domain.events import format_code
from .domain.setup import EventSetup
from .fonts import add_fonts, needs_shaping
from .i18n import Translator, translator
from .links import facilitator_url, join_url, remote_url

PAGE_W, MARGIN = 210, 15
WIDTH = PAGE_W - 2 * MARGIN
INK, MUTED, ACCENT = (17, 24, 39), (75, 85, 99), (30, 58, 138)
# by the number of languages on a poster: QR side (mm) and the size of each language's text (pt)
QR_MM = {1: 140, 2: 125, 3: 112, 4: 100}
TEXT_PT = {1: 18, 2: 15, 3: 13, 4: 12}
NASKH_SCALE = 1.12  # Naskh's letters sit smaller than Noto Sans' at the same size

SCAN = msgid('Scan the code with your phone camera to join this room.')
TYPE = msgid('Or open {url} and type the code {code}.')
WIFI = msgid('Wi-Fi: {name}')
WIFI_PASSWORD = msgid('Wi-Fi: {name} · Password: {password}')
MOBILE_DATA = msgid('If the page does not open, turn off mobile data.')
SHEET = msgid('Facilitator sheet')
FACILITATOR = msgid('Facilitator: {name}')
BOARD = msgid('Board')
BOARD_HOW = msgid('Open this link on the laptop that shows the room on the projector.')
REMOTE = msgid('Remote')
REMOTE_HOW = msgid('Scan it with your phone to run the room from your phone.')
JOIN_HOW = msgid('Participants join at {url} with the code {code}.')
SECRET = msgid('These links sign you in as the facilitator of this room. Keep this sheet to yourself.')


@dataclass(frozen=True)
class PosterRoom:
    name: str
    code: str              # as read aloud: KMR-472
    join_url: str
    board_url: str         # the facilitator's sign-in links (they carry the room's key)
    remote_url: str
    facilitator_name: str | None


@dataclass(frozen=True)
class PosterView:
    event_name: str
    date: dt.date | None
    venue: str | None
    languages: tuple[str, ...]
    wifi_name: str | None
    wifi_password: str | None
    address: str           # what a phone types when it cannot scan: the server's address
    rooms: tuple[PosterRoom, ...]


def poster_view(event: EventSetup, keys: dict[int, str], base: str) -> PosterView:
    """The posters of ``event`` for phones reaching the server at ``base`` (``keys``: room id -> facilitator key)."""
    base = base.rstrip('/')
    return PosterView(
        event.name, event.date, event.venue, event.languages, event.wifi_name, event.wifi_password, base,
        tuple(PosterRoom(r.name, format_code(r.code), join_url(base, r.code), facilitator_url(base, r.code, keys[r.id]),
                         remote_url(base, r.code, keys[r.id]), r.facilitator_name) for r in event.rooms))


def render(view: PosterView) -> bytes:
    """The PDF: every room's poster, then every room's facilitator sheet."""
    pdf = _document()
    for room in view.rooms:
        _poster(pdf, view, room)
    for room in view.rooms:
        _facilitator_sheet(pdf, view, room, translator(view.languages[0] if view.languages else 'en'))
    return bytes(pdf.output())


def _document() -> FPDF:
    pdf = FPDF(orientation='portrait', unit='mm', format='A4')
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    add_fonts(pdf)  # Latin first (URLs, codes, digits), Devanagari, Arabic and emoji for what it lacks
    pdf.set_title('SPCP Live posters')
    return pdf


def _line(pdf: FPDF, text: str, size: float, *, bold: bool = False, color: tuple[int, int, int] = INK,
          align: str = 'C', gap: float = 0) -> None:
    """One paragraph across the page (wrapped), then ``gap`` mm of space."""
    pdf.set_font('latin', 'B' if bold else '', size)
    pdf.set_text_color(*color)
    pdf.set_text_shaping(needs_shaping(text))
    pdf.set_x(MARGIN)
    if pdf.get_string_width(text) <= WIDTH - 2 * pdf.c_margin:  # one line: measured once, not glyph by glyph
        pdf.cell(WIDTH, size * 0.45, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        pdf.multi_cell(WIDTH, size * 0.45, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(gap)


def _qr(pdf: FPDF, url: str, x: float, y: float, side: float) -> None:
    """``url`` as a QR code of ``side`` mm at (x, y), drawn as squares (runs of dark modules merged)."""
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    module = side / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, cells in enumerate(matrix):
        col = 0
        while col < len(cells):
            if not cells[col]:
                col += 1
                continue
            start = col
            while col < len(cells) and cells[col]:
                col += 1
            pdf.rect(x + start * module, y + row * module, (col - start) * module, module, style='F')


def _event_line(view: PosterView, tr: Translator) -> str:
    day = format_date(view.date, 'long', locale=tr.locale) if view.date else ''
    return ' · '.join(part for part in (view.event_name, day, view.venue or '') if part)


def _poster(pdf: FPDF, view: PosterView, room: PosterRoom) -> None:
    pdf.add_page()
    count = max(1, min(len(view.languages), 4))
    _line(pdf, _event_line(view, translator(view.languages[0])), 12, color=MUTED, gap=2)
    _line(pdf, room.name, 34, bold=True, color=ACCENT, gap=3)
    side = QR_MM[count]
    _qr(pdf, room.join_url, (PAGE_W - side) / 2, pdf.get_y(), side)
    pdf.set_y(pdf.get_y() + side + 4)
    _line(pdf, room.code, 48, bold=True, gap=1)
    _line(pdf, view.address, 18, bold=True, color=ACCENT, gap=5)
    for locale in view.languages:
        _language_block(pdf, view, room, translator(locale), TEXT_PT[count])


def _language_block(pdf: FPDF, view: PosterView, room: PosterRoom, tr: Translator, size: float) -> None:
    align = 'R' if tr.rtl else 'L'
    size *= NASKH_SCALE if tr.locale == 'ar' else 1
    _line(pdf, tr(SCAN), size, bold=True, align=align)
    _line(pdf, tr(TYPE, url=view.address, code=room.code), size, align=align)
    if view.wifi_name:
        wifi = tr(WIFI_PASSWORD, name=view.wifi_name, password=view.wifi_password) if view.wifi_password \
            else tr(WIFI, name=view.wifi_name)
        _line(pdf, wifi, size, align=align)
    _line(pdf, tr(MOBILE_DATA), size, align=align, gap=size * 0.25)


def _facilitator_sheet(pdf: FPDF, view: PosterView, room: PosterRoom, tr: Translator) -> None:
    pdf.add_page()
    align = 'R' if tr.rtl else 'L'
    _line(pdf, _event_line(view, tr), 12, color=MUTED, align=align, gap=2)
    _line(pdf, tr(SHEET), 16, color=MUTED, align=align)
    _line(pdf, room.name, 30, bold=True, color=ACCENT, align=align, gap=1)
    if room.facilitator_name:
        _line(pdf, tr(FACILITATOR, name=room.facilitator_name), 16, align=align)
    pdf.ln(6)
    _link_block(pdf, tr, room.board_url, 70, tr(BOARD), tr(BOARD_HOW))
    _link_block(pdf, tr, room.remote_url, 50, tr(REMOTE), tr(REMOTE_HOW))
    _line(pdf, tr(JOIN_HOW, url=view.address, code=room.code), 14, align=align, gap=4)
    _line(pdf, tr(SECRET), 12, bold=True, color=MUTED, align=align)


def _link_block(pdf: FPDF, tr: Translator, url: str, side: float, title: str, how: str) -> None:
    """A QR of ``url`` with its title, what to do with it and the link itself (to type if need be) beside it."""
    top = pdf.get_y()
    text_x, text_w = MARGIN + side + 8, WIDTH - side - 8
    _qr(pdf, url, MARGIN, top, side)
    align = 'R' if tr.rtl else 'L'
    pdf.set_xy(text_x, top)
    for text, size, style, color in ((title, 20, 'B', ACCENT), (how, 13, '', INK), (url, 10, '', MUTED)):
        pdf.set_font('latin', style, size)
        pdf.set_text_color(*color)
        pdf.set_text_shaping(needs_shaping(text))
        pdf.set_x(text_x)
        pdf.multi_cell(text_w, size * 0.45, text, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.ln(2)
    pdf.set_y(max(pdf.get_y(), top + side) + 8)
