"""Every export format of a whole day, read back with the tools an organizer's machine has (openpyxl,
pandas, python-docx, pdftotext) and checked against the domain's own views."""
from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl
import pandas as pd
import pytest
from docx import Document
from sqlmodel import Session

from spcp.db import make_engine
from spcp.domain import action_plan, council, views
from spcp.domain.access import Actor
from spcp.exports import registry, tables
from spcp.i18n import translator

from .conftest import (
    EVENT_NAME,
    FRESH_ACTION,
    FULL_ITEM,
    HIDDEN_SOLUTION,
    HIDDEN_TEXT,
    MERGED_AWAY,
    PENDING_TEXT,
    REFUSED_VOLUNTEER,
    VOLUNTEERS,
    Day,
)

NEVER = (HIDDEN_TEXT, HIDDEN_SOLUTION, PENDING_TEXT, MERGED_AWAY, 'device-0001', REFUSED_VOLUNTEER)
STATUS = {'not_started': 'Not started', 'on_track': 'On track', 'lagging': 'Lagging', 'done': 'Done'}
WHO = {'police': 'Police', 'community': 'Community', 'both': 'Police and community', None: None}


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


@dataclass(frozen=True)
class PlanRow:
    """One action as every format should show it, from the domain's own views."""
    priority: str
    room: str
    action: str
    endorsements: int | None
    lead: str | None
    partners: str | None
    responsible: str | None
    first_steps: str | None
    start: dt.date | None
    due: dt.date | None
    resources: str | None
    success_measure: str | None
    status: str
    notes: str | None


@pytest.fixture(scope='module')
def plan(day: Day) -> tuple[list[PlanRow], tuple]:
    """The action plan's items (in the plan's order) and the council list, as the organizer's pages read them."""
    from spcp.domain import access
    engine = make_engine(f'sqlite:///{day.path}')
    owner = Actor(access.Role.ORGANIZER, day.event_id, proof=access.fingerprint(day.organizer_key))
    with Session(engine) as session:
        view = action_plan.action_plan(session, owner, day.event_id)
        volunteers = council.council(session, owner, day.event_id)
    engine.dispose()
    rows = []
    for priority in view.priorities:
        endorsed = {s.id: s.endorsements for s in priority.solutions}
        rows += [PlanRow(priority.name, priority.room_name, i.text, endorsed.get(i.solution_id), i.lead, i.partners,
                         WHO[i.responsible], i.first_steps, i.start, i.due, i.resources, i.success_measure,
                         STATUS[i.status], i.notes) for i in priority.items]
    return rows, volunteers


def test_the_day_has_a_plan_and_a_council(plan) -> None:
    """What the other tests check against: two priorities, five actions, every field of the first filled in,
    three statuses, dates; three volunteers (the one refused without consent was never stored)."""
    rows, volunteers = plan
    assert len(rows) == 5 and len({(r.priority, r.room) for r in rows}) == 2
    assert rows[0].lead == FULL_ITEM['lead'] and rows[0].start == dt.date(2025, 6, 1) and rows[0].endorsements == 5
    assert {r.status for r in rows} == {'On track', 'Lagging', 'Done', 'Not started'}
    assert rows[-1].action == FRESH_ACTION and rows[-1].endorsements is None
    assert sorted(v.name for v in volunteers) == sorted(v.name for v in VOLUNTEERS)


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
    assert book.sheetnames == ['Event', 'Rooms', 'Priorities', 'Plenary', 'Action plan', 'Council volunteers',
                               'Issues', 'Themes', 'Solutions', 'Stakeholder breakdown', 'Moderation log',
                               'How the day ran']
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


