"""The report's bar charts, drawn with matplotlib as PNG for the Word and PDF reports.

Labels are participants' and facilitators' text in any script: matplotlib (3.11) lays text out with
libraqm (HarfBuzz and FriBiDi), so Hindi conjuncts form and Arabic letters join, right to left, and
it falls back glyph by glyph along our Noto families (``fonts.matplotlib_families``), emoji included.
Checked by eye on rendered charts; the tests check the labels' glyphs come from the right fonts.
"""
from __future__ import annotations

import io
import textwrap

from ..fonts import matplotlib_families

BAR, INK, GRID = '#1e3a8a', '#111827', '#d1d5db'
DPI = 200
LABEL_CHARS = 42   # a label's line wraps after this many characters
LABEL_LINES = 3    # lines of a label at most


def bar_chart(labels: tuple[str, ...], values: tuple[int, ...], *, rtl: bool = False) -> bytes:
    """Horizontal bars, the first label on top, each bar with its value; PNG bytes. A label's lines (``\n``) are
    laid out one by one, each in its own direction: a priority and its room, in two scripts, stay apart."""
    import matplotlib
    matplotlib.use('Agg')  # no display: only files
    from matplotlib.figure import Figure

    families = list(matplotlib_families())
    wrapped = ['\n'.join([w for line in label.split('\n') for w in textwrap.wrap(line, LABEL_CHARS)[:2]][:LABEL_LINES])
               or ' ' for label in labels]
    lines = sum(max(1, w.count('\n') + 1) for w in wrapped)
    figure = Figure(figsize=(6.5, 0.5 + 0.32 * lines + 0.12 * len(labels)), dpi=DPI)
    axes = figure.add_subplot()
    positions = list(range(len(values)))[::-1]
    axes.barh(positions, values, color=BAR, height=0.6)
    axes.set_yticks(positions, wrapped, family=families, fontsize=9, color=INK)
    for position, value in zip(positions, values, strict=True):
        axes.annotate(str(value), (value, position), xytext=(-4 if rtl else 4, 0), textcoords='offset points',
                      va='center', ha='right' if rtl else 'left', family=families, fontsize=8, color=INK)
    axes.set_xlim(0, max(values, default=1) * 1.12 or 1)
    axes.xaxis.set_visible(False)
    for side in ('top', 'right', 'bottom'):
        axes.spines[side].set_visible(False)
    if rtl:  # an Arabic report reads from the right: bars grow leftwards, labels on the right
        axes.invert_xaxis()
        axes.yaxis.tick_right()
        axes.spines['left'].set_visible(False)
        axes.spines['right'].set_visible(True)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format='png', dpi=DPI)
    return out.getvalue()
