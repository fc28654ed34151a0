"""Every export format of a whole day, read back with the tools an organizer's machine has (openpyxl,
pandas, python-docx, pdftotext) and checked against the domain's own views."""
from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Iterator

import openpyxl
import pandas as pd
import pytest
from docx import Document
from sqlmodel import Session

from spcp.db import make_engine
from spcp.domain import views
from spcp.domain.access import Actor
from spcp.exports import registry, tables
from spcp.i18n import translator

from .conftest import EVENT_NAME, HIDDEN_SOLUTION, HIDDEN_TEXT, MERGED_AWAY, PENDING_TEXT, Day

NEVER = (HIDDEN_TEXT, HIDDEN_SOLUTION, PENDING_TEXT, MERGED_AWAY, 'device-0001')


@pytest.fixture(scope='module')
def truth(day: Day) -> Iterator[tuple[dict, dict]]:
    """The domain's views: each shown card's dots and each shown solution's endorsements, by text."""
    from spcp.domain import access
    engine = make_engine(f'sqlite:///{day.path}')
    owner = Actor(access.Role.ORGANIZER, day.event_id, proof=access.fingerprint(day.organizer_key))
    dots, endorsements = {}, {}
    with Session(engine) as session:
        for room in tables.read_event(session, owner, day.event_id).setup.rooms:
            view = views.snapshot(session, owner, room.id)
            dots.update({(view.name, c.text): c.votes for c in view.cards if not c.hidden and not c.pending})
            endorsements.update({(view.name, s.text): s.endorsements for s in view.solutions if not s.hidden})
    engine.dispose()
    yield dots, endorsements


@pytest.fixture(scope='module')
def made(day: Day) -> dict[str, bytes]:
    """Every format, made once through the registry as the command and the page make them."""
    from spcp.domain import access
    engine = make_engine(f'sqlite:///{day.path}')
    owner = Actor(access.Role.ORGANIZER, day.event_id, proof=access.fingerprint(day.organizer_key))
    out = {}
    with Session(engine) as session:
        for fmt in registry.RENDERERS:
            buffer = io.BytesIO()
            registry.export(session, owner, day.event_id, fmt, buffer)
            out[fmt] = buffer.getvalue()
    engine.dispose()
    return out


def test_workbook_numbers_types_and_layout(made, truth) -> None:
    dots, endorsements = truth
    book = openpyxl.load_workbook(io.BytesIO(made['xlsx']))
    assert book.sheetnames == ['Event', 'Rooms', 'Priorities', 'Plenary', 'Issues', 'Themes', 'Solutions',
                               'Stakeholder breakdown', 'Moderation log', 'How the day ran']
    plenary = [[c.value for c in r] for r in book['Plenary'].iter_rows(min_row=2)]
    assert sorted(r[1] for r in plenary) == sorted(r.value for r in book['Priorities']['B'][1:])  # every top theme
    assert all(r[2] == 0 for r in plenary)  # the hall has not voted yet
    groups = {r[2].value for r in book['Stakeholder breakdown'].iter_rows(min_row=2)}
    assert groups == {'Smaller groups, together'}  # one voter per group here: no group's own figure
    issues = book['Issues']
    header = [c.value for c in issues[1]]
    assert header == ['No.', 'Room', 'Issue', 'Theme', 'Dots', 'Duplicates merged in', 'From paper']
    found = {}
    for row in issues.iter_rows(min_row=2):
        assert row[4].data_type == 'n' and isinstance(row[4].value, int)
        assert row[2].data_type == 's'  # '=1+1' too: text, never a formula
        found[(row[1].value, row[2].value)] = row[4].value
    assert found == dots
    solutions = {(r[0].value, r[2].value): r[3].value for r in book['Solutions'].iter_rows(min_row=2)}
    assert solutions == endorsements
    event = book['Event']
    assert event['A2'].value == EVENT_NAME and event['B2'].is_date and event['B2'].value.date().isoformat() == \
        '2025-05-12' and event['B2'].number_format == 'yyyy-mm-dd'
    times = [r[0] for r in book['How the day ran'].iter_rows(min_row=2)]
    assert times and all(c.is_date and c.value.second == 0 for c in times)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == 'A2'
        assert all(sheet.column_dimensions[letter].width >= 8 for letter in 'AB')
        assert all(c.font.b for c in sheet[1])


def test_moderation_counts_without_the_hidden_text(made) -> None:
    book = openpyxl.load_workbook(io.BytesIO(made['xlsx']))
    rows = [[c.value for c in r] for r in book['Moderation log'].iter_rows()]
    assert rows[0] == ['Room', 'Hidden issues', 'Duplicates merged', 'Never approved', 'Hidden solutions']
    assert rows[1][1:] == [1, 1, 1, 1] and rows[2][1:] == [0, 0, 0, 1]
    every = [str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value is not None]
    assert not [text for text in every if any(never in text for never in NEVER)]


