"""The PDF report: the same blocks as the Word report (``report.build``), drawn with fpdf2.

Text is shaped with HarfBuzz (fpdf2's text shaping, uharfbuzz) where its script needs it, with the
posters' fonts (``spcp/fonts.py``: Noto Sans, then Devanagari, Arabic and emoji for what it lacks),
so Hindi conjuncts and joined Arabic print as they should and ``pdftotext`` reads them back. Tables
are drawn row by row (a row that does not fit starts a new page under a repeated header); an Arabic
report runs right to left: text aligned right, the first column on the right.

Text is drawn one printed line at a time, for two faults of fpdf2 2.8.9 seen in reports: a right-to-left
run inside a left-to-right line comes out in the wrong order where its digits or dashes are in another font
than its letters (``Sala 2, قاعة 4 — التواصل`` printed its words left to right), while each line of a text
(``\n``) drawn apart takes its own direction, as the Unicode bidi algorithm gives each paragraph its own; so
the report puts lists of names one a line (``report.py``). And a line that starts in a fallback font
(Devanagari, Arabic) left the next one, wrapped in the same call, printing Latin with that font's glyph
numbers ('safety' came out as 'hi2mvd'); a line drawn alone sets its font first (``style``).
"""
from __future__ import annotations

import io
from typing import BinaryIO

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from PIL import Image

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
LINE_MM = TABLE_PT * 0.48   # a table line's height


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
        # fpdf2 2.8.9 sets the font of a line that starts in a fallback font (Arabic) inside that line's q/Q, then
        # takes it as set for the page: the next line printed Latin and digits with the Arabic font's glyph
        # numbers ('Trust' came out as '6rehv'). So each text sets its font again.
        self.current_font_is_set_on_page = False
        self.set_text_color(*color)
        self.set_text_shaping(needs_shaping(text))

    def wrapped(self, width: float, height: float, text: str) -> list[str]:
        """``text`` broken into the lines it prints as at ``width`` in the current font: each of its own lines
        (``\n``) apart, then as fpdf2 wraps it."""
        found = []
        for line in text.split('\n'):
            self.set_text_shaping(needs_shaping(line))
            found += self.multi_cell(width, height, line, dry_run=True, output=MethodReturnValue.LINES) or ['']
        return found

    def paragraph(self, text: str, size: float, *, bold: bool = False, color=INK, gap: float = 2) -> None:
        self.style(size, bold=bold, color=color)
        for line in self.wrapped(self.width, size * 0.5, text):
            self.style(size, bold=bold, color=color, text=line)
            self.set_x(MARGIN)
            self.multi_cell(self.width, size * 0.5, line, align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)

    def lines(self, width: float, text: str, *, bold: bool, align: str = 'L', dry_run: bool = False) -> float:
        """A table cell's text from here down, one printed line at a time; returns its height."""
        self.style(TABLE_PT, bold=bold)
        wrapped = self.wrapped(width, LINE_MM, text)
        if not dry_run:
            x, top = self.get_x(), self.get_y()
            for n, line in enumerate(wrapped):
                self.style(TABLE_PT, bold=bold, text=line)
                self.set_xy(x, top + n * LINE_MM)
                self.multi_cell(width, LINE_MM, line, align=align)
        return len(wrapped) * LINE_MM


def render(tables: ExportTables, out: BinaryIO) -> None:
    report = build(tables)
    pdf = ReportPdf(report)
    pdf.add_page()
    charts = {i: _chart(pdf, block) for i, block in enumerate(report.blocks) if isinstance(block, Chart)}
    for i, block in enumerate(report.blocks):
        _draw(pdf, block, charts.get(i), charts.get(i + 1))
    out.write(bytes(pdf.output()))


def _chart(pdf: ReportPdf, chart: Chart) -> tuple[bytes, float]:
    """The chart's PNG and its height on the page (mm)."""
    png = bar_chart(chart.labels, chart.values, rtl=pdf.report.rtl)
    with Image.open(io.BytesIO(png)) as image:
        return png, pdf.width * image.height / image.width


def _draw(pdf: ReportPdf, block, chart: tuple[bytes, float] | None = None,
          next_chart: tuple[bytes, float] | None = None) -> None:
    if isinstance(block, Heading):
        room = next_chart[1] + 15 if next_chart else 40 * (3 - block.level)   # for what it heads
        if block.level and pdf.get_y() > pdf.h - MARGIN - room:
            pdf.add_page()  # a heading never sits alone at the foot of a page, nor away from its chart
        pdf.ln(4 if block.level else 0)
        pdf.paragraph(block.text, HEADING_PT[block.level], bold=True, color=ACCENT, gap=2 if block.level else 4)
    elif isinstance(block, Paragraph):
        pdf.paragraph(block.text, TEXT_PT, color=MUTED if block.muted else INK)
    elif isinstance(block, Grid):
        _grid(pdf, block)
        pdf.ln(3)
    elif isinstance(block, Chart):
        png, _height = chart or _chart(pdf, block)
        pdf.image(io.BytesIO(png), x=MARGIN, w=pdf.width)
        pdf.ln(2)
    elif isinstance(block, PageBreak):
        pdf.add_page()


def _grid(pdf: ReportPdf, grid: Grid) -> None:
    widths = [share * pdf.width for share in grid.widths]
    order = list(range(len(widths)))[::-1] if pdf.report.rtl else list(range(len(widths)))
    first = _height(pdf, grid, grid.headers, widths, header=True) + \
        (_height(pdf, grid, grid.rows[0], widths) if grid.rows else 0)
    if pdf.get_y() + first > pdf.page_break_trigger:
        pdf.add_page()  # a header row never sits alone at the foot of a page
    _row(pdf, grid, grid.headers, widths, order, header=True)
    for values in grid.rows:
        if pdf.get_y() + _height(pdf, grid, values, widths) > pdf.page_break_trigger:
            pdf.add_page()
            _row(pdf, grid, grid.headers, widths, order, header=True)
        _row(pdf, grid, values, widths, order)


def _height(pdf: ReportPdf, grid: Grid, values: tuple[str, ...], widths: list[float], header: bool = False) -> float:
    """The row's height: its tallest cell, wrapped."""
    tallest = max(pdf.lines(width - 2 * PAD, value, bold=header, dry_run=True)
                  for value, width in zip(values, widths, strict=True))
    return tallest + 2 * PAD


def _row(pdf: ReportPdf, grid: Grid, values: tuple[str, ...], widths: list[float], order: list[int],
         header: bool = False) -> None:
    height = _height(pdf, grid, values, widths, header)
    top, x = pdf.get_y(), MARGIN
    pdf.set_draw_color(*LINE)
    pdf.set_fill_color(*FILL)
    for column in order:
        pdf.rect(x, top, widths[column], height, style='DF' if header else 'D')
        pdf.set_xy(x + PAD, top + PAD)
        align = ('L' if pdf.report.rtl else 'R') if grid.numeric[column] else pdf.align
        pdf.lines(widths[column] - 2 * PAD, values[column], bold=header, align=align)
        x += widths[column]
    pdf.set_xy(MARGIN, top + height)
