"""The report an organizer hands over, as a list of blocks that the Word (``docx.py``) and PDF
(``pdf.py``) renderers both draw: the same content, two formats.

Cover (event, date, venue, rooms, people), the ranked priorities with their chart, each room's top
issues and solutions, the action plan and the council when the export has them, and how the day ran
(the rooms in numbers, the moderation counts, when each room moved on). Everything comes from the
export's tables, so the report never says more than the spreadsheet.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
from babel.dates import format_date

from ..i18n import Translator, translator
from .tables import DATE, INT, TIME, ExportTables, Table

TOP_ISSUES = 5        # per room
CHART_BARS = 10       # priorities in the chart


@dataclass(frozen=True)
class Heading:
    text: str
    level: int        # 0: the title, 1: a section, 2: within a section


@dataclass(frozen=True)
class Paragraph:
    text: str
    muted: bool = False


@dataclass(frozen=True)
class Grid:
    """A table: headers, rows of text, and which columns are numbers (aligned to the end)."""
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    widths: tuple[float, ...]     # each column's share of the page width


@dataclass(frozen=True)
class Chart:
    labels: tuple[str, ...]
    values: tuple[int, ...]
    title: str


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Grid | Chart | PageBreak


@dataclass(frozen=True)
class Report:
    locale: str
    rtl: bool
    title: str
    blocks: tuple[Block, ...]


def cell(value: object, kind: str, tr: Translator) -> str:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return ''
    if kind == INT:
        return tr.number(int(value))
    if kind == DATE:
        return format_date(value.date(), 'medium', locale=tr.locale)
    if kind == TIME:
        return value.strftime('%H:%M')
    if isinstance(value, bool):
        return '✓' if value else ''  # a mark needs no translation
    return str(value)


def grid(table: Table, keys: tuple[str, ...], tr: Translator, widths: tuple[float, ...],
         frame: pd.DataFrame | None = None) -> Grid:
    """Some columns of a table (all its rows, or ``frame``'s) as text in the reader's language."""
    frame = table.frame if frame is None else frame
    index = {c.key: i for i, c in enumerate(table.columns)}
    kinds = [table.columns[index[k]].kind for k in keys]
    rows = tuple(tuple(cell(row[k], kind, tr) for k, kind in zip(keys, kinds, strict=True))
                 for row in frame.to_dict('records'))
    return Grid(tuple(table.headers[index[k]] for k in keys), rows, tuple(k == INT for k in kinds), widths)


def cover(export: ExportTables, tr: Translator) -> Iterator[Block]:
    yield Heading(export.event_name, 0)
    facts = [format_date(export.date, 'full', locale=tr.locale) if export.date else None, export.venue]
    yield Paragraph(' · '.join(f for f in facts if f))
    yield Paragraph(tr.plural('{n} room', '{n} rooms', len(export.rooms)) + ': ' + ', '.join(export.rooms))
    people = tr.plural('{n} participant', '{n} participants', export.participants)
    if export.on_paper:
        people += ' · ' + tr.plural('{n} on paper', '{n} on paper', export.on_paper)
    yield Paragraph(people)
    if export.facilitators:
        yield Paragraph(tr('Facilitators: {names}', names=', '.join(export.facilitators)), muted=True)


def priorities(export: ExportTables, tr: Translator) -> Iterator[Block]:
    voted = 'plenary' in export.tables and export['plenary'].frame['dots'].sum() > 0
    if voted:
        yield from plenary(export, tr)
    table = export['priorities']
    yield Heading(tr("The rooms' top themes") if voted else tr('Priorities'), 1)
    if table.frame.empty:
        yield Paragraph(tr('No room has ranked its themes yet.'), muted=True)
        return
    top = table.frame.head(CHART_BARS)
    yield Chart(tuple(f'{p} ({r})' for p, r in zip(top['priority'], top['room'], strict=True)),
                tuple(int(v) for v in top['dots']), tr('Dots per priority'))
    yield grid(table, ('rank', 'priority', 'room', 'dots', 'solutions', 'endorsements'), tr,
               (0.07, 0.31, 0.2, 0.09, 0.14, 0.19))
    if 'plenary' in export.tables and not voted and not export['plenary'].frame.empty:  # made, not voted on yet
        yield Heading(export['plenary'].title, 2)
        yield grid(export['plenary'], ('priority', 'rooms'), tr, (0.6, 0.4))


def plenary(export: ExportTables, tr: Translator) -> Iterator[Block]:
    """The hall's ranking of the rooms' top themes: the event's priorities."""
    table = export['plenary']
    yield Heading(table.title, 1)
    top = table.frame.head(CHART_BARS)
    yield Chart(tuple(top['priority']), tuple(int(v) for v in top['dots']), tr('Dots per priority'))
    yield grid(table, ('rank', 'priority', 'dots', 'rooms'), tr, (0.08, 0.5, 0.1, 0.32))


def rooms(export: ExportTables, tr: Translator) -> Iterator[Block]:
    issues, solutions = export['issues'], export['solutions']
    for room in export.rooms:
        yield Heading(room, 1)
        mine = issues.frame[issues.frame['room'] == room].sort_values('dots', ascending=False, kind='stable')
        yield Heading(tr('Top issues'), 2)
        if mine.empty:
            yield Paragraph(tr('No issues.'), muted=True)
        else:
            yield grid(issues, ('issue', 'theme', 'dots'), tr, (0.6, 0.28, 0.12), mine.head(TOP_ISSUES))
        found = solutions.frame[solutions.frame['room'] == room]
        yield Heading(tr('Solutions'), 2)
        if found.empty:
            yield Paragraph(tr('No solutions.'), muted=True)
        else:
            yield grid(solutions, ('solution', 'theme', 'endorsements'), tr, (0.57, 0.27, 0.16), found)


def optional(export: ExportTables, tr: Translator) -> Iterator[Block]:
    """Tables other parts of the app add (the action plan, the council): each as a section, if there."""
    for key, note in SECTIONS.items():
        if key in export.tables:
            table = export[key]
            yield Heading(table.title, 1)
            if note:
                yield Paragraph(tr(note), muted=True)
            share = 1 / len(table.columns)
            yield grid(table, tuple(c.key for c in table.columns), tr, tuple(share for _ in table.columns))


SECTIONS: dict[str, str | None] = {}   # table key -> a note under its title; filled as those tables arrive


def the_day(export: ExportTables, tr: Translator) -> Iterator[Block]:
    yield Heading(tr('How the day ran'), 1)
    yield grid(export['rooms'], ('room', 'participants', 'on_paper', 'issues', 'dots', 'themes', 'solutions'), tr,
               (0.25, 0.14, 0.12, 0.11, 0.1, 0.12, 0.16))
    yield Heading(tr('Moderation log'), 2)
    yield Paragraph(tr('Hidden cards never appear in this report: only how many there were.'), muted=True)
    yield grid(export['moderation'], ('room', 'hidden_issues', 'merged', 'never_approved', 'hidden_solutions'), tr,
               (0.24, 0.19, 0.19, 0.19, 0.19))
    day = export['day']
    if not day.frame.empty:
        yield Heading(tr('Phases'), 2)
        yield grid(day, ('time', 'room', 'phase'), tr, (0.15, 0.45, 0.4))


def build(export: ExportTables) -> Report:
    tr = translator(export.locale)
    blocks = [*cover(export, tr), *priorities(export, tr), PageBreak(), *rooms(export, tr),
              *optional(export, tr), PageBreak(), *the_day(export, tr)]
    return Report(export.locale, tr.rtl, export.event_name, tuple(blocks))