def test_workbook_action_plan_and_council(made, plan) -> None:
    rows, volunteers = plan
    book = openpyxl.load_workbook(io.BytesIO(made['xlsx']))
    sheet = book['Action plan']
    assert [c.value for c in sheet[1]] == [
        'No.', 'Priority', 'Room', 'Action', 'Endorsements', 'Lead', 'Partners', 'Responsible', 'First steps',
        'Start date', 'Due date', 'Resources needed', 'Measure of success', 'Status', 'Notes']
    found = []
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=1):
        assert row[0].value == number and row[0].data_type == 'n'
        assert all(c.data_type == 's' for c in row[1:4] + row[5:9] + row[11:] if c.value is not None)
        for day in row[9:11]:  # dates as dates, formatted as days
            assert day.value is None or (day.is_date and day.number_format == 'yyyy-mm-dd')
        found.append(PlanRow(*(c.value for c in row[1:9]), *(c.value.date() if c.value else None for c in row[9:11]),
                             *(c.value for c in row[11:])))
    assert found == rows
    assert sheet['F2'].quotePrefix and sheet['G2'].quotePrefix and sheet['I2'].quotePrefix  # '=', '+', '@': text
    people = [[c.value for c in r] for r in book['Council volunteers'].iter_rows()]
    assert people[0] == ['Name', 'Contact', 'Group or organization', 'Why they would take part']
    assert people[1:] == [[v.name, v.contact, v.affiliation, v.why] for v in volunteers]
    assert not any(len(v.id) == 32 and v.id in str(r) for v in volunteers for r in people)  # never an entry's key


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
                                  '05-action_plan.csv', '06-council.csv', '07-issues.csv', '08-themes.csv',
                                  '09-solutions.csv', '10-stakeholders.csv', '11-moderation.csv', '12-day.csv']
    raw = archive.read('07-issues.csv')
    assert raw.startswith(b'\xef\xbb\xbf')  # UTF-8 with BOM: Excel reads Hindi and Arabic
    issues = pd.read_csv(io.BytesIO(raw), encoding='utf-8-sig', dtype={'Issue': str})
    read = {(room, text[1:] if text.startswith("'") and text[1] in '=+-@' else text): n
            for room, text, n in zip(issues['Room'], issues['Issue'], issues['Dots'], strict=True)}
    assert read == dots
    assert "'=1+1" in set(issues['Issue']) and "'-2" in set(issues['Issue'])
    day = pd.read_csv(io.BytesIO(archive.read('12-day.csv')), encoding='utf-8-sig')
    assert day['Time'].str.fullmatch(r'\d{4}-\d\d-\d\d \d\d:\d\d').all()  # to the minute
    every = b''.join(archive.read(name) for name in archive.namelist()).decode('utf-8-sig')
    assert not [never for never in NEVER if never in every]


def test_csv_action_plan_and_council(made, plan) -> None:
    rows, volunteers = plan
    archive = zipfile.ZipFile(io.BytesIO(made['csv']))
    actions = pd.read_csv(io.BytesIO(archive.read('05-action_plan.csv')), encoding='utf-8-sig', dtype=str,
                          keep_default_na=False)
    assert list(actions['No.']) == [str(n) for n in range(1, len(rows) + 1)]
    quoted = lambda v: '' if v is None else f"'{v}" if str(v)[0] in '=+-@' else str(v)  # noqa: E731
    for key, header in (('action', 'Action'), ('lead', 'Lead'), ('partners', 'Partners'),
                        ('first_steps', 'First steps'), ('success_measure', 'Measure of success'), ('notes', 'Notes'),
                        ('status', 'Status'), ('responsible', 'Responsible'), ('endorsements', 'Endorsements')):
        assert list(actions[header]) == [quoted(getattr(r, key)) for r in rows], header
    assert list(actions['Start date']) == [r.start.isoformat() if r.start else '' for r in rows]
    assert list(actions['Due date']) == [r.due.isoformat() if r.due else '' for r in rows]
    people = pd.read_csv(io.BytesIO(archive.read('06-council.csv')), encoding='utf-8-sig', dtype=str,
                         keep_default_na=False)
    assert [list(r) for r in people.itertuples(index=False)] == [
        [quoted(v.name), quoted(v.contact), quoted(v.affiliation), quoted(v.why)] for v in volunteers]


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


