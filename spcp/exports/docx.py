"""The Word report (python-docx): an editable document an organizer hands over.

Draws ``report.build``'s blocks: headings, paragraphs, tables with a repeated header row, the chart
as a picture. An Arabic report runs right to left (paragraphs and tables). The document's dates say
the minute it was made and no more, and the file's zip entries carry a fixed date (``zipped``).
"""
from __future__ import annotations

import io
from typing import BinaryIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable

from .charts import bar_chart
from .report import Chart, Grid, Heading, PageBreak, Paragraph, build
from .tables import ExportTables
from .zipped import made_at, steady_zip

MUTED = RGBColor(0x4B, 0x55, 0x63)
HEADER_FILL = 'DBE4F3'
TEXT_WIDTH_CM = 17.0


def render(tables: ExportTables, out: BinaryIO) -> None:
    report = build(tables)
    document = Document()
    _page(document)
    for block in report.blocks:
        _draw(document, block, report.rtl)
    properties = document.core_properties
    properties.title, properties.language, properties.author = report.title, report.locale, 'SPCP Live'
    properties.last_modified_by, properties.revision = 'SPCP Live', 1
    properties.created = properties.modified = made_at()
    properties.last_printed = made_at()
    buffer = io.BytesIO()
    document.save(buffer)
    out.write(steady_zip(buffer.getvalue()))


def _page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)   # A4
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    document.styles['Normal'].font.size = Pt(10.5)


def _draw(document, block, rtl: bool) -> None:
    if isinstance(block, Heading):
        _direction(document.add_heading(block.text, block.level), rtl)
    elif isinstance(block, Paragraph):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(block.text)
        if block.muted:
            run.font.color.rgb = MUTED
        _direction(paragraph, rtl)
    elif isinstance(block, Grid):
        _grid(document, block, rtl)
        document.add_paragraph()
    elif isinstance(block, Chart):
        document.add_picture(io.BytesIO(bar_chart(block.labels, block.values, rtl=rtl)), width=Cm(TEXT_WIDTH_CM))
        _direction(document.paragraphs[-1], rtl)
    elif isinstance(block, PageBreak):
        document.add_page_break()


def _grid(document, grid: Grid, rtl: bool) -> DocxTable:
    table = document.add_table(rows=1 + len(grid.rows), cols=len(grid.headers))
    table.style = 'Table Grid'  # plain lines: the accent styles bold the first column, mixing fonts in it
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # our widths, not the content's: a long card wraps instead of squeezing the numbers
    for column, share in zip(table.columns, grid.widths, strict=True):
        column.width = Cm(TEXT_WIDTH_CM * share)
    if rtl:
        table._tbl.tblPr.append(OxmlElement('w:bidiVisual'))  # noqa: SLF001 (no API for a right-to-left table)
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement('w:tblHeader'))  # noqa: SLF001 (repeat on every page)
    end = WD_ALIGN_PARAGRAPH.LEFT if rtl else WD_ALIGN_PARAGRAPH.RIGHT
    for row_index, values in enumerate([grid.headers, *grid.rows]):
        for column, value in enumerate(values):
            cell = table.rows[row_index].cells[column]
            cell.width = Cm(TEXT_WIDTH_CM * grid.widths[column])
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(value)
            if row_index == 0:
                run.bold = True
                _shade(cell, HEADER_FILL)
            _direction(paragraph, rtl)
            if grid.numeric[column]:
                paragraph.alignment = end
    return table


def _shade(cell, fill: str) -> None:
    shading = OxmlElement('w:shd')
    shading.set(qn('w:val'), 'clear')
    shading.set(qn('w:fill'), fill)
    cell._tc.get_or_add_tcPr().append(shading)  # noqa: SLF001 (no API for a cell's fill)


def _direction(paragraph, rtl: bool) -> None:
    """A right-to-left paragraph for an Arabic reader (python-docx has no API for it)."""
    if rtl:
        paragraph._p.get_or_add_pPr().append(OxmlElement('w:bidi'))  # noqa: SLF001
        for run in paragraph.runs:
            run._r.get_or_add_rPr().append(OxmlElement('w:rtl'))  # noqa: SLF001
    paragraph.paragraph_format.keep_with_next = paragraph.style.name.startswith('Heading') or None
