"""The workbook: one sheet per table, written by pandas with openpyxl, then finished with openpyxl.

Numbers stay numbers, dates and times are Excel dates (to the minute), the header row is frozen and
bold, columns get widths from their content (long text wraps), and an Arabic reader's sheets run
right to left. Text is only ever text: openpyxl takes a string that begins with ``=`` for a formula
and ``#N/A`` for an error value; every such cell is set back to a text cell, its value unchanged, and
a text that could run as a formula (``cells.risky``) also gets Excel's quote prefix, so editing the
cell later keeps it text.
"""
from __future__ import annotations

import io
from typing import BinaryIO

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..i18n import translator
from .cells import risky, width
from .tables import DATE, TEXT, TIME, ExportTables, Table
from .zipped import made_at, steady_zip

FORMATS = {DATE: 'yyyy-mm-dd', TIME: 'yyyy-mm-dd hh:mm'}
HEADER_FILL = PatternFill('solid', start_color='DBE4F3')
WRAP_AFTER = 60  # characters: a text column this wide wraps instead of growing


def render(tables: ExportTables, out: BinaryIO) -> None:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine='openpyxl', date_format=FORMATS[DATE], datetime_format=FORMATS[TIME]) as writer:
        for table in tables.tables.values():
            table.frame.to_excel(writer, sheet_name=table.title, index=False, header=list(table.headers))
            finish(writer.sheets[table.title], table, rtl=translator(tables.locale).rtl)
        writer.book.properties.creator = writer.book.properties.lastModifiedBy = 'SPCP Live'
        writer.book.properties.created = writer.book.properties.modified = made_at()
    out.write(steady_zip(buffer.getvalue()))


def finish(sheet: Worksheet, table: Table, *, rtl: bool) -> None:
    """Text cells as text, typed formats, frozen header, widths, direction."""
    sheet.freeze_panes = 'A2'
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(vertical='top', wrap_text=True)
    sheet.sheet_view.rightToLeft = rtl
    for index, column in enumerate(table.columns, start=1):
        cells = [row[0] for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index)]
        for cell in cells:
            keep_text(cell)
            if column.kind in FORMATS:
                cell.number_format = FORMATS[column.kind]
        texts = [str(c.value) for c in cells if c.value is not None]
        sheet.column_dimensions[get_column_letter(index)].width = width(texts, table.headers[index - 1])
        if column.kind == TEXT and any(len(t) > WRAP_AFTER or '\n' in t for t in texts):
            for cell in cells:
                cell.alignment = Alignment(wrap_text=True, vertical='top')


def keep_text(cell) -> None:
    """A string stays a string: never a formula ('f') or an error value ('e')."""
    if isinstance(cell.value, str):
        if cell.data_type in ('f', 'e'):
            cell.data_type = 's'
        if risky(cell.value):
            cell.quotePrefix = True