def test_csv_zip_holds_the_same_tables(made, truth) -> None:
    dots, _ = truth
    archive = zipfile.ZipFile(io.BytesIO(made['csv']))
    assert archive.namelist() == ['01-event.csv', '02-rooms.csv', '03-priorities.csv', '04-plenary.csv',
                                  '05-issues.csv', '06-themes.csv', '07-solutions.csv', '08-stakeholders.csv',
                                  '09-moderation.csv', '10-day.csv']
    raw = archive.read('05-issues.csv')
    assert raw.startswith(b'\xef\xbb\xbf')  # UTF-8 with BOM: Excel reads Hindi and Arabic
    issues = pd.read_csv(io.BytesIO(raw), encoding='utf-8-sig', dtype={'Issue': str})
    read = {(room, text[1:] if text.startswith("'") and text[1] in '=+-@' else text): n
            for room, text, n in zip(issues['Room'], issues['Issue'], issues['Dots'], strict=True)}
    assert read == dots
    assert "'=1+1" in set(issues['Issue']) and "'-2" in set(issues['Issue'])
    day = pd.read_csv(io.BytesIO(archive.read('10-day.csv')), encoding='utf-8-sig')
    assert day['Time'].str.fullmatch(r'\d{4}-\d\d-\d\d \d\d:\d\d').all()  # to the minute
    every = b''.join(archive.read(name) for name in archive.namelist()).decode('utf-8-sig')
    assert not [never for never in NEVER if never in every]


def test_word_report(made, truth) -> None:
    dots, endorsements = truth
    document = Document(io.BytesIO(made['docx']))
    text = '\n'.join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == EVENT_NAME and 'Monday, May 12, 2025 · Centro Comunitario Ñuñoa' in text
    assert '18 participants · 2 on paper' in text
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    priorities = document.tables[0]  # the plenary's (not voted on yet) comes after it
    assert [c.text for c in priorities.rows[0].cells] == ['Rank', 'Priority', 'Room', 'Dots', 'Solutions',
                                                         'Endorsements']
    by_text = {text: n for (_room, text), n in dots.items()}
    top_issues = [r for r in cells if len(r) == 3 and r[0] in by_text]
    assert len(top_issues) == 14 and all(int(r[2]) == by_text[r[0]] for r in top_issues)  # 5 + 5 + 4
    for wanted in ('पुलिस और समुदाय के बीच विश्वास की कमी', 'الثقة بين الشرطة والمجتمع ضعيفة',
                   'Que la policía venga a las escuelas 🏫', '=HYPERLINK("http://x.example","click")'):
        assert any(wanted in r for r in cells), wanted
    assert ['Monthly open meetings at the library', 'Trust 1 🤝', '5'] in cells
    flat = text + '\n'.join('|'.join(r) for r in cells)
    assert not [never for never in NEVER if never in flat]
    assert len(document.inline_shapes) == 1  # the priorities' chart (the plenary has no dots yet)


def test_pdf_report_text(made, truth) -> None:
    dots, _ = truth
    text = subprocess.run(['pdftotext', '-layout', '-', '-'], input=made['pdf'], capture_output=True,
                          check=True).stdout.decode()
    assert EVENT_NAME in text and 'Monday, May 12, 2025 · Centro Comunitario Ñuñoa' in text
    squeezed = re.sub(r'\s+', '', text)  # pdftotext spaces Devanagari's vowel signs apart
    for wanted in ('पुलिस और समुदाय के बीच विश्वास की कमी', 'الثقة بين الشرطة والمجتمع ضعيفة',
                   'Que la policía venga a las escuelas 🏫', 'More foot patrols in the evening 🚶', '@SUM(A1)'):
        assert re.sub(r'\s+', '', wanted) in squeezed or wanted[::-1].replace(' ', '') in squeezed, wanted
    row = next(line for line in text.splitlines() if 'Paper: streetlights are broken' in line)
    assert row.split()[-1] == str(dots[('Room A — Safety', 'Paper: streetlights are broken')])
    assert not [never for never in NEVER if never in text]
    info = subprocess.run(['pdfinfo', '-isodates', '-'], input=made['pdf'], capture_output=True, check=True).stdout
    created = re.search(rb'CreationDate:\s+(\S+)', info).group(1).decode()
    assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:00(Z|[+-]\d\d:?\d\d)?', created), created


def test_office_files_say_the_minute_and_no_more(made) -> None:
    for fmt in ('xlsx', 'docx'):
        archive = zipfile.ZipFile(io.BytesIO(made[fmt]))
        assert {info.date_time for info in archive.infolist()} == {(2020, 1, 1, 0, 0, 0)}
        core = archive.read('docProps/core.xml').decode()
        stamps = re.findall(r'>(\d{4}-\d\d-\d\dT[\d:]+)Z?<', core)
        assert stamps and all(stamp.endswith(':00') for stamp in stamps), core


def test_headers_in_the_organizers_language(day: Day, organizer) -> None:
    engine = make_engine(f'sqlite:///{day.path}')
    with Session(engine) as session:
        read = tables.read_event(session, organizer, day.event_id)
    engine.dispose()
    spanish = tables.build(read, translator('es'))
    assert spanish['issues'].headers[2] == 'Problema' and spanish['issues'].title == 'Problemas'
    arabic = io.BytesIO()
    registry.RENDERERS['xlsx'].render(tables.build(read, translator('ar')), arabic)
    assert openpyxl.load_workbook(arabic).worksheets[0].sheet_view.rightToLeft is True