def test_word_report_action_plan_and_council(made, plan) -> None:
    rows, volunteers = plan
    document = Document(io.BytesIO(made['docx']))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith('Heading')]
    at = headings.index('Action plan')
    assert headings[at + 1:at + 4] == [rows[0].priority, rows[-1].priority, 'Council volunteers']
    rooms = [p.text for p in document.paragraphs]
    assert rooms[rooms.index(rows[0].priority) + 1] == rows[0].room  # under its priority, a line of its own
    grids = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    summaries = [g for g in grids if g[0][:2] == ['No.', 'Action']]
    assert summaries[0][0] == ['No.', 'Action', 'Lead', 'Responsible', 'Start date', 'Due date', 'Status']
    drawn = [row for g in summaries for row in g[1:]]
    assert drawn == [[str(n), r.action, r.lead or '', r.responsible or '',
                      f'{r.start:%b} {r.start.day}, {r.start.year}' if r.start else '',
                      f'{r.due:%b} {r.due.day}, {r.due.year}' if r.due else '', r.status]
                     for n, r in enumerate(rows, start=1)]
    [details] = [g for g in grids if g[0][0] == 'Action 1']  # the one action with long fields
    assert details == [['Action 1', rows[0].action], ['Partners', rows[0].partners],
                       ['First steps', rows[0].first_steps], ['Resources needed', rows[0].resources],
                       ['Measure of success', rows[0].success_measure], ['Notes', rows[0].notes]]
    [people] = [g for g in grids if g[0][0] == 'Name']
    assert people[1:] == [[v.name, v.affiliation or ''] for v in volunteers]
    text = '\n'.join(p.text for p in document.paragraphs)
    assert 'Their contact details and what they wrote stay with the organizers' in text
    assert REFUSED_VOLUNTEER not in text + str(grids)
    for v in volunteers:  # the report is handed over: what the volunteers were promised stays out
        assert v.contact not in text + str(grids) and (not v.why or v.why not in text + str(grids))


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
    raw = subprocess.run(['pdftotext', '-raw', '-', '-'], input=made['pdf'], capture_output=True,  # cell by cell
                         check=True).stdout.decode()
    plan_text = re.sub(r'\s+', '', raw[raw.index('Action plan'):])
    for wanted in ('Monthly open meetings at the library', FULL_ITEM['lead'], 'Police and community', 'On track',
                   'Lagging', 'Jun 1,', 'Dec 15,', 'Primera reunión confirmada 🎉', 'Council volunteers',
                   'Ana María Gómez', 'राजेश कुमार', '=Officer Lee'):
        assert re.sub(r'\s+', '', wanted) in plan_text, wanted
    assert '+15550100' not in plan_text  # a volunteer's contact stays with the organizers
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


def test_pdf_prints_latin_after_devanagari_and_arabic(tmp_path) -> None:
    """fpdf2 2.8.9 printed the Latin text and digits that followed a line begun in a fallback font with that font's
    glyph numbers ('safety' came out as 'hi2mvd', '6' as 'k'); and ordered a right-to-left name among
    left-to-right ones wrongly. Both as the report meets them: cells that wrap, names one a line."""
    from spcp.exports import pdf
    from spcp.exports.report import Grid, Paragraph, Report
    blocks = (Paragraph('4 rooms:\nSala 2 — Jóvenes\nقاعة 4 — التواصل واللغة'),
              Grid(('Theme', 'Dots'), (('महिलाओं की सुरक्षा · Women\'s safety and more words to wrap', '6'),),
                   (False, True), (0.3, 0.7)),  # wraps: its second line is Latin
              Grid(('Theme', 'Dots'), (('الثقة بعد الحوادث · Trust after incidents', '8'),
                                       ('Plain Latin after them', '12')), (False, True), (0.7, 0.3)))
    document = pdf.ReportPdf(Report('en', False, 'Test', blocks))
    document.add_page()
    for block in blocks:
        pdf._draw(document, block)
    text = subprocess.run(['pdftotext', '-raw', '-', '-'], input=bytes(document.output()), capture_output=True,
                          check=True).stdout.decode()
    words = re.sub(r'\s+', ' ', text)
    for wanted in ("Women's safety and more words to wrap", 'Trust after incidents', 'Plain Latin after them',
                   'Sala 2 — Jóvenes'):
        assert wanted in words, (wanted, words)
    assert {'6', '8', '12'} <= set(words.split())  # the digits too
    bbox = subprocess.run(['pdftotext', '-bbox', '-', '-'], input=bytes(document.output()), capture_output=True,
                          check=True).stdout.decode()
    placed = [(float(y), float(x), w) for x, y, w in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]+)<', bbox)]
    line = next(y for y, _x, w in placed if w == 'ق')   # قاعة 4 — ...: its line (Arabic glyphs sit a little lower)
    xs = {w: x for y, x, w in placed if abs(y - line) < 5}
    assert xs['4'] < xs['ق']  # right to left: the number after قاعة stands to its left
