"""The PDF report: the same blocks as the Word report (``report.build``), drawn with fpdf2.

Text is shaped with HarfBuzz (fpdf2's text shaping, uharfbuzz) where its script needs it, with the
posters' fonts (``spcp/fonts.py``: Noto Sans, then Devanagari, Arabic and emoji for what it lacks),
so Hindi conjuncts and joined Arabic print as they should and ``pdftotext`` reads them back. Tables
are drawn row by row (a row that does not fit starts a new page under a repeated header); an Arabic
report runs right to left: text aligned right, the first column on the right.
"""
from __future__ import annotations

import io
from typing import BinaryIO

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from ..fonts import add_fonts, needs_shaping
from .charts import bar_chart
from .report import Chart, Grid, Heading, PageBreak, Paragraph, Report, build
from .tables import ExportTables
from .zipped import made_at

MARGIN = 18
INK, MUTED, ACCENT, LINE, FILL = (17, 24, 39), (75, 85, 99), (30, 58, 138), (156, 163, 175), (219, 228, 243)
HEADING_PT = {0: 22, 1: 15, 2: 11.5}
TEXT_PT, TABLE_PT = 10.5, 9
PAD = 1.2   # mm inside a table cell


class ReportPdf(FPDF):
    def __init__(self, report: Report) -> None:
        super().__init__(orientation='portrait', unit='mm', format='A4')
        self.report = report
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, MARGIN)
        add_fonts(self)
        self.set_title(report.title)
        self.set_lang(report.locale)
        self.set_creator('SPCP Live')
        self.set_creation_date(made_at())
        self.align = 'R' if report.rtl else 'L'

    @property
    def width(self) -> float:
        return self.w - 2 * MARGIN

    def footer(self) -> None:
        self.set_y(-12)
        self.style(8, color=MUTED)
        self.cell(0, 5, f'{self.report.title} · {self.page_no()}', align='C')

    def style(self, size: float, *, bold: bool = False, color: tuple[int, int, int] = INK, text: str = '') -> None:
        self.set_font('latin', 'B' if bold else '', size)
        self.set_text_color(*color)
        self.set_text_shaping(needs_shaping(text))

    def paragraph(self, text: str, size: float, *, bold: bool = False, color=INK, gap: float = 2) -> None:
        self.style(size, bold=bold, color=color, text=text)
        self.set_x(MARGIN)
        self.multi_cell(self.width, size * 0.5, text, align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)


def render(tables: ExportTables, out: BinaryIO) -> None:
    report = build(tables)
    pdf = ReportPdf(report)
    pdf.add_page()
    for block in report.blocks:
        _draw(pdf, block)
    out.write(bytes(pdf.output()))


def _draw(pdf: ReportPdf, block) -> None:
    if isinstance(block, Heading):
        if block.level and pdf.get_y() > pdf.h - MARGIN - 40 * (3 - block.level):  # room for what it heads
            pdf.add_page()  # a heading never sits alone at the foot of a page
        pdf.ln(4 if block.level else 0)
        pdf.paragraph(block.text, HEADING_PT[block.level], bold=True, color=ACCENT, gap=2 if block.level else 4)
    elif isinstance(block, Paragraph):
        pdf.paragraph(block.text, TEXT_PT, color=MUTED if block.muted else INK)
    elif isinstance(block, Grid):
        _grid(pdf, block)
        pdf.ln(3)
    elif isinstance(block, Chart):
        png = bar_chart(block.labels, block.values, rtl=pdf.report.rtl)
        pdf.image(io.BytesIO(png), x=MARGIN, w=pdf.width)
        pdf.ln(2)
    elif isinstance(block, PageBreak):
        pdf.add_page()


def _grid(pdf: ReportPdf, grid: Grid) -> None:
    widths = [share * pdf.width for share in grid.widths]
    order = list(range(len(widths)))[::-1] if pdf.report.rtl else list(range(len(widths)))
    _row(pdf, grid, grid.headers, widths, order, header=True)
    for values in grid.rows:
        if pdf.get_y() + _height(pdf, grid, values, widths) > pdf.page_break_trigger:
            pdf.add_page()
            _row(pdf, grid, grid.headers, widths, order, header=True)
        _row(pdf, grid, values, widths, order)


def _height(pdf: ReportPdf, grid: Grid, values: tuple[str, ...], widths: list[float], header: bool = False) -> float:
    """The row's height: its tallest cell, wrapped."""
    tallest = 0.0
    for value, width in zip(values, widths, strict=True):
        pdf.style(TABLE_PT, bold=header, text=value)
        tallest = max(tallest, pdf.multi_cell(width - 2 * PAD, TABLE_PT * 0.48, value, dry_run=True,
                                              output=MethodReturnValue.HEIGHT))
    return tallest + 2 * PAD


def _row(pdf: ReportPdf, grid: Grid, values: tuple[str, ...], widths: list[float], order: list[int],
         header: bool = False) -> None:
    height = _height(pdf, grid, values, widths, header)
    top, x = pdf.get_y(), MARGIN
    pdf.set_draw_color(*LINE)
    pdf.set_fill_color(*FILL)
    for column in order:
        pdf.rect(x, top, widths[column], height, style='DF' if header else 'D')
        pdf.style(TABLE_PT, bold=header, text=values[column])
        pdf.set_xy(x + PAD, top + PAD)
        align = ('L' if pdf.report.rtl else 'R') if grid.numeric[column] else pdf.align
        pdf.multi_cell(widths[column] - 2 * PAD, TABLE_PT * 0.48, values[column], align=align,
                       new_x=XPos.RIGHT, new_y=YPos.TOP)
        x += widths[column]
    pdf.set_xy(MARGIN, top + height)
